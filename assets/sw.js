// Service worker: after one visit the app loads and works with no network.
// The build (tools/post-build.mjs) fills in the list of every file the app needs and a
// cache version made from their contents: a new build gets a new cache, the old one is
// deleted. Same-origin GETs are served cache-first for the built files and network-first
// for the page itself (a new deployment shows up on the next load); on-demand models
// (speech recognition, content analysis) are cached the first time they are fetched, so
// they work offline once the user has turned their feature on. Nothing cross-origin is
// ever fetched.
const PRECACHE = __PRECACHE__;
const ON_DEMAND = __ON_DEMAND__;
const CACHE = 'ai-interviewer-__VERSION__';
// On-demand models keep their own cache across app versions (tens of MB).
const MODELS = 'ai-interviewer-models';

self.addEventListener('install', (e) => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE && k !== MODELS) await caches.delete(k);
    await self.clients.claim();
  })());
});

const isOnDemand = (url) => ON_DEMAND.some((f) => new URL(f, self.registration.scope).pathname === url.pathname);

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    // Network first for the page (new deployments), the cached copy when offline.
    e.respondWith((async () => {
      try {
        const res = await fetch(req);
        if (res.ok) (await caches.open(CACHE)).put('./index.html', res.clone());
        return res;
      } catch {
        return (await caches.match('./index.html')) || (await caches.match('./')) || Response.error();
      }
    })());
    return;
  }
  e.respondWith((async () => {
    const hit = await caches.match(req, { ignoreSearch: true });
    if (hit) return hit;
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') {
      const name = isOnDemand(url) ? MODELS : CACHE;
      (await caches.open(name)).put(req, res.clone());
    }
    return res;
  })());
});
