import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { indexedDbStorage, memoryStorage, type SyncStorage } from '../src/core/index.js';
import { fromApp } from '../src/core/messages.js';

const m = (id: string, order: number, content = id) => fromApp({ id, role: 'user', content }, order);
const head = { conversationId: 'c', personaId: 'p', fp: 'h' };
let n = 0;

// The same contract for both stores: the client relies on nothing else.
describe.each([
  ['memory', () => memoryStorage()],
  ['IndexedDB', () => indexedDbStorage('test-' + ++n)],
] as [string, () => SyncStorage][])('%s storage', (_name, make) => {
  it('reads back what was applied, messages in order', async () => {
    const s = make();
    await s.apply('c', { head, put: [m('b', 1), m('a', 0)], acks: { a: 'fa' }, outbox: true });
    const c = await s.read('c');
    expect(c!.head).toEqual(head);
    expect(c!.messages.map((x) => x.id)).toEqual(['a', 'b']);
    expect(c!.acks).toEqual({ a: 'fa' });
    expect(await s.outbox()).toEqual(['c']);
    expect(await s.read('other')).toBeUndefined();
  });

  it('merges head fields, replaces messages by id, forgets acks given null', async () => {
    const s = make();
    await s.apply('c', { head: { ...head, title: 'T', updatedAt: 'u1' }, put: [m('a', 0)], acks: { a: 'x', '': 'h' } });
    await s.apply('c', { head: { title: 'T2' }, put: [m('a', 0, 'edited')], acks: { a: null } });
    const c = (await s.read('c'))!;
    expect(c.head).toEqual({ ...head, title: 'T2', updatedAt: 'u1' });
    expect(c.messages.map((x) => x.content)).toEqual(['edited']);
    expect(c.acks).toEqual({ '': 'h' });
  });

  it('applies a function of the current state atomically', async () => {
    const s = make();
    await s.apply('c', { head, put: [m('a', 0)] });
    await Promise.all([1, 2, 3].map((i) => s.apply('c', (cur) => ({ put: [m('n' + cur!.messages.length, cur!.messages.length)], outbox: i === 3 }))));
    expect((await s.read('c'))!.messages.map((x) => x.id)).toEqual(['a', 'n1', 'n2', 'n3']);
    expect(await s.outbox()).toEqual(['c']);
  });

  it('wipes messages and acks, drops a whole conversation, and ignores changes to one it does not hold', async () => {
    const s = make();
    await s.apply('c', { head, put: [m('a', 0)], acks: { a: 'x' }, outbox: true });
    await s.apply('c', { wipe: true, head: { deleted: true } });
    expect(await s.read('c')).toEqual({ head: { ...head, deleted: true }, messages: [], acks: {} });
    await s.apply('c', { drop: true });
    expect(await s.read('c')).toBeUndefined();
    expect(await s.outbox()).toEqual([]);
    await s.apply('ghost', { acks: { a: 'x' } });
    expect(await s.heads()).toEqual([]);
  });

  it('keeps conversations apart, lists their heads, and keeps settings', async () => {
    const s = make();
    await s.apply('c', { head, put: [m('a', 0)] });
    await s.apply('d', { head: { ...head, conversationId: 'd' }, put: [m('a', 0, 'other')] });
    expect((await s.heads()).map((h) => h.conversationId).sort()).toEqual(['c', 'd']);
    expect((await s.read('d'))!.messages[0]!.content).toBe('other');
    await s.set('cursor', 'k1');
    expect(await s.get('cursor')).toBe('k1');
  });

  it('clears everything', async () => {
    const s = make();
    await s.apply('c', { head, put: [m('a', 0)], outbox: true });
    await s.set('cursor', 'k');
    await s.clear();
    expect(await s.heads()).toEqual([]);
    expect(await s.outbox()).toEqual([]);
    expect(await s.get('cursor')).toBeUndefined();
  });
});

describe('IndexedDB storage', () => {
  it('is one database per user: another user reads none of it', async () => {
    await indexedDbStorage('chat-sync.alice').apply('c', { head, put: [m('a', 0)] });
    expect(await indexedDbStorage('chat-sync.bob').heads()).toEqual([]);
    expect((await indexedDbStorage('chat-sync.alice').heads()).map((h) => h.conversationId)).toEqual(['c']);
  });

  it('survives a new connection, as after a reload', async () => {
    const first = indexedDbStorage('reload');
    await first.apply('c', { head, put: [m('a', 0)], outbox: true });
    first.close();
    const again = indexedDbStorage('reload');
    expect(await again.outbox()).toEqual(['c']);
    expect((await again.read('c'))!.messages).toHaveLength(1);
  });
});
