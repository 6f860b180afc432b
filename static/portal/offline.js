/* The portal on her phone, offline (see static/portal/sw.js). On her own pages: registers the service
   worker, and says so when the page on screen is the copy kept on her phone (the worker marks it). On any
   page seen signed out (the sign-in page after signing out, or when her session has ended): deletes every
   kept copy and the worker. Signing out also sends Clear-Site-Data; this covers a browser that ignores
   it. The words it adds come from the page (data-offline, translated by Django); it keeps the page shown
   offline for a page not kept (/portal/offline/) in the language of her pages. */

(function () {
  if (!("serviceWorker" in navigator)) return;
  if (document.body.dataset.portal === "signed-out") {
    if ("caches" in window) {
      caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name))));
    }
    navigator.serviceWorker.getRegistrations().then((all) => all.forEach((registration) => registration.unregister()));
    return;
  }
  navigator.serviceWorker.register("/portal/sw.js", { scope: "/portal/" });
  const updated = document.getElementById("last-updated");
  if (updated && document.body.dataset.kept !== undefined) {
    updated.classList.add("warning");
    // (a copy kept before the page carried these words has none to add)
    if (updated.dataset.offline) updated.prepend(`${updated.dataset.offline} `);
    return;
  }
  if ("caches" in window && navigator.onLine) {
    const notSaved = "/portal/offline/";
    const lang = document.documentElement.lang;
    caches
      .match(notSaved, { ignoreVary: true })
      .then((kept) => (kept ? kept.text() : ""))
      .then((page) => {
        if (!page.includes(`<html lang="${lang}">`)) return fetch(notSaved); // the worker keeps it
      })
      .catch(() => undefined);
  }
})();
