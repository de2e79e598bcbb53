// Service worker: after one visit the app loads and works with no network.
// Precaches index.html and every asset it references (Trunk's hashed wasm/js/css), then
// serves same-origin GETs cache-first, refreshing the page shell from the network when
// it can. Nothing cross-origin is ever fetched.
const CACHE = 'ai-interviewer-v3';
const SHELL = ['./', './index.html', './manifest.webmanifest', './icon.svg', './pcm-capture.js',
  './speech-worker_loader.js', './speech-worker.js', './speech-worker_bg.wasm',
  './vision-worker_loader.js', './vision-worker.js', './vision-worker_bg.wasm',
  './face_detection_short_range.onnx', './face_landmark.onnx', './iris_landmark.onnx', './emotion.onnx'];
// Trunk hashes the main app's files; files without a hash (the worker, the worklet) can
// change under the same name, so they are fetched network-first.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL);
  const html = await (await cache.match('./index.html')).text();
  const urls = new Set();
  for (const m of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
    const u = new URL(m[1], self.registration.scope);
    if (u.origin === self.location.origin) urls.add(u.href);
  }
  // Trunk's loader imports the wasm from the JS file: both are listed in index.html as
  // modulepreload / preload links.
  await cache.addAll([...urls]);
}

self.addEventListener('install', (e) => {
  e.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate' || !HASHED.test(url.pathname)) {
    // Network first for the page and unhashed files (new deployments), cache when offline.
    e.respondWith((async () => {
      try {
        const res = await fetch(req);
        const key = req.mode === 'navigate' ? './index.html' : req;
        if (res.ok) (await caches.open(CACHE)).put(key, res.clone());
        return res;
      } catch {
        const key = req.mode === 'navigate' ? './index.html' : req;
        return (await caches.match(key, { ignoreSearch: true })) || Response.error();
      }
    })());
    return;
  }
  // Hashed assets never change: cache first, fill the cache on a miss.
  e.respondWith((async () => {
    const hit = await caches.match(req);
    if (hit) return hit;
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') (await caches.open(CACHE)).put(req, res.clone());
    return res;
  })());
});
