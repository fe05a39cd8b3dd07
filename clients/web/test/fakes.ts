import { vi } from 'vitest';
import { createSyncClient, memoryStorage, type SyncClientOptions, type SyncEnvironment, type SyncStorage, type TabMessage } from '../src/core/index.js';

/** One request the fake network saw. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body?: any;
  keepalive?: boolean;
  at: number;
}

interface StoredMsg { id: string; role: string; content: string; parts?: unknown; metadata?: unknown; revision: number; conflicts?: number }
interface StoredConv { conversationId: string; personaId: string; title?: string; updatedAt: string; messages: StoredMsg[] }

/**
 * A small in-memory chat-sync API: POST, DELETE and the three GET forms, with a changes feed when
 * `feed` is on (404 otherwise, as before issue 11), export and account deletion (a deleted account's
 * writes get 410). `next` queues canned answers for the next requests.
 */
export class FakeServer {
  seen: Seen[] = [];
  users = new Map<string, Map<string, StoredConv>>();
  feed = false;
  changes: { user: string; c: string; deleted?: boolean }[] = [];
  canned: ((s: Seen) => Response | undefined)[] = [];
  tokens = 0;
  deletedUsers = new Set<string>();
  /** Per `conversationId/messageId`, the versions GET /api/messages/revisions answers. */
  revisions = new Map<string, { revision: number; role: string; content: string; conflict: boolean; basedOn?: number }[]>();

  next(answer: (s: Seen) => Response | undefined) {
    this.canned.push(answer);
  }

  posts() {
    return this.seen.filter((s) => s.method === 'POST');
  }

  conversations(user: string) {
    return this.users.get(user) ?? this.users.set(user, new Map()).get(user)!;
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://sync.test');
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    const s: Seen = {
      method: init?.method ?? 'GET', path: url.pathname, query: url.searchParams, headers,
      body: init?.body ? JSON.parse(String(init.body)) : undefined, keepalive: init?.keepalive, at: Date.now(),
    };
    this.seen.push(s);
    for (let i = 0; i < this.canned.length; i++) {
      const r = this.canned[i]!(s);
      if (r) {
        this.canned.splice(i, 1);
        return r;
      }
    }
    const user = headers.Authorization?.replace('Bearer token-', '');
    if (!user) return json(401, { title: 'Unauthorized' });
    return this.route(user, s);
  };

  private route(user: string, s: Seen): Response {
    const convs = this.conversations(user);
    const c = s.query.get('conversationId');
    if (s.path === '/api/account' && s.method === 'DELETE') {
      this.users.delete(user);
      this.deletedUsers.add(user);
      return json(202, { userId: user, published: 1 });
    }
    if (this.deletedUsers.has(user) && s.method !== 'GET') {
      return json(410, { title: 'Gone', status: 410, errors: [{ field: 'Authorization', rule: 'account_deleted' }] });
    }
    if (s.path === '/api/export') {
      const conversations = [...convs.values()].sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1)).map((conv) => ({
        conversationId: conv.conversationId, personaId: conv.personaId, title: conv.title ?? null, createdAt: conv.updatedAt, updatedAt: conv.updatedAt,
        messages: conv.messages.map((m) => ({ ...m, createdAt: conv.updatedAt, updatedAt: conv.updatedAt })),
      }));
      return json(200, { format: 'chat-sync.export', version: 1, exportedAt: new Date(Date.now()).toISOString(),
        revisions: s.query.get('revisions') === 'true', conversations });
    }
    if (s.method === 'POST') {
      const b = s.body;
      const conv: StoredConv = convs.get(b.conversationId) ?? { conversationId: b.conversationId, personaId: b.personaId, updatedAt: '', messages: [] };
      conv.personaId = b.personaId;
      conv.title = b.title;
      for (const m of b.messages) {
        const old = conv.messages.find((x) => x.id === m.id);
        // an edit from an older revision than the stored one is kept as a conflict, as the real server does
        if (old && m.revision !== undefined && m.revision < old.revision) {
          old.conflicts = (old.conflicts ?? 0) + 1;
          const kept = this.revisions.get(b.conversationId + '/' + m.id) ?? [];
          kept.unshift({ revision: old.revision + kept.length + 1, role: m.role, content: m.content, conflict: true, basedOn: m.revision });
          this.revisions.set(b.conversationId + '/' + m.id, kept);
          continue;
        }
        const stored = { id: m.id, role: m.role, content: m.content, parts: m.parts, metadata: m.metadata, revision: (old?.revision ?? 0) + 1 };
        old ? Object.assign(old, stored) : conv.messages.push(stored);
      }
      conv.updatedAt = new Date(Date.now()).toISOString();
      convs.set(b.conversationId, conv);
      this.changes.push({ user, c: b.conversationId });
      return json(202, { conversationId: b.conversationId, accepted: b.messages.length, syncToken: 'tok-' + ++this.tokens });
    }
    if (s.method === 'DELETE') {
      convs.delete(c!);
      this.changes.push({ user, c: c!, deleted: true });
      return json(202, { conversationId: c, published: 1 });
    }
    if (s.path === '/api/changes') {
      if (!this.feed) return json(404, { title: 'Not Found' });
      const since = Number(s.query.get('since') ?? 0);
      const mine = this.changes.map((ch, i) => ({ ...ch, i })).filter((ch) => ch.user === user && ch.i >= since);
      const deleted = mine.filter((ch) => ch.deleted).map((ch) => ({ conversationId: ch.c }));
      const ids = [...new Set(mine.filter((ch) => !ch.deleted).map((ch) => ch.c))].filter((id) => convs.has(id));
      return json(200, { conversations: ids.map((id) => view(convs.get(id)!, true)), deleted, nextCursor: String(this.changes.length), hasMore: false });
    }
    if (s.path === '/api/messages/revisions') {
      const conv = convs.get(c!);
      const m = conv?.messages.find((x) => x.id === s.query.get('messageId'));
      if (!m) return json(404, { title: 'Not Found' });
      return json(200, { conversationId: c, messageId: m.id, revision: m.revision, revisions: this.revisions.get(c + '/' + m.id) ?? [], nextCursor: null });
    }
    if (c) {
      const conv = convs.get(c);
      return conv ? json(200, { conversation: view(conv, false), messages: conv.messages, nextCursor: null }) : json(404, { title: 'Not Found' });
    }
    return json(200, { conversations: [...convs.values()].map((v) => view(v, false)) });
  }
}

const view = (c: StoredConv, withMessages: boolean) => {
  const { messages, ...head } = c;
  return withMessages ? { ...head, messages } : head;
};

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(status === 304 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** The tabs of one browser: shared storages per user, a broadcast channel and a lock manager. */
export class FakeBrowser {
  storages = new Map<string, SyncStorage>();
  channels = new Map<string, Set<(m: TabMessage) => void>>();
  locks = new Map<string, (() => void)[]>();
  online = true;
  listeners = { online: new Set<() => void>(), offline: new Set<() => void>(), hidden: new Set<() => void>() };
  persisted = 0;

  storage = (user: string) => this.storages.get(user) ?? this.storages.set(user, memoryStorage()).get(user)!;

  setOnline(online: boolean) {
    this.online = online;
    for (const l of this.listeners[online ? 'online' : 'offline']) l();
  }

  hide() {
    for (const l of this.listeners.hidden) l();
  }

  environment(server: FakeServer): Partial<SyncEnvironment> {
    return {
      fetch: (input, init) => server.fetch(input, init),
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
      random: () => 0.5,
      online: () => this.online,
      on: (event, listener) => {
        this.listeners[event].add(listener);
        return () => this.listeners[event].delete(listener);
      },
      lock: (name, lead) => {
        const waiting = this.locks.get(name) ?? this.locks.set(name, []).get(name)!;
        waiting.push(lead);
        if (waiting.length === 1) lead();
        return () => {
          const i = waiting.indexOf(lead);
          if (i < 0) return;
          waiting.splice(i, 1);
          if (i === 0) waiting[0]?.();
        };
      },
      channel: (name, receive) => {
        const members = this.channels.get(name) ?? this.channels.set(name, new Set()).get(name)!;
        members.add(receive);
        return {
          // BroadcastChannel delivers asynchronously, and never to the sender
          post: (m) => { for (const r of members) if (r !== receive) queueMicrotask(() => r(structuredClone(m))); },
          close: () => members.delete(receive),
        };
      },
      persist: () => void this.persisted++,
    };
  }
}

/** A client in a tab of `browser`, signed in as `user`, on fake time. */
export function tab(browser: FakeBrowser, server: FakeServer, user = 'alice', options: Partial<SyncClientOptions> = {}) {
  const getToken = vi.fn(async (_o?: { refresh: true }) => 'token-' + user);
  const client = createSyncClient({
    baseUrl: 'http://sync.test', userId: user, getToken, storage: browser.storage,
    environment: browser.environment(server), ...options,
  });
  return { client, getToken };
}

/** Lets promises, and timers due by then, run: `ms` of fake time. */
export const pass = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

export const say = (id: string, content: string, role: 'user' | 'assistant' = 'user') => ({ id, role, content });

export const conversation = (messages: { id: string; role: 'user' | 'assistant'; content?: string }[], conversationId = 'c1') =>
  ({ conversationId, personaId: 'hitesh', title: 'Kafka', messages });
