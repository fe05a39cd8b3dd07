import type { ConversationInput, MessageInput, MessagePart, Role, SyncedMessage } from './types.js';

/** A message as stored on this device: what it is, where it goes in its conversation, and its fingerprint. */
export interface StoredMessage extends SyncedMessage {
  order: number;
  fp: string;
  /** For an edit not acknowledged yet: the server's revision it was made from, sent as `revision`. */
  base?: number;
}

/** What the server's reads and the changes feed answer for one message. */
export interface ServerMessage {
  id: string;
  role: Role;
  content?: string | null;
  parts?: MessagePart[] | null;
  metadata?: Record<string, unknown> | null;
  revision?: number;
  conflicts?: number;
  createdAt?: string;
}

// JSON with sorted keys: the server stores parts and metadata as jsonb, which keeps neither key order nor
// whitespace, so only a canonical form makes what comes back equal to what was sent.
const canonical = (value: unknown): string => {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown> & { toJSON?: () => unknown };
    if (typeof v.toJSON === 'function') return canonical(v.toJSON());
    if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
    return '{' + Object.keys(v).sort().filter((k) => v[k] !== undefined)
      .map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
};

/** cyrb53: 53 bits of a string, enough to tell versions of one message apart. */
export const hash = (text: string): string => {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
};

// One text part holding the content is the same message as the content alone: an AI SDK app gets a plain
// message back as exactly that (toUIMessage), and re-syncing it must not look like an edit.
const plainText = ({ parts, content }: Omit<SyncedMessage, 'id'>) =>
  parts?.length === 1 && Object.keys(parts[0]!).length === 2 && (parts[0] as { type: string; text?: unknown }).type === 'text'
  && (parts[0] as { text?: unknown }).text === content;

const fingerprint = (m: Omit<SyncedMessage, 'id'>) =>
  hash(canonical([m.role, m.content, plainText(m) ? null : m.parts ?? null, m.metadata ?? null]));

export const headFingerprint = (personaId: string, title?: string) => hash(canonical([personaId, title ?? null]));

const textOf = (parts: readonly MessagePart[]) =>
  parts.map((p) => (p.type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('');

// Apps update immutably (AI SDK, Zustand, React state): an unchanged message is the same object, so a
// streaming reply re-fingerprints only itself, not the whole conversation, on every chunk.
const known = new WeakMap<MessageInput, StoredMessage>();

/** The app's message as this device stores and sends it; content is derived from the text parts when absent. */
export function fromApp(input: MessageInput, order: number): StoredMessage {
  let m = known.get(input);
  if (!m) {
    const { id, role, parts, metadata, createdAt } = input;
    const base: SyncedMessage = { id, role, content: input.content ?? textOf(parts ?? []) };
    if (parts) base.parts = parts.slice();
    if (metadata !== undefined) base.metadata = metadata as Record<string, unknown>;
    if (createdAt !== undefined) base.createdAt = new Date(createdAt).toISOString();
    m = { ...base, order, fp: fingerprint(base) };
    known.set(input, m);
  }
  return m.order === order ? m : { ...m, order };
}

export function fromServer(s: ServerMessage, order: number): StoredMessage {
  const m: SyncedMessage = { id: s.id, role: s.role, content: s.content ?? '' };
  if (s.parts) m.parts = s.parts;
  if (s.metadata) m.metadata = s.metadata;
  if (s.createdAt) m.createdAt = s.createdAt;
  if (s.revision !== undefined) m.revision = s.revision;
  if (s.conflicts) m.conflicts = s.conflicts;
  return { ...m, order, fp: fingerprint(m) };
}

/** The message as POST /api/messages takes it. */
export const toWire = ({ id, role, content, parts, metadata, createdAt, base }: StoredMessage) =>
  ({ id, role, content, parts, metadata, createdAt, revision: base });

export const headOf = (c: ConversationInput) => ({
  conversationId: c.conversationId,
  personaId: c.personaId,
  title: c.title,
  fp: headFingerprint(c.personaId, c.title),
});

/**
 * A stored message as an AI SDK `UIMessage`: its parts, or a text part made from the content of a plain
 * message. `T` is the app's own UIMessage type (`toUIMessage<UIMessage>(m)`): what the server stored is
 * what the app sent.
 */
export function toUIMessage<T = { id: string; role: 'system' | 'user' | 'assistant'; parts: MessagePart[]; metadata?: Record<string, unknown> }>(m: SyncedMessage): T {
  const ui = { id: m.id, role: m.role, parts: m.parts ?? [{ type: 'text', text: m.content } as MessagePart] };
  return (m.metadata ? { ...ui, metadata: m.metadata } : ui) as T;
}
