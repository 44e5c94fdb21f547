// Hand-written: narrow the timeline to one actor, place or weapon.
// Each timeline entry links to the names it involves; the menus are built from those links, so the
// filter needs no data beyond the page itself. ?actor=<id>, ?place=<id>, ?weapon=<id> preselect one.
(function () {
  function init() {
    var box = document.querySelector(".tadmur-timeline");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var items = Array.prototype.slice.call(box.querySelectorAll("li"));
    var kinds = { actor: "actors", place: "places", weapon: "weapons" };
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
    var bar = document.createElement("form");
    bar.className = "tadmur-filter";
    bar.setAttribute("aria-label", "Narrow the timeline");
    var params = new URLSearchParams(window.location.search);
    Object.keys(kinds).forEach(function (kind) {
      var label = document.createElement("label");
      label.textContent = kind.charAt(0).toUpperCase() + kind.slice(1) + " ";
      var select = document.createElement("select");
      select.name = kind;
      var any = document.createElement("option");
      any.value = "";
      any.textContent = "any";
      select.appendChild(any);
      Object.keys(options[kind]).sort(function (a, b) {
        return options[kind][a].localeCompare(options[kind][b]);
      }).forEach(function (id) {
        var o = document.createElement("option");
        o.value = id;
        o.textContent = options[kind][id];
        select.appendChild(o);
      });
      if (params.get(kind) && options[kind][params.get(kind)]) select.value = params.get(kind);
      select.addEventListener("change", apply);
      label.appendChild(select);
      bar.appendChild(label);
    });
    var count = document.createElement("output");
    bar.appendChild(count);
    box.parentNode.insertBefore(bar, box);
    function apply() {
      var shown = 0;
      items.forEach(function (li) {
        var ok = Object.keys(kinds).every(function (kind) {
          var v = bar.elements[kind].value;
          return !v || (li.dataset[kind] || "").indexOf(" " + v + " ") >= 0;
        });
        li.hidden = !ok;
        if (ok) shown++;
      });
      // Hide month and year headings left without a visible event.
      box.querySelectorAll("h2, h3").forEach(function (h) {
        var el = h.nextElementSibling, any = false;
        while (el && !/^H[23]$/.test(el.tagName)) {
          if (el.querySelector && el.querySelector("li:not([hidden])")) any = true;
          el = el.nextElementSibling;
        }
        if (h.tagName === "H2") {
          el = h.nextElementSibling;
          while (el && el.tagName !== "H2") {
            if (el.querySelector && el.querySelector("li:not([hidden])")) any = true;
            el = el.nextElementSibling;
          }
        }
        h.hidden = !any;
      });
      count.textContent = shown + " of " + items.length + " events";
    }
    apply();
  }
  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
