import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { conversation, FakeBrowser, FakeServer, json, pass, say, tab } from './fakes.js';

let server: FakeServer;
let browser: FakeBrowser;

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  browser = new FakeBrowser();
});
afterEach(() => vi.useRealTimers());

async function started(user = 'alice') {
  const t = tab(browser, server, user);
  await pass(0);
  server.seen = [];
  return t;
}

const exports = () => server.seen.filter((s) => s.path === '/api/export');

describe('exportAccount', () => {
  it('sends what is pending first, then reads the export with the token of that write', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'What is a partition?')]));
    const document = await client.exportAccount();
    expect(server.seen.map((s) => s.method + ' ' + s.path)).toEqual(['POST /api/messages', 'GET /api/export']);
    expect(exports()[0]!.query.get('syncToken')).toBe('tok-1');
    expect(exports()[0]!.query.has('revisions')).toBe(false);
    expect(document).toMatchObject({ format: 'chat-sync.export', version: 1, revisions: false });
    expect(document.conversations.map((c) => [c.conversationId, c.messages.map((m) => m.content)])).toEqual([['c1', ['What is a partition?']]]);
  });

  it('asks for the messages\' other versions when told to', async () => {
    const { client } = await started();
    expect((await client.exportAccount({ revisions: true })).revisions).toBe(true);
    expect(exports()[0]!.query.get('revisions')).toBe('true');
  });

  it('rejects with the problem when the server cannot answer', async () => {
    const { client } = await started();
    server.next((s) => (s.path === '/api/export' ? json(503, { title: 'Service Unavailable', status: 503 }, { 'Retry-After': '5' }) : undefined));
    await expect(client.exportAccount()).rejects.toMatchObject({ status: 503, title: 'Service Unavailable' });
  });
});

describe('deleteAccount', () => {
  it('deletes the account on the server, then this user\'s data in every tab, without sending what is pending', async () => {
    const one = await started();
    const two = await started();
    await one.client.syncConversation(conversation([say('m1', 'acknowledged')]));
    await pass(2000);
    await one.client.syncConversation(conversation([say('m1', 'acknowledged'), say('m2', 'never sent')]));
    server.seen = [];

    expect(await one.client.deleteAccount()).toEqual({ discarded: 1 });
    await pass(0);

    expect(server.seen.map((s) => [s.method, s.path, s.headers.Authorization])).toEqual([['DELETE', '/api/account', 'Bearer token-alice']]);
    expect(server.deletedUsers).toEqual(new Set(['alice']));
    expect(one.client.snapshot().signedOut).toBe(true);
    expect(two.client.snapshot().signedOut).toBe(true);
    expect(await browser.storage('alice').heads()).toEqual([]);
    await pass(300_000);
    expect(server.posts()).toHaveLength(0);
  });

  it('keeps everything, and goes on syncing, when the server did not take the deletion', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'still mine')]));
    server.next((s) => (s.path === '/api/account' ? json(503, { title: 'Service Unavailable', status: 503 }, { 'Retry-After': '5' }) : undefined));

    await expect(client.deleteAccount()).rejects.toMatchObject({ status: 503 });

    expect(client.snapshot().signedOut).toBe(false);
    expect(server.deletedUsers.size).toBe(0);
    await pass(2000);
    expect(server.posts().map((p) => p.body.messages.map((m: { content: string }) => m.content))).toEqual([['still mine']]);
    expect((await client.loadConversation('c1'))!.messages.map((m) => m.content)).toEqual(['still mine']);
  });

  it('leaves another user of the browser alone', async () => {
    const alice = await started('alice');
    const bob = await started('bob');
    await bob.client.syncConversation(conversation([say('m1', 'bob stays')]));
    await pass(2000);
    await alice.client.deleteAccount();
    await pass(0);
    expect(bob.client.snapshot().signedOut).toBe(false);
    expect((await bob.client.loadConversation('c1'))!.messages.map((m) => m.content)).toEqual(['bob stays']);
  });
});
