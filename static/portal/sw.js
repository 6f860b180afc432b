/* The portal's service worker (served at /portal/sw.js, scope /portal/).

   Her pages, network first: each portal page she opens is fetched as usual and a copy kept on her phone;
   when there is no network, the kept copy is shown instead. Each page says when it was made ("Last
   updated"), and the copy keeps that line, so she can see how old it is. Never kept: the sign-in and
   sign-out pages, anything that is not a plain GET, answers that failed or redirected (a sign-in page in
   disguise). The portal's own styles and scripts are kept the same way so the copy looks as it did.

   Signing out clears everything: the sign-out answer carries Clear-Site-Data: "cache", "storage", and
   the sign-in page deletes these caches as well (static/portal/offline.js).

   A page not kept, asked for with no network, gets the portal's "not saved on this phone" page
   (/portal/offline/), kept when the worker is installed and again whenever her pages change language
   (offline.js), so it speaks her language: the worker itself holds no words for her. */

const CACHE = "portal-pages-v1";
const NOT_KEPT = ["/portal/login/", "/portal/logout/", "/portal/oidc/", "/portal/sw.js"];
const NOT_SAVED = "/portal/offline/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.add(NOT_SAVED))
      .catch(() => undefined) // kept later, when a page of hers asks for it (offline.js)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function keepable(request) {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  if (NOT_KEPT.some((path) => url.pathname.startsWith(path))) return false;
  return url.pathname.startsWith("/portal/") || url.pathname.startsWith("/static/portal/");
}

// The kept copy of a page, marked so that the page's script (offline.js) tells her it is the saved copy.
async function markedAsKept(kept) {
  const page = (await kept.text()).replace('data-portal="signed-in"', 'data-portal="signed-in" data-kept');
  return new Response(page, { status: kept.status, headers: kept.headers });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const kept = await cache.match(request);
    if (kept && request.mode === "navigate") return markedAsKept(kept);
    if (kept) return kept;
    const notSaved = request.mode === "navigate" && (await cache.match(NOT_SAVED, { ignoreVary: true }));
    if (notSaved) {
      return new Response(await notSaved.text(), {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    }
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  if (keepable(event.request)) event.respondWith(networkFirst(event.request));
});
