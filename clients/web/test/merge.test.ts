import { describe, expect, it } from 'vitest';
import { merge } from '../src/core/merge.js';
import { fromApp, headFingerprint } from '../src/core/messages.js';
import type { StoredConversation } from '../src/core/storage.js';

const local = (messages: { id: string; content: string; acked?: boolean; parts?: unknown[] }[]): StoredConversation => {
  const ms = messages.map((m, i) => fromApp({ id: m.id, role: 'user', content: m.content, parts: m.parts as never }, i));
  const fp = headFingerprint('p', 'T');
  return {
    head: { conversationId: 'c', personaId: 'p', title: 'T', fp },
    messages: ms,
    acks: Object.fromEntries([['', fp], ...ms.filter((_, i) => messages[i]!.acked).map((m) => [m.id, m.fp])]),
  };
};
const remote = (messages: { id: string; content: string }[], more = {}) => ({
  conversationId: 'c', personaId: 'p', title: 'T', updatedAt: '2026-05-01T10:00:00Z',
  messages: messages.map((m) => ({ ...m, role: 'user' as const, revision: 2 })), ...more,
});

describe('merge', () => {
  it('takes the server version of a message this device has acknowledged', () => {
    const ch = merge(local([{ id: 'a', content: 'old', acked: true }]), remote([{ id: 'a', content: 'edited elsewhere' }]));
    expect(ch.put).toEqual([expect.objectContaining({ id: 'a', content: 'edited elsewhere', revision: 2, order: 0 })]);
    expect(ch.acks!.a).toBe(ch.put![0]!.fp);
  });

  it('keeps this device version of a message the server has not acknowledged', () => {
    const ch = merge(local([{ id: 'a', content: 'mine, unsent' }]), remote([{ id: 'a', content: 'theirs' }]));
    expect(ch.put).toEqual([]);
    expect(ch.acks!.a).toBeUndefined();
  });

  it('puts new messages after the server message before them, never dropping local ones', () => {
    const ch = merge(
      local([{ id: 'a', content: 'a', acked: true }, { id: 'b', content: 'b', acked: true }, { id: 'mine', content: 'unsent' }]),
      remote([{ id: 'a', content: 'a' }, { id: 'x', content: 'from the phone' }, { id: 'b', content: 'b' }, { id: 'y', content: 'last' }]),
    );
    const order = new Map(ch.put!.map((m) => [m.id, m.order]));
    expect(order.get('x')).toBe(1);
    expect(order.get('b')).toBe(2);
    expect(order.get('y')).toBe(3);
    expect(order.get('mine')).toBe(4);
  });

  it('acknowledges a pending message the server already has as it is', () => {
    const ch = merge(local([{ id: 'a', content: 'same' }]), remote([{ id: 'a', content: 'same' }]));
    expect(ch.acks!.a).toBeDefined();
  });

  it('creates a conversation this device did not have', () => {
    const ch = merge(undefined, remote([{ id: 'a', content: 'hello' }], { title: null }));
    expect(ch.head).toMatchObject({ personaId: 'p', title: undefined, updatedAt: '2026-05-01T10:00:00Z' });
    expect(ch.put!.map((m) => m.id)).toEqual(['a']);
    expect(ch.acks!['']).toBe(headFingerprint('p', undefined));
  });

  it('keeps a renamed title this device has not sent yet, but records the server time', () => {
    const l = local([]);
    l.head = { ...l.head, title: 'Mine', fp: headFingerprint('p', 'Mine') };
    const ch = merge(l, remote([], { title: 'Theirs' }));
    expect(ch.head).toEqual({ updatedAt: '2026-05-01T10:00:00Z', createdAt: undefined });
  });

  it('does not take the text of a server that keeps no parts as a newer version', () => {
    const parts = [{ type: 'text', text: 'hi' }, { type: 'reasoning', text: 'r' }];
    const ch = merge(local([{ id: 'a', content: 'hi', parts, acked: true }]), remote([{ id: 'a', content: 'hi' }]));
    expect(ch.put).toEqual([]);
  });
});
