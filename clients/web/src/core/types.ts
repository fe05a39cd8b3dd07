/** The roles chat-sync stores. */
export type Role = 'user' | 'assistant' | 'system' | 'tool';

/** One part of a message, as the Vercel AI SDK's `UIMessage.parts` holds them; only `type` is read. */
export interface MessagePart {
  readonly type: string;
}

/**
 * A message as the app has it: an AI SDK `UIMessage` (`id`, `role`, `parts`, `metadata`) or the plain
 * `{id, role, content}` form. Ids are the app's own and stable; a changed message keeps its id.
 */
export interface MessageInput {
  readonly id: string;
  readonly role: Role;
  readonly content?: string;
  readonly parts?: readonly MessagePart[];
  readonly metadata?: unknown;
  readonly createdAt?: Date | string | number;
}

export interface ConversationInput {
  readonly conversationId: string;
  readonly personaId: string;
  readonly title?: string;
  readonly messages: readonly MessageInput[];
}

/** A message as this device holds it, from the app or from the server. */
export interface SyncedMessage {
  id: string;
  role: Role;
  /** The text; for a message given as parts, the concatenated text parts. */
  content: string;
  parts?: MessagePart[];
  metadata?: Record<string, unknown>;
  createdAt?: string;
  /** The server's revision of this message, once read back from it. */
  revision?: number;
  /**
   * How many versions of this message the server kept as conflicts: edits made on other devices from a
   * revision that was no longer current (see {@link SyncClient.loadRevisions}). Absent while there are none.
   */
  conflicts?: number;
}

/** One version of a message the server keeps besides its current one: an earlier one, or a conflict. */
export interface MessageVersion {
  revision: number;
  role: Role;
  content: string;
  parts?: MessagePart[];
  metadata?: Record<string, unknown>;
  /** Kept as a conflict: edited from an older revision than the current one, so it did not replace it. */
  conflict: boolean;
  /** The revision this version was edited from, when its writer said. */
  basedOn?: number;
  storedAt?: string;
  replacedAt?: string;
}

export interface MessageRevisions {
  /** The current revision. */
  revision: number;
  /** Newest (highest revision) first. */
  revisions: MessageVersion[];
}

/** Messages a read or the changes feed showed with more conflicts than this device knew of. */
export interface ConflictNotice {
  conversationId: string;
  messageIds: string[];
}

export interface ConversationSummary {
  conversationId: string;
  personaId: string;
  title?: string;
  createdAt?: string;
  /** The server's last change, or this device's when more recent. */
  updatedAt?: string;
}

export interface Conversation extends ConversationSummary {
  messages: SyncedMessage[];
}

/**
 * Where a conversation's changes are: `pending` (waiting for the debounce, the network or a retry),
 * `sending` (a request is out), `acknowledged` (the server answered 202 for everything this device
 * holds), `failed` (the server refused a change; it stays stored here and is sent again only once the
 * conversation changes or {@link SyncClient.retry} is called).
 */
export type SyncState = 'pending' | 'sending' | 'acknowledged' | 'failed';

/** One broken rule of a problem+json answer; `messageId` names the message when the field is one. */
export interface Violation {
  field: string;
  rule: string;
  message?: string;
  messageId?: string;
}

export interface SyncProblem {
  /** HTTP status; absent for a network failure. */
  status?: number;
  title: string;
  detail?: string;
  errors?: Violation[];
}

export interface ConversationStatus {
  state: SyncState;
  /** Messages this device holds that the server has not acknowledged. */
  pending: number;
  /** When the server last acknowledged this conversation (epoch ms). */
  syncedAt?: number;
  /** When the next attempt is due after a failure that is retried (epoch ms). */
  retryAt?: number;
  /** The last failure, retried or not. */
  error?: SyncProblem;
}

export interface ClientStatus {
  online: boolean;
  /** Whether this tab is the one that talks to the server for this user. */
  leader: boolean;
  /** Local changes taken in, and POSTs sent: the debounce's saving. */
  changes: number;
  posts: number;
  /** When the last pull of other devices' changes completed (epoch ms). */
  pulledAt?: number;
}

/** Conversations another tab or device changed; reload the ones on screen. */
export interface RemoteChange {
  seq: number;
  conversationIds: string[];
}

/** Everything observable, replaced as a whole on every change (for `useSyncExternalStore`). */
export interface SyncSnapshot {
  statuses: ReadonlyMap<string, ConversationStatus>;
  client: ClientStatus;
  remote?: RemoteChange;
  /** The last conflicts a read or the changes feed showed (in the tab that syncs, and those it tells). */
  conflict?: ConflictNotice & { seq: number };
  signedOut: boolean;
}

export interface SyncClient {
  /** Stores the conversation on this device at once and saves what changed to the server after the debounce. */
  syncConversation(conversation: ConversationInput): Promise<void>;
  /** From this device when it holds the conversation, else from the server; undefined when neither has it. */
  loadConversation(conversationId: string): Promise<Conversation | undefined>;
  /** This device's conversations, newest first; on a device that holds none yet, the server's. */
  loadAllConversations(): Promise<ConversationSummary[]>;
  deleteConversation(conversationId: string): Promise<void>;
  /**
   * A message's other versions on the server, conflicts flagged; undefined when the server has no such
   * message. Rejects with the {@link SyncProblem} when the server cannot answer.
   */
  loadRevisions(conversationId: string, messageId: string): Promise<MessageRevisions | undefined>;
  /** Sends everything pending now and pulls other devices' changes. */
  syncNow(): Promise<void>;
  /** Sends a failed conversation again. */
  retry(conversationId: string): void;
  snapshot(): SyncSnapshot;
  subscribe(listener: () => void): () => void;
  /**
   * Sends what it can, then deletes this user's data from this browser (every tab of the user signs
   * out). Resolves to the number of messages that were never acknowledged and are gone with it.
   */
  signOut(): Promise<{ discarded: number }>;
  /**
   * Everything of this user on the server as one document (`GET /api/export`; `POST /api/import` takes it
   * back), with each message's other versions when `revisions` is set. What this device has yet to send
   * is sent first and the document holds it. Rejects with the {@link SyncProblem} when the server cannot answer.
   */
  exportAccount(options?: { revisions?: boolean }): Promise<AccountExport>;
  /**
   * Deletes the user's account on the server and everything of it (`DELETE /api/account`), then this
   * user's data in this browser, in every tab, as {@link signOut} does. What is pending is not sent: the
   * server refuses a deleted account's writes; resolves to the number of messages discarded with it.
   * Rejects with the {@link SyncProblem} when the server did not take the deletion, and deletes nothing then.
   */
  deleteAccount(): Promise<{ discarded: number }>;
  close(): void;
}

/** `GET /api/export`'s document, format `chat-sync.export` version 1. It names no user. */
export interface AccountExport {
  format: 'chat-sync.export';
  version: 1;
  exportedAt: string;
  /** Whether messages list their other versions. */
  revisions: boolean;
  /** Ordered by conversation id. */
  conversations: ExportedConversation[];
}

export interface ExportedConversation {
  conversationId: string;
  personaId: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  /** In order. */
  messages: ExportedMessage[];
}

export interface ExportedMessage {
  id: string;
  role: Role;
  content: string;
  parts?: MessagePart[];
  metadata?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  revision: number;
  conflicts?: number;
  /** Only in an export with `revisions`: the message's other versions, newest first. */
  revisions?: MessageVersion[];
}
