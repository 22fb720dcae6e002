// opsboard's service worker: what a dashboard on a satellite link or a weak
// phone network keeps, so that a dropped link still shows the last board.
//
// - The build's files (/pkg/, named after their content) are served from the
//   cache once fetched: a returning visit asks the network for the page only.
// - Pages are fetched from the network; the last copy of each is kept and
//   shown when the network cannot be reached (the page then says it is
//   offline, and since when, and catches up when the link returns).
// - Thumbnails already seen are kept and served when the network fails.
// - Nothing is kept past a logout: the logout's answer clears every cache
//   (and the server's Clear-Site-Data header does as much), so a browser
//   handed to someone else shows no restricted product, online or not.
//
// Registered as /sw.js?build=<the wasm's hash>: a new deployment is a new
// script address, whose worker takes over and deletes the old caches.

const BUILD = new URL(self.location.href).searchParams.get('build') || 'plain';
const CODE = `opsboard-code-${BUILD}`;
const DATA = 'opsboard-data';

const isLogout = (url, method) =>
  (url.pathname === '/api/v1/session/logout' && method === 'POST') ||
  (url.pathname === '/api/v1/session' && method === 'DELETE');
const isThumbnail = (url) => /^\/api\/v1\/products\/\d+\/thumbnail$/.test(url.pathname);
// The pages of the app, as the router names them (not the API, not files).
const isPage = (request, url) =>
  request.mode === 'navigate' && !url.pathname.startsWith('/api/');

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('opsboard-code-') && name !== CODE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function forget() {
  await caches.delete(DATA);
}

async function logout(request) {
  const answer = await fetch(request);
  await forget();
  return answer;
}

// A file of the build: its name changes with its content, so a kept copy is right.
async function code(request) {
  const cache = await caches.open(CODE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
}

// The network first; the last good answer when the network cannot be reached.
async function networkFirst(request) {
  const cache = await caches.open(DATA);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(request, answer.clone());
    else if (answer.status === 401 || answer.status === 403) await forget();
    return answer;
  } catch (failure) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw failure;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isLogout(url, request.method)) {
    event.respondWith(logout(request));
    return;
  }
  if (request.method !== 'GET') return;
  if (url.pathname.startsWith('/pkg/') && BUILD !== 'plain') {
    event.respondWith(code(request));
  } else if (isPage(request, url) || isThumbnail(url)) {
    event.respondWith(networkFirst(request));
  }
});
