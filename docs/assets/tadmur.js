// Hand-written: give the theme's search dialog an accessible name (axe-core: aria-dialog-name).
(function () {
  function name() {
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", "Search the site");
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(name);
  else document.addEventListener("DOMContentLoaded", name);
})();

// Hand-written: pages of renamed or merged entities and events send the reader on to the new page.
// The link is a Markdown link, so MkDocs rewrites it correctly for both site/ and site-offline/.
// Only within the site: the build refuses data-tadmur-* in contributors' text, and a link to another
// origin is never followed even so.
(function () {
  function go() {
    var a = document.querySelector("a[data-tadmur-redirect]");
    if (!a) return;
    var to = new URL(a.getAttribute("href"), location.href);
    if (to.protocol !== location.protocol || to.origin !== location.origin) return;
    location.replace(to.href + location.hash);
  }
  if (typeof document$ !== "undefined") document$.subscribe(go);
  else document.addEventListener("DOMContentLoaded", go);
})();
