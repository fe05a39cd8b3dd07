import { describe, expect, it } from 'vitest';
import { fromApp } from '../src/core/messages.js';
import { batches, unacked } from '../src/core/outbox.js';
import type { StoredConversation } from '../src/core/storage.js';

const stored = (ids: string[], acked: string[] = [], content = (id: string) => 'text ' + id): StoredConversation => {
  const messages = ids.map((id, i) => fromApp({ id, role: 'user', content: content(id) }, i));
  return {
    head: { conversationId: 'c', personaId: 'p', title: 'T', fp: 'h' },
    messages,
    acks: Object.fromEntries([['', 'h'], ...messages.filter((m) => acked.includes(m.id)).map((m) => [m.id, m.fp])]),
  };
};
const limits = { maxMessages: 500, maxBodyBytes: 1 << 20 };

describe('batches', () => {
  it('hold only what the server has not acknowledged, in conversation order', () => {
    const s = stored(['a', 'b', 'c', 'd'], ['a', 'c']);
    expect(unacked(s).map((m) => m.id)).toEqual(['b', 'd']);
    const [b] = batches(s, limits);
    expect(JSON.parse(b!.body)).toEqual({ conversationId: 'c', personaId: 'p', title: 'T', messages: [
      { id: 'b', role: 'user', content: 'text b' }, { id: 'd', role: 'user', content: 'text d' }] });
    expect(b!.ids).toEqual(['b', 'd']);
    expect(b!.acks).toEqual({ b: s.messages[1]!.fp, d: s.messages[3]!.fp, '': 'h' });
  });

  it('are none for a conversation the server has all of', () => {
    expect(batches(stored(['a'], ['a']), limits)).toEqual([]);
  });

  it('split at the message limit', () => {
    const out = batches(stored(['a', 'b', 'c', 'd', 'e']), { ...limits, maxMessages: 2 });
    expect(out.map((b) => b.ids)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('split at the body limit, counting UTF-8 bytes', () => {
    const s = stored(['a', 'b', 'c', 'd'], [], () => 'ü'.repeat(100));
    const out = batches(s, { ...limits, maxBodyBytes: 500 });
    expect(out.length).toBeGreaterThan(1);
    for (const b of out) expect(new TextEncoder().encode(b.body).length).toBeLessThanOrEqual(500);
    expect(out.flatMap((b) => b.ids)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('send a message larger than a POST alone, for the server to refuse', () => {
    const s = stored(['a', 'big', 'c'], [], (id) => (id === 'big' ? 'x'.repeat(1000) : id));
    expect(batches(s, { ...limits, maxBodyBytes: 300 }).map((b) => b.ids)).toEqual([['a'], ['big'], ['c']]);
  });

  it('carry a changed title alone in a POST without messages', () => {
    const s = { ...stored(['a'], ['a']), acks: { ...stored(['a'], ['a']).acks, '': 'old' } };
    const out = batches(s, limits);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!.body).messages).toEqual([]);
  });
});
