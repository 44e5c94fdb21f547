// Hand-written: the search box in the header (overrides/partials/search.html). The first time it is
// opened it loads Pagefind's Modular UI from the site's own pagefind/ folder and connects it to the
// box's field, status line and result list; the index itself comes in small chunks as the reader types.
// Over file:// nothing can be fetched, so the box says so instead.
(function () {
  var loaded = null;

  // One result: the page's title as a link, and Pagefind's excerpt (its text is escaped by Pagefind,
  // with the matched words in <mark>). The metadata `names` is for ranking only and never shown.
  function result(r) {
    var li = document.createElement("li");
    li.className = "tadmur-search__result";
    var link = document.createElement("a");
    link.className = "tadmur-search__result-link";
    link.href = r.url;
    link.textContent = (r.meta && r.meta.title) || r.url;
    var excerpt = document.createElement("p");
    excerpt.className = "tadmur-search__excerpt";
    excerpt.innerHTML = r.excerpt || "";
    li.append(link, excerpt);
    return li;
  }

  // Stands for a result until it is scrolled into view; only then are its title and excerpt fetched.
  function placeholder() {
    var li = document.createElement("li");
    li.className = "tadmur-search__result tadmur-search__result--loading";
    li.setAttribute("aria-hidden", "true");
    return li;
  }

  function load(box) {
    if (loaded) return loaded;
    var bundle = new URL(box.getAttribute("data-bundle"), location.href);
    loaded = new Promise(function (resolve, reject) {
      var js = document.createElement("script");
      js.src = bundle.href + "pagefind-modular-ui.js";
      js.onload = resolve;
      js.onerror = reject;
      document.head.appendChild(js);
    }).then(function () {
      /* global PagefindModularUI */
      var ui = PagefindModularUI;
      var panel = "#" + box.querySelector(".tadmur-search__panel").id;
      // Options the Modular UI does not use itself are passed on to Pagefind (pagefind.options()).
      var instance = new ui.Instance({
        bundlePath: bundle.pathname,
        baseUrl: new URL("..", bundle).pathname,
        // Entity pages carry their name and aliases as the metadata `names` (one word per name):
        // a query that is exactly a name ranks that page first.
        ranking: { metaWeights: { names: 10 } }
      });
      instance.add(new ui.Input({
        inputElement: "#tadmur-search-input",
        // The wait after the last keystroke before a search (Pagefind's default: 300 ms); the index
        // chunks are small, so a shorter wait shows the first results sooner.
        debounceTimeoutMs: 100
      }));
      instance.add(new ui.Summary({ containerElement: panel + " .tadmur-search__summary" }));
      instance.add(new ui.ResultList({
        containerElement: panel + " .tadmur-search__results",
        resultTemplate: result,
        placeholderTemplate: placeholder
      }));
      instance.triggerLoad();
      // Pagefind's advice for a debounced field: fetch the index chunks of what is typed at once, so
      // the search that runs after the wait finds them there.
      document.getElementById("tadmur-search-input").addEventListener("input", function (ev) {
        var pagefind = instance.__pagefind__;  // set by the Modular UI once Pagefind has loaded
        if (pagefind && ev.target.value.trim()) pagefind.preload(ev.target.value);
      });
      return instance;
    });
    return loaded;
  }

  function setup() {
    var box = document.querySelector("[data-tadmur-search]");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var toggle = box.querySelector(".tadmur-search__toggle");
    var panel = box.querySelector(".tadmur-search__panel");
    var field = panel.querySelector(".tadmur-search__field");
    var input = panel.querySelector(".tadmur-search__input");
    var offline = location.protocol !== "http:" && location.protocol !== "https:";

    function note(text) {
      var p = panel.querySelector(".tadmur-search__offline");
      field.hidden = true;
      if (text) p.textContent = text;
      p.hidden = false;
      p.focus();
    }

    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      if (offline) return note();
      if (!field.hidden) input.focus();
      load(box).then(function (instance) {
        // What was typed while the UI loaded is searched for at once.
        if (input.value && instance.searchTerm !== input.value) instance.triggerSearch(input.value);
      }, function () {
        // No pagefind/ next to the pages: a preview or build that did not run Pagefind.
        note("The search index is missing: build the site with `make site`.");
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
