// The demo's app shell, so that a reload without network still opens the app. The API is never
// cached here: what works offline is the client's own store and outbox in IndexedDB.
const CACHE = 'chat-sync-demo-shell';
const API = /^\/(api|dev|actuator|v3)\//;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const html = await (await fetch('/', { cache: 'no-store' })).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]);
    await cache.addAll(['/', ...assets]);
  })());
  self.skipWaiting();
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || API.test(url.pathname)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) await cache.put(event.request, response.clone());
      return response;
    } catch {
      return (await cache.match(event.request.mode === 'navigate' ? '/' : event.request)) ?? Response.error();
    }
  })());
});
