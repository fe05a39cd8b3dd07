/** A channel to the user's other tabs. */
export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

export type TabMessage =
  | { t: 'changed'; c: string }
  | { t: 'status'; c: string; s: import('./types.js').ConversationStatus }
  | { t: 'remote'; c: string[] }
  | { t: 'conflict'; c: string; ids: string[] }
  | { t: 'signout' };

/**
 * Everything the client takes from the browser, each replaceable: unit tests run it on fake time,
 * a fake network and fake tabs.
 */
export interface SyncEnvironment {
  fetch: typeof fetch;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
  random(): number;
  online(): boolean;
  /** `hidden`: the page was hidden or is going away (visibilitychange, pagehide). Returns the unsubscribe. */
  on(event: 'online' | 'offline' | 'hidden', listener: () => void): () => void;
  /** Calls `lead` once this tab holds the named lock, until the returned release is called. */
  lock(name: string, lead: () => void): () => void;
  channel(name: string, receive: (message: TabMessage) => void): TabChannel;
  /** Asks the browser not to evict this origin's storage under pressure. */
  persist(): void;
}

type Global = typeof globalThis & { document?: Document; navigator?: Navigator; addEventListener?: Window['addEventListener'] };

export function browserEnvironment(): SyncEnvironment {
  const g = globalThis as Global;
  return {
    fetch: (input, init) => g.fetch(input, init),
    setTimeout: (callback, ms) => g.setTimeout(callback, ms),
    clearTimeout: (id) => g.clearTimeout(id as number),
    now: () => Date.now(),
    random: () => Math.random(),
    online: () => g.navigator?.onLine !== false,
    on(event, listener) {
      if (!g.addEventListener) return () => {};
      const hidden = () => g.document?.visibilityState === 'hidden' && listener();
      const pairs: [EventTarget | undefined, string, () => void][] = event === 'hidden'
        ? [[g.document, 'visibilitychange', hidden], [g, 'pagehide', listener]]
        : [[g, event, listener]];
      for (const [t, e, l] of pairs) t?.addEventListener(e, l);
      return () => { for (const [t, e, l] of pairs) t?.removeEventListener(e, l); };
    },
    lock(name, lead) {
      const locks = g.navigator?.locks;
      if (!locks) {
        // Without Web Locks every tab syncs; the server's deduplication keeps that safe, not frugal.
        lead();
        return () => {};
      }
      let release = () => {};
      const held = new Promise<void>((r) => { release = r; });
      const waiting = new AbortController();
      locks.request(name, { signal: waiting.signal }, () => { lead(); return held; }).catch(() => {});
      return () => { waiting.abort(); release(); };
    },
    channel(name, receive) {
      if (typeof BroadcastChannel === 'undefined') return { post() {}, close() {} };
      const ch = new BroadcastChannel(name);
      ch.onmessage = (e) => receive(e.data as TabMessage);
      return { post: (m) => ch.postMessage(m), close: () => ch.close() };
    },
    persist: () => void g.navigator?.storage?.persist?.().catch(() => {}),
  };
}
