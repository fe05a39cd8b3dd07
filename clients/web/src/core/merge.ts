import { fromServer, headFingerprint, type ServerMessage, type StoredMessage } from './messages.js';
import type { Change, StoredConversation } from './storage.js';

/** A conversation as the server's reads and its changes feed answer it. */
export interface ServerConversation {
  conversationId: string;
  personaId: string;
  title?: string | null;
  createdAt?: string;
  updatedAt?: string;
  messages?: ServerMessage[];
}

/**
 * The server's version of a conversation merged into this device's, by message id. A message the
 * server has not acknowledged yet keeps this device's version and is never dropped; every other
 * message takes the server's. Messages new to this device go after the server's message before
 * them, or else before this device's unsent ones. `incoming` may be all of the conversation's messages or only changed ones.
 * The ids of messages that come with more conflicts than this device knew of are added to `conflicted`.
 */
export function merge(local: StoredConversation | undefined, remote: ServerConversation, conflicted: string[] = []): Change {
  const acks = local?.acks ?? {};
  const list: StoredMessage[] = local?.messages.slice() ?? [];
  const newAcks: Record<string, string> = {};
  let at = -1;
  for (const s of remote.messages ?? []) {
    const m = fromServer(s, 0);
    const i = list.findIndex((x) => x.id === m.id);
    if ((m.conflicts ?? 0) > (list[i]?.conflicts ?? 0)) conflicted.push(m.id);
    if (i < 0) {
      // without a known predecessor: before this device's unsent messages, which the server will put after it
      at = at < 0 ? unsentFrom(list, acks) : at + 1;
      list.splice(at, 0, m);
      newAcks[m.id] = m.fp;
      continue;
    }
    at = i;
    const l = list[i]!;
    if (l.fp === m.fp) {
      newAcks[m.id] = m.fp;
      if (m.revision !== undefined) list[i] = { ...l, revision: m.revision, conflicts: m.conflicts, base: undefined };
    } else if (acks[l.id] === l.fp) {
      // A server that keeps no parts answers the same text without them: not a newer version.
      const partless = !m.parts && l.parts && l.content === m.content && l.role === m.role;
      if (!partless) {
        list[i] = m;
        newAcks[m.id] = m.fp;
      }
    }
    // A local edit the server has not seen stays, and learns of the conflicts so as not to be told of them again.
    if (list[i] === l && m.conflicts !== l.conflicts) list[i] = { ...l, conflicts: m.conflicts };
  }
  const before = new Map(local?.messages.map((m) => [m.id, m]));
  const put = list.map((m, order) => ({ ...m, order })).filter((m) => !same(m, before.get(m.id)));
  const ownPending = local && acks[''] !== local.head.fp;
  const head: Change['head'] = { updatedAt: remote.updatedAt, createdAt: remote.createdAt };
  if (!ownPending) {
    const title = remote.title ?? undefined;
    Object.assign(head, { personaId: remote.personaId, title, fp: headFingerprint(remote.personaId, title) });
    newAcks[''] = head.fp!;
  }
  return { head, put, acks: newAcks };
}

const unsentFrom = (list: StoredMessage[], acks: Record<string, string>) => {
  const i = list.findIndex((m) => acks[m.id] !== m.fp);
  return i < 0 ? list.length : i;
};

const same = (a: StoredMessage, b?: StoredMessage) =>
  !!b && a.fp === b.fp && a.order === b.order && a.revision === b.revision && a.conflicts === b.conflicts;
