// Hand-written: narrow the timeline to one actor, place or weapon. ?actor=<id>, ?place=<id>,
// ?weapon=<id> preselect one.
// A short timeline is one page: the menus are built from the names its entries link to, and choosing
// hides the other entries. A long one is split by year and month (data-tadmur-all): served over
// http(s), the menus come from data/filters.json and a choice fetches that name's events from every
// year, data/timeline/<kind>/<id>.json (written by scripts/tadmur/filterdata.py). If that cannot be
// fetched (file://, where browsers refuse), the page's own entries are filtered as on a short timeline.
// Names and titles come from articles: they are only ever inserted as text.
(function () {
  var KINDS = ["actor", "place", "weapon"];
  var DIRS = { actor: "actors", place: "places", weapon: "weapons" };
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

  // The site's root URL, from a link MkDocs wrote for this page (right under a sub-path and in the
  // offline build): the search box's bundle address, else the theme's base.
  function siteRoot() {
    var box = document.querySelector("[data-tadmur-search][data-bundle]");
    if (box) return new URL("..", new URL(box.getAttribute("data-bundle"), location.href));
    var config = document.getElementById("__config");
    if (!config) return null;
    try {
      var base = JSON.parse(config.textContent).base;
      return new URL(base.replace(/\/*$/, "/"), location.href);
    } catch (e) {
      return null;
    }
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function init() {
    var box = document.querySelector(".tadmur-timeline");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var items = Array.prototype.slice.call(box.querySelectorAll("li"));
    var options = { actor: {}, place: {}, weapon: {} };
    items.forEach(function (li) {
      li.querySelectorAll("a").forEach(function (a) {
        var m = a.getAttribute("href").match(/(actors|places|weapons)\/([a-z0-9-]+)(?:\/|\/index\.html|\.html)?$/);
        if (!m) return;
        var kind = { actors: "actor", places: "place", weapons: "weapon" }[m[1]];
        options[kind][m[2]] = a.textContent;
        li.dataset[kind] = (li.dataset[kind] || "") + " " + m[2] + " ";
      });
    });
    var online = location.protocol === "http:" || location.protocol === "https:";
    var root = online && box.hasAttribute("data-tadmur-all") ? siteRoot() : null;
    // Pages of the offline build (no directory URLs) end in .html; timeline pages are never index pages.
    var htmlLinks = /\.html$/.test(location.pathname) && !/\/index\.html$/.test(location.pathname);
    var names = null; // id -> {kind, name, n}, once data/filters.json is in
    var cache = {}; // "kind/id" -> promise of its groups
    var latest = 0; // only the answer to the latest choice is shown

    var bar = document.createElement("form");
    bar.className = "tadmur-filter";
    bar.setAttribute("aria-label", "Narrow the timeline");
    KINDS.forEach(function (kind) {
      var label = el("label", kind.charAt(0).toUpperCase() + kind.slice(1) + " ");
      var select = el("select");
      select.name = kind;
      label.appendChild(select);
      bar.appendChild(label);
      select.addEventListener("change", function () {
        remember();
        apply();
      });
    });
    var count = el("output");
    bar.appendChild(count);
    box.parentNode.insertBefore(bar, box);
    var results = el("div");
    results.className = "tadmur-timeline-all";
    results.hidden = true;
    box.parentNode.insertBefore(results, box.nextSibling);

    function fill(kind, list) {
      var select = bar.elements[kind];
      var keep = select.value || new URLSearchParams(location.search).get(kind) || "";
      while (select.firstChild) select.removeChild(select.firstChild);
      var any = el("option", "any");
      any.value = "";
      select.appendChild(any);
      list.forEach(function (o) {
        var opt = el("option", o[1]);
        opt.value = o[0];
        select.appendChild(opt);
      });
      if (list.some(function (o) { return o[0] === keep; })) select.value = keep;
    }

    function fillFromPage() {
      KINDS.forEach(function (kind) {
        var list = Object.keys(options[kind]).map(function (id) { return [id, options[kind][id]]; });
        list.sort(function (a, b) { return a[1].localeCompare(b[1]); });
        fill(kind, list);
      });
    }

    // The chosen names in the address, so a reload or a shared link shows the same list.
    function remember() {
      if (!window.history || !history.replaceState) return;
      var q = new URLSearchParams(window.location.search);
      KINDS.forEach(function (kind) {
        if (bar.elements[kind].value) q.set(kind, bar.elements[kind].value);
        else q.delete(kind);
      });
      var s = q.toString();
      history.replaceState(history.state, "", location.pathname + (s ? "?" + s : "") + location.hash);
    }

    function link(path) {
      var a = el("a");
      a.setAttribute("href", new URL(path + (htmlLinks ? ".html" : "/"), root).href);
      return a;
    }

    function loadEntity(kind, id) {
      var key = kind + "/" + id;
      if (!cache[key]) {
        var dir = new URL("data/timeline/" + kind + "/", root);
        cache[key] = getJSON(new URL(id + ".json", dir)).then(function (data) {
          if (!data.parts) return data.groups || [];
          var parts = data.parts.filter(function (p) { return SLUG.test(p); });
          return Promise.all(parts.map(function (p) {
            return getJSON(new URL(id + "/" + p + ".json", dir));
          })).then(function (all) {
            return [].concat.apply([], all.map(function (d) { return d.groups || []; }));
          });
        });
        cache[key].catch(function () { delete cache[key]; });
      }
      return cache[key];
    }

    function row(r) {
      // [event id, date, title, label, [entity ids], flags]
      var li = el("li");
      li.appendChild(el("strong", r[1]));
      li.appendChild(document.createTextNode(" — "));
      if (SLUG.test(r[0])) {
        var a = link("events/" + r[0]);
        a.textContent = r[2];
        li.appendChild(a);
      } else li.appendChild(document.createTextNode(r[2]));
      li.appendChild(document.createTextNode(" · " + r[3]));
      var named = (r[4] || []).filter(function (id) { return names[id] && SLUG.test(id); });
      named.forEach(function (id, i) {
        li.appendChild(document.createTextNode(i ? ", " : " · "));
        var a = link(DIRS[names[id].kind] + "/" + id);
        a.textContent = names[id].name;
        li.appendChild(a);
      });
      if (r[5] & 1) {
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(el("em", "dates disputed"));
      }
      if (r[5] & 2) {
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(el("em", "doubtful"));
      }
      return li;
    }

    function show(groups, others) {
      results.textContent = "";
      var shown = 0, year = null;
      groups.forEach(function (g) {
        var rows = g[2].filter(function (r) {
          return others.every(function (id) { return (r[4] || []).indexOf(id) >= 0; });
        });
        if (!rows.length) return;
        if (g[0] !== year) results.appendChild(el("h2", (year = g[0])));
        results.appendChild(el("h3", g[1]));
        var ul = el("ul");
        rows.forEach(function (r) { ul.appendChild(row(r)); });
        results.appendChild(ul);
        shown += rows.length;
      });
      if (!shown) results.appendChild(el("p", "No event names all of these."));
      box.hidden = true;
      results.hidden = false;
      count.textContent = shown + " event" + (shown === 1 ? "" : "s") + " on the whole timeline";
    }

    function apply() {
      var ticket = ++latest;
      var chosen = KINDS.map(function (k) { return bar.elements[k].value; }).filter(Boolean);
      filterPage();
      if (!names || !chosen.length || !chosen.every(function (id) { return names[id]; })) return;
      // The file of the name with the fewest events; the rows must name the others too.
      chosen.sort(function (a, b) { return names[a].n - names[b].n; });
      loadEntity(names[chosen[0]].kind, chosen[0]).then(function (groups) {
        if (ticket === latest) show(groups, chosen.slice(1));
      }, function () {
        /* no data: this page's own entries stay filtered */
      });
    }

    // The entries of this page only.
    function filterPage() {
      results.hidden = true;
      box.hidden = false;
      var shown = 0;
      items.forEach(function (li) {
        var ok = KINDS.every(function (kind) {
          var v = bar.elements[kind].value;
          return !v || (li.dataset[kind] || "").indexOf(" " + v + " ") >= 0;
        });
        li.hidden = !ok;
        if (ok) shown++;
      });
      // Hide month and year headings left without a visible event.
      box.querySelectorAll("h2, h3").forEach(function (h) {
        var node = h.nextElementSibling, any = false;
        while (node && !/^H[23]$/.test(node.tagName)) {
          if (node.querySelector && node.querySelector("li:not([hidden])")) any = true;
          node = node.nextElementSibling;
        }
        if (h.tagName === "H2") {
          node = h.nextElementSibling;
          while (node && node.tagName !== "H2") {
            if (node.querySelector && node.querySelector("li:not([hidden])")) any = true;
            node = node.nextElementSibling;
          }
        }
        h.hidden = !any;
      });
      var where = root ? " on this page" : "";
      count.textContent = items.length ? shown + " of " + items.length + " events" + where : "";
    }

    fillFromPage();
    bar.hidden = !items.length; // the timeline's index page has no entries of its own
    apply();
    if (!root) return;
    getJSON(new URL("data/filters.json", root)).then(function (data) {
      var byId = {};
      KINDS.forEach(function (kind) {
        var list = (data[kind] || []).filter(function (o) { return SLUG.test(o[0]); });
        list.forEach(function (o) { byId[o[0]] = { kind: kind, name: String(o[1]), n: o[2] }; });
        fill(kind, list.map(function (o) { return [o[0], o[1] + " (" + o[2] + ")"]; }));
      });
      names = byId;
      bar.hidden = false;
      apply();
    }, function () {
      /* no data: the menus keep this page's names */
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
