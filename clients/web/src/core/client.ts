import { browserEnvironment, type SyncEnvironment, type TabChannel, type TabMessage } from './environment.js';
import { http, type GetToken, type Outcome } from './http.js';
import { indexedDbStorage } from './idb.js';
import { merge, type ServerConversation } from './merge.js';
import { fromApp, headOf, type ServerMessage } from './messages.js';
import { batches, bytes, unacked, type Batch, type Limits } from './outbox.js';
import { memoryStorage, type StoredConversation, type StoredHead, type SyncStorage } from './storage.js';
import type { AccountExport, ClientStatus, ConflictNotice, Conversation, ConversationStatus, ConversationSummary, MessageRevisions, SyncClient, SyncSnapshot } from './types.js';

export interface SyncClientOptions {
  /** Where chat-sync's API is, e.g. `https://sync.example.com` ('' for the page's own origin). */
  baseUrl: string;
  /** The user's session token (Clerk: `(o) => session.getToken({ skipCache: o?.refresh })`). */
  getToken: GetToken;
  /** The signed-in user; by default the `sub` of the first token. Everything stored on the device is this user's alone. */
  userId?: string;
  /** This user's store; by default an IndexedDB database of its own (in memory where there is no IndexedDB). */
  storage?: (userId: string) => SyncStorage;
  /** A conversation is sent this long after its last change. */
  debounceMs?: number;
  /** Everything pending is sent, and other devices' changes pulled, this often. */
  periodicMs?: number;
  limits?: Partial<Limits>;
  /** Exponential backoff after failures that are retried: the first pause, and the cap. */
  backoff?: { initialMs?: number; maxMs?: number };
  environment?: Partial<SyncEnvironment>;
  /** Called when a read or the changes feed shows messages with more conflicts than this device knew of. */
  onConflict?: (conflict: ConflictNotice) => void;
}

interface ChangesPage {
  conversations?: ServerConversation[];
  deleted?: { conversationId: string }[];
  nextCursor?: string;
  hasMore?: boolean;
}

const enc = encodeURIComponent;

const subOf = (token: string | null | undefined) => {
  try {
    return String(JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sub);
  } catch {
    throw new Error('chat-sync: give userId, or a getToken whose token is a JWT with a sub');
  }
};

const summaryOf = (h: StoredHead): ConversationSummary => {
  const local = h.changedAt ? new Date(h.changedAt).toISOString() : undefined;
  const updatedAt = !h.updatedAt || (local && local > h.updatedAt) ? local : h.updatedAt;
  return { conversationId: h.conversationId, personaId: h.personaId, title: h.title, createdAt: h.createdAt, updatedAt };
};

const fingerprints = (s: StoredConversation) => new Map([...s.messages.map((m) => [m.id, m.fp] as const), ['', s.head.fp]]);

/** One client per signed-in user and page: the sync engine behind `useMessageSync`. */
export function createSyncClient(options: SyncClientOptions): SyncClient {
  const env: SyncEnvironment = { ...browserEnvironment(), ...options.environment };
  const { debounceMs = 2000, periodicMs = 300_000 } = options;
  const limits: Limits = { maxMessages: 500, maxBodyBytes: 1 << 20, ...options.limits };
  const { initialMs = 1000, maxMs = 60_000 } = options.backoff ?? {};
  const call = http(options.baseUrl.replace(/\/$/, ''), options.getToken, env.fetch, env.now);

  let snap: SyncSnapshot = {
    statuses: new Map(),
    client: { online: env.online(), leader: false, changes: 0, posts: 0 },
    signedOut: false,
  };
  const listeners = new Set<() => void>();
  const publish = (next: Partial<SyncSnapshot>) => {
    snap = { ...snap, ...next };
    for (const l of listeners) l();
  };
  const setClient = (patch: Partial<ClientStatus>) => publish({ client: { ...snap.client, ...patch } });
  const statusOf = (c: string): ConversationStatus => snap.statuses.get(c) ?? { state: 'acknowledged', pending: 0 };
  const setStatus = (c: string, s: ConversationStatus, share = leader) => {
    publish({ statuses: new Map(snap.statuses).set(c, s) });
    if (share) tabs.post({ t: 'status', c, s });
  };
  const remote = (ids: string[]) => ids.length && publish({ remote: { seq: (snap.remote?.seq ?? 0) + 1, conversationIds: ids } });
  const conflict = (c: string, ids: string[], share = true) => {
    if (!ids.length) return;
    publish({ conflict: { seq: (snap.conflict?.seq ?? 0) + 1, conversationId: c, messageIds: ids } });
    options.onConflict?.({ conversationId: c, messageIds: ids });
    if (share) tabs.post({ t: 'conflict', c, ids });
  };
  /** Merges a server conversation into this device's, and tells of the conflicts it brings. */
  const mergeIn = async (rc: ServerConversation) => {
    const ids: string[] = [];
    await storage.apply(rc.conversationId, (cur) => merge(cur, rc, ids));
    conflict(rc.conversationId, ids);
  };

  let storage: SyncStorage;
  let tabs: TabChannel;
  let leader = false;
  let closed = false;
  let feed = true;
  let syncToken: string | undefined;
  let listEtag: string | null = null;
  let attempts = 0;
  let unlock = () => {};
  let backoff: unknown;
  let periodic: unknown;
  let run: Promise<void> | undefined;
  let pulling: Promise<void> | undefined;
  let writes: Promise<unknown> = Promise.resolve();
  const offs: (() => void)[] = [];
  /** Per conversation, the fingerprints the app last gave or was given ('' = the conversation's own fields). */
  const given = new Map<string, Map<string, string>>();
  const pendingIds = new Map<string, Set<string>>();
  const timers = new Map<string, unknown>();
  const queue = new Set<string>();
  const rejected = new Set<string>();

  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const p = writes.then(work);
    writes = p.catch(() => {});
    return p;
  };

  const ready = (async () => {
    const userId = options.userId ?? subOf(await options.getToken());
    const name = 'chat-sync.' + userId;
    storage = (options.storage ?? ((u) => (typeof indexedDB === 'undefined' ? memoryStorage() : indexedDbStorage('chat-sync.' + u))))(userId);
    tabs = env.channel(name, receive);
    offs.push(
      env.on('online', () => {
        setClient({ online: true });
        attempts = 0;
        env.clearTimeout(backoff);
        backoff = undefined;
        void flush(false).then(pull);
      }),
      env.on('offline', () => setClient({ online: false })),
      env.on('hidden', () => void flush(true, true)),
    );
    unlock = env.lock(name, () => void lead());
    env.persist();
  })();

  async function lead() {
    if (closed) return;
    leader = true;
    setClient({ leader: true });
    for (const c of await storage.outbox()) {
      const s = await storage.read(c);
      if (s) markPending(c, unacked(s).map((m) => m.id), true);
      queue.add(c);
    }
    const tick = () => { periodic = env.setTimeout(() => { void syncNow(); tick(); }, periodicMs); };
    tick();
    await syncNow();
  }

  function receive(m: TabMessage) {
    if (closed) return;
    if (m.t === 'changed') {
      remote([m.c]);
      if (leader) {
        rejected.delete(m.c);
        setStatus(m.c, { ...statusOf(m.c), state: 'pending' });
        schedule(m.c);
      }
    } else if (m.t === 'status') {
      if (!leader) setStatus(m.c, m.s, false);
    } else if (m.t === 'remote') {
      remote(m.c);
    } else if (m.t === 'conflict') {
      conflict(m.c, m.ids, false);
    } else {
      teardown();
    }
  }

  function markPending(c: string, ids: string[], exact = false) {
    const set = exact ? new Set(ids) : (pendingIds.get(c) ?? new Set());
    for (const id of ids) set.add(id);
    pendingIds.set(c, set);
    const s = statusOf(c);
    setStatus(c, { ...s, state: s.state === 'sending' ? 'sending' : 'pending', pending: set.size, ...(s.state === 'failed' && { error: undefined }) });
  }

  function schedule(c: string) {
    env.clearTimeout(timers.get(c));
    timers.set(c, env.setTimeout(() => {
      timers.delete(c);
      queue.add(c);
      void pump();
    }, debounceMs));
  }

  const canSend = () => leader && !closed && !backoff && snap.client.online;

  function pump(keepalive = false): Promise<void> {
    run ??= (async () => {
      await null;
      while (canSend() && queue.size) {
        const c = queue.values().next().value as string;
        const result = await send(c, keepalive);
        if (result === 'retry') break;
        queue.delete(c);
        // Changed while it was sent, and the debounce already ran out meanwhile.
        if (result === 'again' && !timers.has(c)) queue.add(c);
      }
    })().finally(() => {
      run = undefined;
      if (canSend() && queue.size) void pump();
    });
    return run;
  }

  /** Sends what is pending now, without waiting for the debounce when `early`. */
  function flush(early: boolean, keepalive = false) {
    if (early) {
      for (const [c, t] of timers) {
        env.clearTimeout(t);
        queue.add(c);
      }
      timers.clear();
    }
    for (const [c, s] of snap.statuses) if (s.state === 'pending' && !timers.has(c) && !rejected.has(c)) queue.add(c);
    return pump(keepalive);
  }

  async function send(c: string, keepalive: boolean): Promise<'done' | 'again' | 'retry' | 'failed'> {
    const s = await storage.read(c);
    if (!s) return 'done';
    const sending = () => setStatus(c, { ...statusOf(c), state: 'sending' });
    if (s.head.deleted) {
      sending();
      const o = await call('DELETE', '/api/messages?conversationId=' + enc(c), { keepalive });
      if (o.kind !== 'ok') return failed(c, o, []);
      let gone = false;
      await storage.apply(c, (cur) => cur && (cur.messages.length ? { head: { deleted: false } } : ((gone = true), { drop: true })));
      if (gone) {
        setStatus(c, { state: 'acknowledged', pending: 0, syncedAt: env.now() });
        return 'done';
      }
      s.head.deleted = false;
    }
    let again = false;
    for (const b of batches(s, limits)) {
      sending();
      // keepalive requests may carry 64 KiB at most, all of them together
      const o = await call('POST', '/api/messages', { body: b.body, keepalive: keepalive && bytes(b.body) < 60_000 });
      setClient({ posts: snap.client.posts + 1 });
      if (o.kind !== 'ok') return failed(c, o, b.ids);
      const accepted = (await o.response.json().catch(() => ({}))) as { syncToken?: string };
      syncToken = accepted.syncToken ?? syncToken;
      again = await ack(c, b);
    }
    attempts = 0;
    return again ? 'again' : 'done';
  }

  /** Records a 202; true when the conversation still has changes the server has not seen. */
  async function ack(c: string, b: Batch) {
    let left: string[] = [], pending = false;
    await storage.apply(c, (cur) => {
      if (!cur) return undefined;
      const acks = { ...cur.acks, ...b.acks };
      left = cur.messages.filter((m) => acks[m.id] !== m.fp).map((m) => m.id);
      pending = left.length > 0 || acks[''] !== cur.head.fp;
      // Edited again while it was sent: the later edit is based on this device's own write, whose
      // revision only a read tells, so it goes without one rather than as a conflict with itself.
      const put = cur.messages.filter((m) => b.acks[m.id] && b.acks[m.id] !== m.fp && m.base).map((m) => ({ ...m, base: undefined }));
      return { acks: b.acks, outbox: pending, put };
    });
    pendingIds.set(c, new Set(left));
    setStatus(c, { state: pending ? 'pending' : 'acknowledged', pending: left.length, syncedAt: env.now() });
    return pending;
  }

  function failed(c: string, o: Exclude<Outcome, { kind: 'ok' }>, ids: string[]): 'retry' | 'failed' {
    const errors = o.problem.errors?.map((e) => {
      const i = /^messages\[(\d+)]/.exec(e.field)?.[1];
      return i !== undefined && ids[+i] ? { ...e, messageId: ids[+i] } : e;
    });
    const error = errors ? { ...o.problem, errors } : o.problem;
    const base = { ...statusOf(c), error, retryAt: undefined };
    if (o.kind === 'reject') {
      rejected.add(c);
      setStatus(c, { ...base, state: 'failed' });
      return 'failed';
    }
    const delay = o.delay ?? Math.min(maxMs, initialMs * 2 ** attempts++) * (0.5 + env.random() / 2);
    setStatus(c, { ...base, state: 'pending', retryAt: env.now() + delay });
    backoff = env.setTimeout(() => {
      backoff = undefined;
      void pump();
    }, delay);
    return 'retry';
  }

  async function syncNow() {
    await ready;
    if (leader) {
      env.clearTimeout(backoff);
      backoff = undefined;
      await flush(true);
    }
    await pull();
  }

  const pull = () => (pulling ??= (async () => {
    await null;
    const changed = new Set<string>();
    const token = syncToken;
    try {
      let ok = feed && (await pullFeed(changed));
      if (!feed) ok = await pullList(changed);
      if (ok) {
        await storage.set('pulled', true);
        if (syncToken === token) syncToken = undefined;
        setClient({ pulledAt: env.now() });
      }
    } catch {
      // a page the server answered but that did not parse: the next pull starts from the same cursor
    } finally {
      pulling = undefined;
      remote([...changed]);
      if (changed.size) tabs.post({ t: 'remote', c: [...changed] });
    }
  })());

  /** Reads with the token of the last write: the server answers once that write is readable. */
  const read = async (path: string, query: Record<string, string>, headers?: Record<string, string>) => {
    for (;;) {
      const q = new URLSearchParams(query);
      if (syncToken) q.set('syncToken', syncToken);
      const o = await call('GET', path + '?' + q, { headers });
      // A token from before a restart of the API (a new signing key) is refused: read without it.
      if (o.kind === 'reject' && o.problem.status === 400 && syncToken) syncToken = undefined;
      else return o;
    }
  };

  async function pullFeed(changed: Set<string>): Promise<boolean> {
    let since = (await storage.get('cursor')) as string | undefined;
    let full: Set<string> | undefined;
    for (;;) {
      const o = await read('/api/changes', since ? { since, limit: '500' } : { limit: '500' });
      if (o.kind !== 'ok') {
        const status = o.problem.status;
        if (status === 404) return (feed = false);
        // The cursor is older than the server remembers deletions: reload everything.
        if (status === 410 && since) { since = undefined; full = new Set(); continue; }
        return false;
      }
      const page = (await o.response.json()) as ChangesPage;
      for (const d of page.deleted ?? []) {
        await tombstone(d.conversationId);
        changed.add(d.conversationId);
      }
      for (const rc of page.conversations ?? []) {
        await mergeIn(rc);
        changed.add(rc.conversationId);
        full?.add(rc.conversationId);
      }
      since = page.nextCursor;
      await storage.set('cursor', since);
      if (!page.hasMore) break;
    }
    if (full) await dropUnseen(full, changed);
    return true;
  }

  /** Until the server has a changes feed: the conversation list, and each conversation whose updatedAt moved. */
  async function pullList(changed: Set<string>): Promise<boolean> {
    const o = await read('/api/messages', {}, listEtag ? { 'If-None-Match': listEtag } : undefined);
    if (o.kind !== 'ok' || o.response.status === 304) return o.kind === 'ok';
    listEtag = o.response.headers.get('ETag');
    const { conversations } = (await o.response.json()) as { conversations: ServerConversation[] };
    const heads = new Map((await storage.heads()).map((h) => [h.conversationId, h]));
    for (const rc of conversations) {
      if (heads.get(rc.conversationId)?.updatedAt !== rc.updatedAt && (await fetchConversation(rc.conversationId))) changed.add(rc.conversationId);
    }
    // A full list without a conversation the server had: deleted on another device.
    if (conversations.length < 500) await dropUnseen(new Set(conversations.map((rc) => rc.conversationId)), changed);
    return true;
  }

  async function dropUnseen(seen: Set<string>, changed: Set<string>) {
    for (const h of await storage.heads()) {
      if (h.updatedAt && !seen.has(h.conversationId)) {
        await tombstone(h.conversationId);
        changed.add(h.conversationId);
      }
    }
  }

  /** Another device deleted the conversation: what the server acknowledged goes, what it has not seen stays. */
  const tombstone = (c: string) => storage.apply(c, (cur) => {
    if (!cur) return undefined;
    const keep = unacked(cur);
    return keep.length && !cur.head.deleted ? { wipe: true, put: keep, head: { updatedAt: undefined }, outbox: true } : { drop: true };
  });

  async function fetchConversation(c: string): Promise<boolean> {
    const messages: ServerMessage[] = [];
    let conversation: ServerConversation | null = null;
    let cursor: string | undefined;
    do {
      const o = await read('/api/messages', cursor ? { conversationId: c, limit: '500', cursor } : { conversationId: c, limit: '500' });
      if (o.kind !== 'ok') return false;
      const page = (await o.response.json()) as { conversation: ServerConversation | null; messages: ServerMessage[]; nextCursor?: string | null };
      conversation = page.conversation;
      messages.push(...page.messages);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (!conversation) return false;
    await mergeIn({ ...conversation, messages });
    return true;
  }

  /** Deletes the user's data from this browser, in every tab; returns the messages never acknowledged. */
  async function forget() {
    let discarded = 0;
    for (const c of await storage.outbox()) {
      const s = await storage.read(c);
      if (s) discarded += unacked(s).length;
    }
    tabs.post({ t: 'signout' });
    teardown(false);
    await storage.clear();
    unlock();
    return { discarded };
  }

  /** Stops everything; the lock last, for a tab signing out must not hand over to a tab that would pull into the store it is deleting. */
  function teardown(release = true) {
    if (release) unlock();
    if (closed) return;
    closed = true;
    leader = false;
    for (const t of [...timers.values(), backoff, periodic]) env.clearTimeout(t);
    for (const off of offs) off();
    tabs.close();
    storage.close();
    publish({ signedOut: true, client: { ...snap.client, leader: false } });
  }

  return {
    async syncConversation(input) {
      await ready;
      return serial(async () => {
        const c = input.conversationId;
        let g = given.get(c);
        if (!g) {
          const s = await storage.read(c);
          g = s ? fingerprints(s) : new Map();
          given.set(c, g);
        }
        const put = input.messages.map(fromApp).filter((m) => g.get(m.id) !== m.fp);
        const head = headOf(input);
        if (closed || (!put.length && g.get('') === head.fp)) return;
        for (const m of put) g.set(m.id, m.fp);
        g.set('', head.fp);
        await storage.apply(c, (cur) => {
          const was = new Map(cur?.messages.map((m) => [m.id, m]));
          return {
            head: { ...head, changedAt: env.now() },
            // An edit of a message read from the server says which revision it was made from; one made on an
            // edit not yet acknowledged keeps that edit's base, for the server has seen neither.
            put: put.map((m) => {
              const l = was.get(m.id);
              const base = l && (l.revision ?? (cur!.acks[l.id] !== l.fp ? l.base : undefined));
              return l ? { ...m, base, conflicts: l.conflicts } : m;
            }),
            outbox: true,
          };
        });
        setClient({ changes: snap.client.changes + 1 });
        rejected.delete(c);
        markPending(c, put.map((m) => m.id));
        tabs.post({ t: 'changed', c });
        if (leader) schedule(c);
      });
    },

    async loadConversation(c): Promise<Conversation | undefined> {
      await ready;
      let s = await storage.read(c);
      if (!s && (await fetchConversation(c))) s = await storage.read(c);
      if (!s || s.head.deleted) return undefined;
      given.set(c, fingerprints(s));
      return {
        ...summaryOf(s.head),
        messages: s.messages.map(({ order, fp, base, ...m }) => m),
      };
    },

    async loadAllConversations() {
      await ready;
      let heads = await storage.heads();
      if (!heads.length && !(await storage.get('pulled'))) {
        await pull();
        heads = await storage.heads();
      }
      return heads.filter((h) => !h.deleted).map(summaryOf).sort((a, b) => ((a.updatedAt ?? '') < (b.updatedAt ?? '') ? 1 : -1));
    },

    async deleteConversation(c) {
      await ready;
      return serial(async () => {
        given.delete(c);
        await storage.apply(c, { wipe: true, head: { deleted: true, changedAt: env.now() }, outbox: true });
        pendingIds.delete(c);
        setStatus(c, { state: 'pending', pending: 0 });
        tabs.post({ t: 'changed', c });
        if (leader) {
          queue.add(c);
          void pump();
        }
      });
    },

    async loadRevisions(c, id): Promise<MessageRevisions | undefined> {
      await ready;
      const out: MessageRevisions = { revision: 0, revisions: [] };
      let cursor: string | undefined;
      do {
        const o = await read('/api/messages/revisions', { conversationId: c, messageId: id, limit: '500', ...(cursor && { cursor }) });
        if (o.kind !== 'ok') {
          if (o.problem.status === 404) return undefined;
          throw o.problem;
        }
        const page = (await o.response.json()) as MessageRevisions & { nextCursor?: string | null };
        out.revision = page.revision;
        out.revisions.push(...page.revisions);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    },

    syncNow,

    retry(c) {
      rejected.delete(c);
      queue.add(c);
      void pump();
    },

    snapshot: () => snap,

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async signOut() {
      await ready;
      if (leader && !closed) await Promise.race([flush(true), new Promise((r) => env.setTimeout(() => r(undefined), 5000))]);
      return forget();
    },

    async exportAccount(options = {}) {
      await ready;
      if (leader && !closed) await flush(true);
      // with the token of the last write: the export waits until that write is stored
      const o = await read('/api/export', options.revisions ? { revisions: 'true' } : {});
      if (o.kind !== 'ok') throw o.problem;
      return (await o.response.json()) as AccountExport;
    },

    async deleteAccount() {
      await ready;
      const o = await call('DELETE', '/api/account');
      if (o.kind !== 'ok') throw o.problem;
      return forget();
    },

    close: () => void ready.then(() => teardown(), () => {}),
  };
}
