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
