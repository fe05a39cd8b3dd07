import type { StoredMessage } from './messages.js';

/** A conversation's own fields as stored on this device. */
export interface StoredHead {
  conversationId: string;
  personaId: string;
  title?: string;
  createdAt?: string;
  /** The server's updatedAt, as last read from it. */
  updatedAt?: string;
  /** The last local change (epoch ms). */
  changedAt?: number;
  fp: string;
  /** Deleted on this device; the DELETE is not acknowledged yet. */
  deleted?: boolean;
}

/**
 * A conversation as this device holds it. `acks` maps a message id to the fingerprint the server
 * acknowledged (a 202, or a read of it); the key `''` holds the conversation's own fields. A message
 * whose fingerprint differs from its ack is in the outbox.
 */
export interface StoredConversation {
  head: StoredHead;
  messages: StoredMessage[];
  acks: Record<string, string>;
}

/** One atomic change of one conversation. */
export interface Change {
  /** Merged into the stored head (created when absent). */
  head?: Partial<StoredHead>;
  put?: StoredMessage[];
  /** A fingerprint per id, or null to forget the ack. */
  acks?: Record<string, string | null>;
  /** Removes every message and ack first. */
  wipe?: boolean;
  /** Removes the conversation altogether. */
  drop?: boolean;
  /** Marks the conversation as having unacknowledged changes (true) or none (false). */
  outbox?: boolean;
}

export type ChangeOf = Change | ((current: StoredConversation | undefined) => Change | undefined);

/**
 * Where a user's conversations live on this device. One store per user: nothing of one user is ever
 * read in another user's store. Every `apply` is atomic, and applies of one store happen in call order.
 */
export interface SyncStorage {
  read(conversationId: string): Promise<StoredConversation | undefined>;
  heads(): Promise<StoredHead[]>;
  /** Conversations marked as having unacknowledged changes. */
  outbox(): Promise<string[]>;
  apply(conversationId: string, change: ChangeOf): Promise<void>;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  /** Deletes everything of this user on this device. */
  clear(): Promise<void>;
  close(): void;
}

/** Kept in memory only: for tests, and for runtimes without IndexedDB. */
export function memoryStorage(): SyncStorage {
  const all = new Map<string, StoredConversation>();
  const outbox = new Set<string>();
  const meta = new Map<string, unknown>();
  const copy = (s: StoredConversation) => structuredClone(s);
  return {
    read: async (c) => { const s = all.get(c); return s && copy(s); },
    heads: async () => [...all.values()].map((s) => copy(s).head),
    outbox: async () => [...outbox],
    async apply(c, change) {
      const current = all.get(c);
      const ch = typeof change === 'function' ? change(current && copy(current)) : change;
      if (!ch || (!current && !ch.head)) return;
      if (ch.drop) { all.delete(c); outbox.delete(c); return; }
      const s: StoredConversation = current && !ch.wipe ? current : { head: current?.head as StoredHead, messages: [], acks: {} };
      s.head = { ...s.head, ...ch.head, conversationId: c };
      for (const m of ch.put ?? []) {
        const i = s.messages.findIndex((x) => x.id === m.id);
        i < 0 ? s.messages.push(m) : (s.messages[i] = m);
      }
      s.messages.sort((a, b) => a.order - b.order);
      for (const [id, fp] of Object.entries(ch.acks ?? {})) fp === null ? delete s.acks[id] : (s.acks[id] = fp);
      all.set(c, structuredClone(s));
      if (ch.outbox !== undefined) ch.outbox ? outbox.add(c) : outbox.delete(c);
    },
    get: async (k) => meta.get(k),
    set: async (k, v) => void meta.set(k, v),
    clear: async () => { all.clear(); outbox.clear(); meta.clear(); },
    close() {},
  };
}
