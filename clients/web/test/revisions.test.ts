import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toUIMessage, type ConflictNotice, type MessageInput } from '../src/core/index.js';
import { conversation, FakeBrowser, FakeServer, pass, say, tab } from './fakes.js';

let server: FakeServer;
let browser: FakeBrowser;

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  browser = new FakeBrowser();
});
afterEach(() => vi.useRealTimers());

async function started(options = {}) {
  const t = tab(browser, server, 'alice', options);
  await pass(0);
  server.seen = [];
  return t;
}

const stored = (messages: { id: string; content: string; revision: number; conflicts?: number }[]) =>
  server.conversations('alice').set('c1', { conversationId: 'c1', personaId: 'hitesh', title: 'Kafka', updatedAt: 'u',
    messages: messages.map((m) => ({ role: 'user', ...m })) });

const sent = (post = -1) => server.posts().at(post)!.body.messages as { id: string; content: string; revision?: number }[];

describe('revisions', () => {
  it('sends an edit of a loaded message with the revision it was edited from, and a new message with none', async () => {
    stored([{ id: 'm1', content: 'Plan a trip', revision: 3 }]);
    const { client } = await started();
    await client.loadConversation('c1');
    await client.syncConversation(conversation([say('m1', 'Plan a trip to Goa'), say('m2', 'By train')]));
    await pass(2000);
    expect(sent()).toEqual([
      { id: 'm1', role: 'user', content: 'Plan a trip to Goa', revision: 3 },
      { id: 'm2', role: 'user', content: 'By train' },
    ]);
  });

  it('keeps the base through edits not sent yet, and sends none for an edit of its own unread write', async () => {
    stored([{ id: 'm1', content: 'Plan a trip', revision: 3 }]);
    const { client } = await started();
    await client.loadConversation('c1');
    await client.syncConversation(conversation([say('m1', 'Plan a trip to')]));
    await pass(500);
    await client.syncConversation(conversation([say('m1', 'Plan a trip to Goa')]));
    await pass(2000);
    expect(sent()).toEqual([{ id: 'm1', role: 'user', content: 'Plan a trip to Goa', revision: 3 }]);
    // the server stored it as revision 4, which this device has not read: not a conflict with itself
    await client.syncConversation(conversation([say('m1', 'Plan a trip to Goa!')]));
    await pass(2000);
    expect(sent()[0]!.revision).toBeUndefined();
    expect(server.conversations('alice').get('c1')!.messages[0]).toMatchObject({ content: 'Plan a trip to Goa!', revision: 5 });
    // once read back, the next edit names the revision read
    await client.syncNow();
    expect((await client.loadConversation('c1'))!.messages[0]!.revision).toBe(5);
    await client.syncConversation(conversation([say('m1', 'Plan a trip to Goa.')]));
    await pass(2000);
    expect(sent()[0]!.revision).toBe(5);
  });

  it('sends an edit made while the first was on its way without the base the first one used', async () => {
    stored([{ id: 'm1', content: 'Plan a trip', revision: 3 }]);
    const { client } = await started();
    await client.loadConversation('c1');
    await client.syncConversation(conversation([say('m1', 'one')]));
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const real = server.fetch;
    server.fetch = async (input, init) => { if (init?.method === 'POST') await held; return real(input, init); };
    await pass(2000);
    await client.syncConversation(conversation([say('m1', 'two')]));
    release();
    server.fetch = real;
    await pass(2000);
    expect(server.posts().map((p) => p.body.messages[0].revision)).toEqual([3, undefined]);
    const m1 = server.conversations('alice').get('c1')!.messages[0]!;
    expect([m1.content, m1.conflicts]).toEqual(['two', undefined]);
  });

  it('keeps plain {id, role, content} apps revision-less when they never read from the server', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'a')]));
    await pass(2000);
    await client.syncConversation(conversation([say('m1', 'b')]));
    await pass(2000);
    expect(server.posts().map((p) => p.body.messages[0].revision)).toEqual([undefined, undefined]);
  });

  it('surfaces the conflicts a read shows, per message and with onConflict', async () => {
    stored([{ id: 'm1', content: 'Plan a trip to Pune', revision: 2, conflicts: 1 }, { id: 'm2', content: 'ok', revision: 1 }]);
    const seen: ConflictNotice[] = [];
    const { client } = await started({ onConflict: (c: ConflictNotice) => seen.push(c) });
    const c = (await client.loadConversation('c1'))!;
    expect(c.messages.map((m) => m.conflicts)).toEqual([1, undefined]);
    expect(seen).toEqual([{ conversationId: 'c1', messageIds: ['m1'] }]);
    expect(client.snapshot().conflict).toMatchObject({ conversationId: 'c1', messageIds: ['m1'] });
  });

  it('tells of a conflict the changes feed brings for a message it holds, and of nothing twice', async () => {
    server.feed = true;
    stored([{ id: 'm1', content: 'Plan a trip', revision: 1 }]);
    server.changes.push({ user: 'alice', c: 'c1' });
    const onConflict = vi.fn();
    const { client } = await started({ onConflict });
    const loaded = (await client.loadConversation('c1'))!;
    // this device edits revision 1 while another device's edit of it is already stored
    server.conversations('alice').get('c1')!.messages[0] = { id: 'm1', role: 'user', content: 'Plan a trip to Pune', revision: 2 };
    await client.syncConversation({ ...conversation([]), messages: loaded.messages.map((m) => toUIMessage<MessageInput>({ ...m, content: 'Plan a trip to Goa', parts: undefined })) });
    await pass(2000);
    expect(sent()[0]).toMatchObject({ content: 'Plan a trip to Goa', revision: 1 });
    await client.syncNow();
    const after = (await client.loadConversation('c1'))!;
    expect(after.messages[0]).toMatchObject({ content: 'Plan a trip to Pune', revision: 2, conflicts: 1 });
    expect(onConflict).toHaveBeenCalledTimes(1);
    expect(onConflict).toHaveBeenCalledWith({ conversationId: 'c1', messageIds: ['m1'] });
    server.changes.push({ user: 'alice', c: 'c1' });
    await client.syncNow();
    expect(onConflict).toHaveBeenCalledTimes(1);
  });

  it('keeps an edit it has not sent over the feed version, and tells of that version conflicts once', async () => {
    server.feed = true;
    stored([{ id: 'm1', content: 'Plan a trip', revision: 1 }]);
    server.changes.push({ user: 'alice', c: 'c1' });
    const onConflict = vi.fn();
    const { client } = await started({ onConflict });
    await client.loadConversation('c1');
    browser.setOnline(false);
    await client.syncConversation(conversation([say('m1', 'Plan a trip to Goa')]));
    server.conversations('alice').get('c1')!.messages[0] = { id: 'm1', role: 'user', content: 'Plan a trip to Pune', revision: 3, conflicts: 1 };
    for (let i = 0; i < 2; i++) {
      server.changes.push({ user: 'alice', c: 'c1' });
      await client.syncNow();
    }
    expect((await client.loadConversation('c1'))!.messages[0]).toMatchObject({ content: 'Plan a trip to Goa', conflicts: 1 });
    expect(onConflict).toHaveBeenCalledTimes(1);
    browser.setOnline(true);
    await pass(0);
    expect(sent()[0]).toMatchObject({ content: 'Plan a trip to Goa', revision: 1 });
  });

  it('tells the other tabs of the user of the conflicts the syncing tab read', async () => {
    stored([{ id: 'm1', content: 'Plan a trip to Pune', revision: 2, conflicts: 1 }]);
    const other = vi.fn();
    const first = tab(browser, server, 'alice');
    const second = tab(browser, server, 'alice', { onConflict: other });
    await pass(0); // the first tab leads, and its first pull reads the conversation
    expect(first.client.snapshot().client.leader).toBe(true);
    expect(other).toHaveBeenCalledWith({ conversationId: 'c1', messageIds: ['m1'] });
    expect(second.client.snapshot().conflict).toMatchObject({ seq: 1, conversationId: 'c1', messageIds: ['m1'] });
  });

  it('loads a message revisions with their conflict flags, and undefined for a message the server has not', async () => {
    stored([{ id: 'm1', content: 'Plan a trip to Pune', revision: 2 }]);
    server.revisions.set('c1/m1', [
      { revision: 3, role: 'user', content: 'Plan a trip to Goa', conflict: true, basedOn: 1 },
      { revision: 1, role: 'user', content: 'Plan a trip', conflict: false },
    ]);
    const { client } = await started();
    expect(await client.loadRevisions('c1', 'm1')).toEqual({ revision: 2, revisions: [
      { revision: 3, role: 'user', content: 'Plan a trip to Goa', conflict: true, basedOn: 1 },
      { revision: 1, role: 'user', content: 'Plan a trip', conflict: false },
    ] });
    expect(server.seen.at(-1)!.query.get('messageId')).toBe('m1');
    expect(await client.loadRevisions('c1', 'nope')).toBeUndefined();
  });
});
