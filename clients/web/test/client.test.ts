import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { toUIMessage, type MessageInput } from '../src/core/index.js';
import { conversation, FakeBrowser, FakeServer, json, pass, say, tab } from './fakes.js';

let server: FakeServer;
let browser: FakeBrowser;

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  browser = new FakeBrowser();
});
afterEach(() => vi.useRealTimers());

/** A started tab whose first sync (outbox and pull) is done, and the requests it made forgotten. */
async function started(user = 'alice', options = {}) {
  const t = tab(browser, server, user, options);
  await pass(0);
  server.seen = [];
  return t;
}

describe('auto-save', () => {
  it('sends a conversation once, 2 s after its last change', async () => {
    const { client } = await started();
    const m = [say('m1', 'What is a partition?'), say('m2', 'And a segment?'), say('m3', 'Thanks')];
    for (let i = 1; i <= 3; i++) {
      await client.syncConversation(conversation(m.slice(0, i)));
      await pass(1500);
    }
    expect(server.posts()).toHaveLength(0);
    await pass(499);
    expect(server.posts()).toHaveLength(0);
    await pass(1);
    expect(server.posts()).toHaveLength(1);
    expect(server.posts()[0]!.body.messages.map((x: { id: string }) => x.id)).toEqual(['m1', 'm2', 'm3']);
    await pass(0);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({ state: 'acknowledged', pending: 0 });
  });

  it('sends a reply that streams for 2 s once it settles, not 40 times', async () => {
    const { client } = await started();
    const question = say('m1', 'Explain offsets');
    let text = '';
    for (let i = 0; i < 40; i++) {
      text += `word${i} `;
      await client.syncConversation(conversation([question, say('m2', text, 'assistant')]));
      await pass(50);
    }
    await pass(2000);
    expect(server.posts()).toHaveLength(1);
    expect(server.posts()[0]!.body.messages[1].content).toBe(text);
    expect(client.snapshot().client).toMatchObject({ changes: 40, posts: 1 });
  });

  it('debounces each conversation on its own', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('a1', 'one')], 'a'));
    await pass(1000);
    await client.syncConversation(conversation([say('b1', 'two')], 'b'));
    await pass(1000);
    expect(server.posts().map((p) => p.body.conversationId)).toEqual(['a']);
    await pass(1000);
    expect(server.posts().map((p) => p.body.conversationId)).toEqual(['a', 'b']);
  });

  it('flushes what is pending when the page is hidden, with keepalive', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'typed, then the tab closed')]));
    await pass(100);
    browser.hide();
    await pass(0);
    expect(server.posts()).toHaveLength(1);
    expect(server.posts()[0]!.keepalive).toBe(true);
  });

  it('takes the debounce and periodic intervals from its options', async () => {
    const { client } = await started('alice', { debounceMs: 100 });
    await client.syncConversation(conversation([say('m1', 'quick')]));
    await pass(100);
    expect(server.posts()).toHaveLength(1);
  });
});

describe('only what changed is sent', () => {
  it('sends nothing for an unchanged re-sync and one message for an edit', async () => {
    const { client } = await started();
    const m1 = say('m1', 'hello'), m2 = say('m2', 'hi there', 'assistant');
    await client.syncConversation(conversation([m1, m2]));
    await pass(2000);
    await client.syncConversation(conversation([{ ...m1 }, { ...m2 }]));
    await pass(5000);
    expect(server.posts()).toHaveLength(1);
    await client.syncConversation(conversation([m1, { ...m2, content: 'hi there, edited' }]));
    await pass(2000);
    expect(server.posts()).toHaveLength(2);
    expect(server.posts()[1]!.body.messages).toEqual([{ id: 'm2', role: 'assistant', content: 'hi there, edited' }]);
  });

  it('splits a conversation over the POST limits, in order, each POST acknowledged before the next', async () => {
    const { client } = await started('alice', { limits: { maxMessages: 2 } });
    const messages = ['a', 'b', 'c', 'd', 'e'].map((id) => say(id, 'text ' + id));
    let inFlight = 0, most = 0;
    const real = server.fetch;
    server.fetch = async (input, init) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return real(input, init);
    };
    await client.syncConversation(conversation(messages));
    await pass(2000 + 200);
    expect(server.posts().map((p) => p.body.messages.map((m: { id: string }) => m.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(most).toBe(1);
  });

  it('splits by body size too', async () => {
    const { client } = await started('alice', { limits: { maxBodyBytes: 400 } });
    const messages = ['a', 'b', 'c'].map((id) => say(id, id.repeat(150)));
    await client.syncConversation(conversation(messages));
    await pass(2000);
    expect(server.posts()).toHaveLength(3);
    for (const p of server.posts()) expect(new TextEncoder().encode(JSON.stringify(p.body)).length).toBeLessThanOrEqual(400);
  });

  it('sends a conversation whose title changed without its messages', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'hello')]));
    await pass(2000);
    await client.syncConversation({ ...conversation([say('m1', 'hello')]), title: 'Renamed' });
    await pass(2000);
    expect(server.posts()[1]!.body).toEqual({ conversationId: 'c1', personaId: 'hitesh', title: 'Renamed', messages: [] });
  });

  it('takes AI SDK UIMessages: parts and metadata go as they are, content is their text', async () => {
    const { client } = await started();
    const parts = [{ type: 'step-start' }, { type: 'reasoning', text: 'thinking' }, { type: 'text', text: 'A log, ' }, { type: 'text', text: 'append-only.' },
      { type: 'tool-search', toolCallId: 't1', state: 'output-available', input: { q: 'log' }, output: { hits: 2 } }];
    await client.syncConversation({ conversationId: 'c1', personaId: 'p', messages: [{ id: 'u1', role: 'assistant', parts, metadata: { model: 'x' } }] });
    await pass(2000);
    expect(server.posts()[0]!.body.messages[0]).toEqual({ id: 'u1', role: 'assistant', content: 'A log, append-only.', parts, metadata: { model: 'x' } });
  });
});

describe('failures', () => {
  it('retries network errors and 5xx with exponential backoff and jitter, and keeps the change until a 202', async () => {
    const { client } = await started('alice', { environment: { ...browser.environment(server), random: () => 1 } });
    const failedAt: number[] = [];
    const real = server.fetch;
    server.fetch = async (input, init) => {
      if (init?.method === 'POST' && failedAt.length < 4) {
        failedAt.push(Date.now());
        if (failedAt.length === 4) throw new TypeError('Failed to fetch');
        return json(500, { title: 'boom' });
      }
      return real(input, init);
    };
    const t0 = Date.now();
    await client.syncConversation(conversation([say('m1', 'keep me')]));
    await pass(2000 + 1000 + 2000 + 4000);
    expect(failedAt.map((t) => t - t0)).toEqual([2000, 3000, 5000, 9000]);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({ state: 'pending', error: { title: 'network error' } });
    expect(await browser.storage('alice').outbox()).toEqual(['c1']);
    await pass(8000);
    expect(server.posts()).toHaveLength(1);
    expect(server.conversations('alice').get('c1')!.messages).toHaveLength(1);
    expect(client.snapshot().statuses.get('c1')!.state).toBe('acknowledged');
  });

  it('jitters the backoff with the injected random source', async () => {
    const { client } = await started('alice', { environment: { ...browser.environment(server), random: () => 0 } });
    server.next((s) => (s.method === 'POST' ? json(502, { title: 'bad gateway' }) : undefined));
    await client.syncConversation(conversation([say('m1', 'x')]));
    await pass(2000);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({ state: 'pending', error: { status: 502 }, retryAt: Date.now() + 500 });
    await pass(500);
    expect(server.posts()).toHaveLength(2);
  });

  it.each([429, 503])('waits for Retry-After on %i, then succeeds without a duplicate', async (status) => {
    const { client } = await started();
    server.next((s) => (s.method === 'POST' ? json(status, { title: 'later' }, { 'Retry-After': '7' }) : undefined));
    await client.syncConversation(conversation([say('m1', 'once')]));
    await pass(2000);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({ state: 'pending', retryAt: Date.now() + 7000 });
    await pass(6999);
    expect(server.posts()).toHaveLength(1);
    await pass(1);
    expect(server.posts()).toHaveLength(2);
    expect(server.conversations('alice').get('c1')!.messages).toEqual([expect.objectContaining({ id: 'm1', revision: 1 })]);
  });

  it('asks getToken for a fresh token once on a 401 and retries', async () => {
    const { client, getToken } = await started();
    server.next((s) => (s.method === 'POST' ? json(401, { title: 'expired' }) : undefined));
    await client.syncConversation(conversation([say('m1', 'hello')]));
    await pass(2000);
    expect(getToken).toHaveBeenLastCalledWith({ refresh: true });
    expect(server.posts()).toHaveLength(2);
    expect(client.snapshot().statuses.get('c1')!.state).toBe('acknowledged');
  });

  it('marks a conversation failed when a fresh token is refused too', async () => {
    const { client } = await started();
    for (let i = 0; i < 2; i++) server.next((s) => (s.method === 'POST' ? json(401, { title: 'Unauthorized' }) : undefined));
    await client.syncConversation(conversation([say('m1', 'hello')]));
    await pass(60_000);
    expect(server.posts()).toHaveLength(2);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({ state: 'failed', error: { status: 401 } });
  });

  it('marks a conversation failed on another 4xx with the problem, names the message, and does not loop', async () => {
    const { client } = await started();
    server.next((s) => (s.method === 'POST' ? json(400, {
      title: 'Bad Request', errors: [{ field: 'messages[1].content', rule: 'max_bytes', message: 'at most 32KB' }],
    }) : undefined));
    await client.syncConversation(conversation([say('m1', 'fine'), say('m2', 'x'.repeat(40_000))]));
    await pass(2000);
    await pass(600_000);
    expect(server.posts()).toHaveLength(1);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({
      state: 'failed', pending: 2,
      error: { status: 400, errors: [{ field: 'messages[1].content', rule: 'max_bytes', messageId: 'm2' }] },
    });
    // kept on the device, and sent again once the app changes it
    await client.syncConversation(conversation([say('m1', 'fine'), say('m2', 'shorter')]));
    await pass(2000);
    expect(server.posts()).toHaveLength(2);
    expect(client.snapshot().statuses.get('c1')!.state).toBe('acknowledged');
  });

  it('sends a failed conversation again on retry()', async () => {
    const { client } = await started();
    server.next((s) => (s.method === 'POST' ? json(422, { title: 'nope' }) : undefined));
    await client.syncConversation(conversation([say('m1', 'x')]));
    await pass(2000);
    client.retry('c1');
    await pass(0);
    expect(server.posts()).toHaveLength(2);
    expect(client.snapshot().statuses.get('c1')!.state).toBe('acknowledged');
  });
});

describe('offline', () => {
  it('queues while offline and sends when the browser is back online', async () => {
    const { client } = await started();
    browser.setOnline(false);
    expect(client.snapshot().client.online).toBe(false);
    await client.syncConversation(conversation([say('m1', 'on the train')]));
    await client.syncConversation(conversation([say('m1', 'on the train'), say('m2', 'in a tunnel')]));
    await pass(10_000);
    expect(server.posts()).toHaveLength(0);
    expect(client.snapshot().statuses.get('c1')).toMatchObject({ state: 'pending', pending: 2 });
    browser.setOnline(true);
    await pass(0);
    expect(client.snapshot().client.online).toBe(true);
    expect(server.posts()).toHaveLength(1);
    expect(server.posts()[0]!.body.messages.map((m: { id: string }) => m.id)).toEqual(['m1', 'm2']);
  });
});

describe('durable outbox', () => {
  it('sends what a closed page left unacknowledged when the next page starts, in order', async () => {
    const first = await started();
    browser.setOnline(false);
    await first.client.syncConversation(conversation([say('m1', 'one'), say('m2', 'two')]));
    first.client.close();
    await pass(0);
    browser.online = true;
    tab(browser, server);
    await pass(0);
    expect(server.posts()).toHaveLength(1);
    expect(server.posts()[0]!.body.messages.map((m: { id: string }) => m.id)).toEqual(['m1', 'm2']);
  });

  it('keeps a change whose POST got no 202', async () => {
    const first = await started();
    server.next((s) => (s.method === 'POST' ? json(503, { title: 'Kafka away' }, { 'Retry-After': '60' }) : undefined));
    await first.client.syncConversation(conversation([say('m1', 'one')]));
    await pass(2000);
    first.client.close();
    await pass(0);
    expect(await browser.storage('alice').outbox()).toEqual(['c1']);
    tab(browser, server);
    await pass(0);
    expect(await browser.storage('alice').outbox()).toEqual([]);
    expect(server.conversations('alice').get('c1')!.messages).toHaveLength(1);
  });

  it('asks the browser to keep its storage', async () => {
    await started();
    expect(browser.persisted).toBe(1);
  });
});

describe('periodic sync and loading', () => {
  it('pushes and pulls every 5 minutes, from the conversation list while there is no changes feed', async () => {
    const { client } = await started();
    server.conversations('alice').set('c9', { conversationId: 'c9', personaId: 'p', updatedAt: '2026-01-01T00:00:00Z', messages: [{ id: 'x', role: 'user', content: 'from my phone', revision: 1 }] });
    await pass(300_000 - 1);
    expect(server.seen).toHaveLength(0);
    await pass(1);
    // the first sync, at start, found no changes feed on this server
    expect(server.seen.map((s) => `${s.method} ${s.path}?${s.query}`)).toEqual([
      'GET /api/messages?', 'GET /api/messages?conversationId=c9&limit=500',
    ]);
    expect(client.snapshot().remote?.conversationIds).toEqual(['c9']);
    expect((await client.loadConversation('c9'))!.messages).toEqual([{ id: 'x', role: 'user', content: 'from my phone', revision: 1 }]);
    server.seen = [];
    await pass(300_000);
    expect(server.seen.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /api/messages']);
  });

  it('follows the changes feed from its cursor, deletions first', async () => {
    server.feed = true;
    const { client } = await started();
    const phone = await started('alice');
    await phone.client.syncConversation(conversation([say('m1', 'from the phone')], 'c1'));
    await phone.client.syncConversation(conversation([say('m2', 'to delete')], 'c2'));
    await pass(2000);
    await client.syncNow();
    expect((await client.loadAllConversations()).map((c) => c.conversationId).sort()).toEqual(['c1', 'c2']);
    const cursor = server.seen.filter((s) => s.path === '/api/changes').at(-1);
    expect(cursor).toBeDefined();
    await phone.client.deleteConversation('c2');
    await pass(0);
    await client.syncNow();
    const last = server.seen.filter((s) => s.path === '/api/changes').at(-1)!;
    expect(last.query.get('since')).toBe(String(server.changes.length - 1));
    expect((await client.loadAllConversations()).map((c) => c.conversationId)).toEqual(['c1']);
  });

  it('keeps what it has not sent of a conversation another device deleted, and sends it again', async () => {
    server.feed = true;
    const laptop = await started();
    await laptop.client.syncConversation(conversation([say('m1', 'sent')]));
    await pass(2000);
    browser.setOnline(false);
    await laptop.client.syncConversation(conversation([say('m1', 'sent'), say('m2', 'written offline')]));
    server.conversations('alice').delete('c1');
    server.changes.push({ user: 'alice', c: 'c1', deleted: true });
    await laptop.client.syncNow();
    expect((await laptop.client.loadConversation('c1'))!.messages.map((m) => m.id)).toEqual(['m2']);
    browser.setOnline(true);
    await pass(0);
    expect(server.conversations('alice').get('c1')).toMatchObject({ title: 'Kafka', messages: [expect.objectContaining({ id: 'm2' })] });
  });

  it('reloads everything when the server no longer has its cursor (410)', async () => {
    server.feed = true;
    const { client } = await started();
    await browser.storage('alice').set('cursor', 'ancient');
    await browser.storage('alice').apply('gone', { head: { conversationId: 'gone', personaId: 'p', fp: 'f', updatedAt: '2020-01-01T00:00:00Z' }, acks: { '': 'f' } });
    server.conversations('alice').set('kept', { conversationId: 'kept', personaId: 'p', updatedAt: '2026-01-01T00:00:00Z', messages: [] });
    server.changes.push({ user: 'alice', c: 'kept' });
    server.next((s) => (s.path === '/api/changes' && s.query.get('since') === 'ancient' ? json(410, { title: 'Gone' }) : undefined));
    await client.syncNow();
    expect((await client.loadAllConversations()).map((c) => c.conversationId)).toEqual(['kept']);
  });

  it('loads from this device at once when it has the conversation, without a request', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'local')]));
    server.seen = [];
    const c = await client.loadConversation('c1');
    expect(c!.messages.map((m) => m.content)).toEqual(['local']);
    expect(server.seen).toHaveLength(0);
  });

  it('fetches a conversation it does not hold, and undefined when the server has none either', async () => {
    server.conversations('alice').set('c7', { conversationId: 'c7', personaId: 'p', title: 'T', updatedAt: 'u', messages: [{ id: 'a', role: 'user', content: 'hi', revision: 1 }] });
    const { client } = await started();
    expect((await client.loadConversation('c7'))!).toMatchObject({ title: 'T', messages: [{ id: 'a', content: 'hi' }] });
    expect(await client.loadConversation('nope')).toBeUndefined();
  });

  it('merges by id without dropping a local message the server has not acknowledged', async () => {
    const { client } = await started();
    browser.setOnline(false);
    await client.syncConversation(conversation([say('m1', 'mine, not sent yet')]));
    server.conversations('alice').set('c1', { conversationId: 'c1', personaId: 'hitesh', updatedAt: 'later', messages: [{ id: 'm0', role: 'user', content: 'from the laptop', revision: 1 }] });
    browser.online = true;
    await client.syncNow();
    expect((await client.loadConversation('c1'))!.messages.map((m) => m.id)).toEqual(['m0', 'm1']);
  });

  it('sends nothing when an AI SDK app re-syncs what it loaded', async () => {
    server.conversations('alice').set('c5', { conversationId: 'c5', personaId: 'p', updatedAt: 'u', messages: [
      { id: 'a', role: 'user', content: 'plain text', revision: 1 },
      { id: 'b', role: 'assistant', content: 'x', parts: [{ type: 'reasoning', text: 'r' }, { type: 'text', text: 'x' }], metadata: { m: 1 }, revision: 3 }] });
    const { client } = await started();
    const c = (await client.loadConversation('c5'))!;
    await client.syncConversation({ conversationId: 'c5', personaId: 'p', messages: c.messages.map((m) => toUIMessage<MessageInput>(m)) });
    await pass(10_000);
    expect(server.posts()).toHaveLength(0);
  });

  it('loads every conversation from the server on a device that holds none', async () => {
    server.conversations('alice').set('c1', { conversationId: 'c1', personaId: 'p', updatedAt: '2026-01-01T00:00:00Z', messages: [] });
    server.conversations('alice').set('c2', { conversationId: 'c2', personaId: 'p', updatedAt: '2026-01-02T00:00:00Z', messages: [] });
    const t = tab(browser, server);
    expect((await t.client.loadAllConversations()).map((c) => c.conversationId)).toEqual(['c2', 'c1']);
  });

  it('reads with the syncToken of its last write', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'x')]));
    await pass(2000);
    await client.syncNow();
    expect(server.seen.find((s) => s.method === 'GET')!.query.get('syncToken')).toBe('tok-1');
  });

  it('deletes a conversation on the server, and locally at once', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'x')]));
    await pass(2000);
    await client.deleteConversation('c1');
    await pass(0);
    expect(server.seen.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/messages' });
    expect(server.conversations('alice').has('c1')).toBe(false);
    expect(await client.loadAllConversations()).toEqual([]);
    expect(await browser.storage('alice').read('c1')).toBeUndefined();
  });
});

describe('tabs', () => {
  it('lets one tab sync: a change made in another tab is POSTed once, by the leader', async () => {
    const leader = await started();
    const other = await started();
    expect(leader.client.snapshot().client.leader).toBe(true);
    expect(other.client.snapshot().client.leader).toBe(false);
    await other.client.syncConversation(conversation([say('m1', 'typed in tab 2')]));
    await pass(2000);
    expect(server.posts()).toHaveLength(1);
    expect(leader.client.snapshot().remote?.conversationIds).toEqual(['c1']);
    expect(other.client.snapshot().statuses.get('c1')!.state).toBe('acknowledged');
    await leader.client.syncConversation(conversation([say('m1', 'typed in tab 2'), say('m2', 'and tab 1')]));
    await pass(2000);
    expect(server.posts()).toHaveLength(2);
    expect(server.posts()[1]!.body.messages.map((m: { id: string }) => m.id)).toEqual(['m2']);
  });

  it('hands over to another tab when the leader closes, which sends what is pending', async () => {
    const leader = await started();
    const other = await started();
    await other.client.syncConversation(conversation([say('m1', 'pending')]));
    await pass(500);
    leader.client.close();
    await pass(0);
    expect(other.client.snapshot().client.leader).toBe(true);
    expect(server.posts()).toHaveLength(1);
  });
});

describe('users', () => {
  it('signs out: clears the user data on this device and in every tab', async () => {
    const one = await started();
    const two = await started();
    await one.client.syncConversation(conversation([say('m1', 'x')]));
    await pass(2000);
    expect(await one.client.signOut()).toEqual({ discarded: 0 });
    await pass(0);
    expect(two.client.snapshot().signedOut).toBe(true);
    expect(await browser.storage('alice').heads()).toEqual([]);
  });

  it('sends what is pending before signing out, and counts what it could not', async () => {
    const { client } = await started();
    await client.syncConversation(conversation([say('m1', 'sent on sign-out')]));
    expect(await client.signOut()).toEqual({ discarded: 0 });
    expect(server.posts()).toHaveLength(1);
    const again = await started();
    browser.setOnline(false);
    await again.client.syncConversation(conversation([say('m2', 'offline')]));
    expect(await again.client.signOut()).toEqual({ discarded: 1 });
  });

  it('keeps two users of one browser apart', async () => {
    const alice = await started('alice');
    await alice.client.syncConversation(conversation([say('m1', 'alice only')]));
    await pass(2000);
    const bob = await started('bob');
    expect(await bob.client.loadAllConversations()).toEqual([]);
    expect(await bob.client.loadConversation('c1')).toBeUndefined();
    expect(server.seen.every((s) => s.headers.Authorization === 'Bearer token-bob')).toBe(true);
  });

  it('takes the user from the token when no userId is given', async () => {
    const payload = btoa(JSON.stringify({ sub: 'carol' })).replace(/=+$/, '');
    const stores: string[] = [];
    const { createSyncClient, memoryStorage } = await import('../src/core/index.js');
    const client = createSyncClient({ baseUrl: '', getToken: () => `h.${payload}.s`, storage: (u) => (stores.push(u), memoryStorage()), environment: browser.environment(server) });
    await client.loadAllConversations();
    expect(stores).toEqual(['carol']);
  });
});
