// Hand-written: the search box in the header (overrides/partials/search.html). The first time it is
// opened it loads Pagefind's UI from the site's own pagefind/ folder; the index itself comes in small
// chunks as the reader types. Over file:// nothing can be fetched, so the box says so instead.
(function () {
  var loaded = null;

  function load(box) {
    if (loaded) return loaded;
    var bundle = new URL(box.getAttribute("data-bundle"), location.href);
    loaded = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = bundle.href + "pagefind-ui.css";
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = bundle.href + "pagefind-ui.js";
      js.onload = resolve;
      js.onerror = reject;
      document.head.appendChild(js);
    }).then(function () {
      /* global PagefindUI */
      new PagefindUI({
        element: box.querySelector(".tadmur-search__ui"),
        bundlePath: bundle.pathname,
        baseUrl: new URL("..", bundle).pathname,
        showImages: false,
        showSubResults: false,
        resetStyles: false,
        // Pagefind waits this long after the last keystroke before it searches (its default: 300 ms);
        // its index chunks are small, so a shorter wait shows the first results sooner.
        debounceTimeoutMs: 100,
        // Entity pages carry their name and aliases as the metadata `names` (one word per name):
        // a query that is exactly a name ranks that page first.
        ranking: { metaWeights: { names: 10 } },
        processResult: function (result) {
          if (result.meta) delete result.meta.names; // for ranking only, not shown
          return result;
        },
        translations: { placeholder: "Palmyra, Daesh, TOW…" }
      });
    });
    return loaded;
  }

  function setup() {
    var box = document.querySelector("[data-tadmur-search]");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var toggle = box.querySelector(".tadmur-search__toggle");
    var panel = box.querySelector(".tadmur-search__panel");
    var offline = location.protocol !== "http:" && location.protocol !== "https:";

    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      if (offline) {
        panel.querySelector(".tadmur-search__label").hidden = true;
        var note = panel.querySelector(".tadmur-search__offline");
        note.hidden = false;
        note.focus();
        return;
      }
      load(box).then(function () {
        var input = panel.querySelector(".tadmur-search__ui input");
        if (!input) return;
        input.id = "tadmur-search-input"; // named by the panel's visible <label>
        input.focus();
      }, function () {
        // No pagefind/ next to the pages: a preview or build that did not run Pagefind.
        var note = panel.querySelector(".tadmur-search__offline");
        panel.querySelector(".tadmur-search__label").hidden = true;
        note.textContent = "The search index is missing: build the site with `make site`.";
        note.hidden = false;
        note.focus();
      });
    }

    function close(refocus) {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      if (refocus) toggle.focus();
    }

    toggle.addEventListener("click", function () {
      if (panel.hidden) open();
      else close(false);
    });
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") close(true);
    });
    document.addEventListener("click", function (ev) {
      if (!panel.hidden && !box.contains(ev.target)) close(false);
    });
    // "/" opens the box from anywhere but a text field, as the theme's own search did.
    document.addEventListener("keydown", function (ev) {
      var t = ev.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        open();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
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
