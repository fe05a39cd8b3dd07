import type { StoredMessage } from './messages.js';
import type { StoredConversation, StoredHead, SyncStorage } from './storage.js';

const STORES = ['heads', 'messages', 'acks', 'outbox', 'meta'];

const done = <T>(r: IDBRequest<T>) => new Promise<T>((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });

// Message and ack keys are [conversationId, messageId]: every key of a conversation sorts between
// [c] and [c, []], since arrays sort after strings.
const of = (c: string) => IDBKeyRange.bound([c], [c, []]);

/**
 * One IndexedDB database per user (`chat-sync.<userId>`), shared by that user's tabs. Messages are
 * records of their own, so a streaming reply rewrites itself, not its conversation, on every chunk;
 * acks are records of their own, so a tab writing messages never overwrites the acks the syncing tab wrote.
 */
export function indexedDbStorage(name: string, idb: IDBFactory = indexedDB): SyncStorage {
  let db: Promise<IDBDatabase> | undefined;
  const open = () => db ??= new Promise((ok, ko) => {
    const r = idb.open(name, 1);
    r.onupgradeneeded = () => {
      const d = r.result;
      d.createObjectStore('heads', { keyPath: 'conversationId' });
      d.createObjectStore('messages', { keyPath: ['c', 'id'] });
      d.createObjectStore('acks', { keyPath: ['c', 'id'] });
      d.createObjectStore('outbox');
      d.createObjectStore('meta');
    };
    r.onsuccess = () => {
      // Another tab signing out deletes this database: let it.
      r.result.onversionchange = () => r.result.close();
      ok(r.result);
    };
    r.onerror = () => ko(r.error);
  });
  const tx = async (mode: IDBTransactionMode) => {
    const t = (await open()).transaction(STORES, mode);
    const end = new Promise<void>((ok, ko) => { t.oncomplete = () => ok(); t.onerror = t.onabort = () => ko(t.error); });
    return { s: (n: string) => t.objectStore(n), end };
  };
  const readIn = async (s: (n: string) => IDBObjectStore, c: string): Promise<StoredConversation | undefined> => {
    const [head, messages, acks] = await Promise.all([
      done<StoredHead | undefined>(s('heads').get(c)),
      done<(StoredMessage & { c?: string })[]>(s('messages').getAll(of(c))),
      done<{ id: string; fp: string }[]>(s('acks').getAll(of(c))),
    ]);
    if (!head) return undefined;
    for (const m of messages) delete m.c;
    return {
      head,
      messages: messages.sort((a, b) => a.order - b.order),
      acks: Object.fromEntries(acks.map((a) => [a.id, a.fp])),
    };
  };
  return {
    async read(c) {
      const { s } = await tx('readonly');
      return readIn(s, c);
    },
    async heads() {
      const { s } = await tx('readonly');
      return done<StoredHead[]>(s('heads').getAll());
    },
    async outbox() {
      const { s } = await tx('readonly');
      return done(s('outbox').getAllKeys()) as Promise<string[]>;
    },
    async apply(c, change) {
      const { s, end } = await tx('readwrite');
      const ch = typeof change === 'function' ? change(await readIn(s, c)) : change;
      const old = await done<StoredHead | undefined>(s('heads').get(c));
      if (ch && (old || ch.head)) {
        if (ch.drop || ch.wipe) {
          s('messages').delete(of(c));
          s('acks').delete(of(c));
        }
        if (ch.drop) {
          s('heads').delete(c);
          s('outbox').delete(c);
        } else {
          if (ch.head) s('heads').put({ ...old, ...ch.head, conversationId: c });
          for (const m of ch.put ?? []) s('messages').put({ ...m, c });
          for (const [id, fp] of Object.entries(ch.acks ?? {})) fp === null ? s('acks').delete([c, id]) : s('acks').put({ c, id, fp });
          if (ch.outbox !== undefined) ch.outbox ? s('outbox').put(1, c) : s('outbox').delete(c);
        }
      }
      await end;
    },
    async get(k) {
      const { s } = await tx('readonly');
      return done(s('meta').get(k));
    },
    async set(k, v) {
      const { s, end } = await tx('readwrite');
      s('meta').put(v, k);
      await end;
    },
    async clear() {
      (await db)?.close();
      db = undefined;
      await done(idb.deleteDatabase(name));
    },
    close() {
      void db?.then((d) => d.close());
      db = undefined;
    },
  };
}
