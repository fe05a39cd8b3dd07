import { toWire } from './messages.js';
import type { StoredConversation } from './storage.js';

/** The API's per-POST bounds (ingest-api's `max-messages` and `max-body-bytes`). */
export interface Limits {
  maxMessages: number;
  maxBodyBytes: number;
}

/** One POST: its body, its messages' ids in body order, and the acks a 202 for it stands for. */
export interface Batch {
  body: string;
  ids: string[];
  acks: Record<string, string>;
}

export const bytes = (s: string) => new TextEncoder().encode(s).length;

/** What the server has not acknowledged, in conversation order. */
export const unacked = (s: StoredConversation) => s.messages.filter((m) => s.acks[m.id] !== m.fp);

/**
 * The POSTs that bring the server up to date with this device: only unacknowledged messages, in
 * conversation order, as few POSTs as the limits allow. A conversation whose own fields changed and
 * no message did goes out as a POST without messages. A message too large for any POST goes alone,
 * and the server's 413 or 400 says why.
 */
export function batches(s: StoredConversation, limits: Limits): Batch[] {
  const { conversationId, personaId, title, fp } = s.head;
  const envelope = (messages: string[]) => JSON.stringify({ conversationId, personaId, title, messages: [] }).slice(0, -3) + '[' + messages.join(',') + ']}';
  const base = bytes(envelope([]));
  const out: Batch[] = [];
  let json: string[] = [], ids: string[] = [], acks: Record<string, string> = {}, size = base;
  const close = () => {
    out.push({ body: envelope(json), ids, acks: { ...acks, '': fp } });
    json = []; ids = []; acks = {}; size = base;
  };
  for (const m of unacked(s)) {
    const j = JSON.stringify(toWire(m));
    const b = bytes(j) + 1;
    if (json.length && (json.length >= limits.maxMessages || size + b > limits.maxBodyBytes)) close();
    json.push(j); ids.push(m.id); acks[m.id] = m.fp; size += b;
  }
  if (json.length || s.acks[''] !== fp) close();
  return out;
}
