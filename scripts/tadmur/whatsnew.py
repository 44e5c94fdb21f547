"""What's new: the build's change summary for the command line, and the What's new page.

`summarize_changes(old, new)` compares the previous build's knowledge.json with this one's, for the
contributor who just added or edited an article. `whats_new_page(renderer, event_renderer)` is the
site's "What's new" page: the articles newest-added first and what each brought to the site. The page
is computed from the inputs alone (never from the previous build), so rebuilding gives the same page.
"""

from __future__ import annotations

import html
from collections import Counter

from .catalog import KINDS
from .mdtext import link, md_escape
from .render import KIND_TITLES, fmt_date, rel

RECENT_ARTICLES = 20  # shown in full on the page
OLDER_ARTICLES = 30  # then one table row each; the rest are on the Sources page
PAGE_LIST_CAP = 15  # links per list on the page (per kind for names)
SUMMARY_LIST_CAP = 10  # names per line on the command line


# ---- the command line summary ---------------------------------------------------------------------------


def summarize_changes(old: dict | None, new: dict) -> list[str]:
    """Lines describing what changed between two knowledge.json exports.

    Nothing on a first build (old is None: there is nothing to compare with; the build report already
    gives the totals) and nothing when nothing changed.
    """
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    lines: list[str] = []
    old_arts, new_arts = _by_id(old.get("articles")), _by_id(new.get("articles"))
    for aid in sorted(new_arts.keys() - old_arts.keys()):
        lines.append(f"new article: {_clean(new_arts[aid].get('title'))} ({_clean(aid)})")
    for aid in sorted(old_arts.keys() & new_arts.keys()):
        o, n = old_arts[aid], new_arts[aid]
        # Only fields both exports have: a field added to the export is not a change to the article.
        if any(o[k] != n[k] for k in sorted(o.keys() & n.keys())):
            lines.append(f"changed article: {_clean(n.get('title'))} ({_clean(aid)})")
    for aid in sorted(old_arts.keys() - new_arts.keys()):
        lines.append(f"removed article: {_clean(old_arts[aid].get('title'))} ({_clean(aid)})")

    old_ents, new_ents = _by_id(old.get("entities")), _by_id(new.get("entities"))
    lines += _plus_minus(old_ents, new_ents, "name", "entity", "entities")
    old_evs, new_evs = _by_id(old.get("events")), _by_id(new.get("events"))
    lines += _plus_minus(old_evs, new_evs, "title", "event", "events")
    grown = [
        eid
        for eid in sorted(old_evs.keys() & new_evs.keys())
        if len(_list(new_evs[eid].get("sources"))) > len(_list(old_evs[eid].get("sources")))
    ]
    if grown:
        names = sorted((_clean(new_evs[eid].get("title")) for eid in grown), key=str.lower)
        lines.append(f"more reports on {_count(len(grown), 'event', 'events')}: {_capped(names)}")

    n_old, n_new = len(_list(old.get("mentions"))), len(_list(new.get("mentions")))
    if n_old != n_new:
        lines.append(f"mentions: {n_old} -> {n_new} ({n_new - n_old:+d})")
    return lines


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _by_id(items) -> dict[str, dict]:
    """Records by id; anything malformed (a hand-edited or older export) is skipped, never fatal."""
    return {x["id"]: x for x in _list(items) if isinstance(x, dict) and isinstance(x.get("id"), str)}


def _clean(value) -> str:
    """Article-derived text made safe for a terminal: no control or format characters."""
    text = "".join(c if c.isprintable() else " " for c in str(value))
    return " ".join(text.split())


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _capped(names: list[str], cap: int = SUMMARY_LIST_CAP) -> str:
    shown = ", ".join(names[:cap])
    return f"{shown} and {len(names) - cap} more" if len(names) > cap else shown


def _plus_minus(old: dict, new: dict, label: str, singular: str, plural: str) -> list[str]:
    out = []
    for sign, ids, records in (("+", new.keys() - old.keys(), new), ("-", old.keys() - new.keys(), old)):
        if ids:
            names = sorted((_clean(records[i].get(label, i)) for i in ids), key=lambda s: (s.lower(), s))
            out.append(f"{sign}{_count(len(ids), singular, plural)}: {_capped(names)}")
    return out


# ---- the What's new page -------------------------------------------------------------------------------


def added_order_key(article) -> tuple:
    """The order articles joined the corpus: `added`, else the publication date; then the id."""
    return (article.added or article.published, article.published, article.id)


def contributions(kb, events: list) -> dict[str, dict]:
    """What each article brought, in added order: the entities it was the first to name (its outlet
    counts, as its page exists because of the article), the events whose earliest-added report is
    its own, and the other events it reports on."""
    order = sorted(kb.articles, key=added_order_key)
    rank = {a.id: i for i, a in enumerate(order)}
    seen: set[str] = set()
    out: dict[str, dict] = {}
    for a in order:
        ents = {m.entity for m in kb.by_article.get(a.id, [])}
        if kb.outlets.get(a.id):
            ents.add(kb.outlets[a.id])
        ents &= kb.entities.keys()
        out[a.id] = {"entities": ents, "new_entities": ents - seen, "new_events": [], "more_events": []}
        seen |= ents
    for ev in events:
        arts = {r.article for r in ev.reports if r.article in rank}
        if not arts:
            continue
        first = min(arts, key=rank.__getitem__)
        for aid in arts:
            out[aid]["new_events" if aid == first else "more_events"].append(ev)
    return out


def whats_new_page(r, ev) -> str:
    """The What's new page (docs/whats-new.md), from the Renderer and the EventRenderer."""
    src = "whats-new.md"
    kb = r.kb
    newest = sorted(kb.articles, key=added_order_key, reverse=True)
    per = contributions(kb, ev.events)

    def capped(links: list[str], total: int) -> dict:
        return {"links": links, "more": total - len(links)}

    recent = []
    for a in newest[:RECENT_ARTICLES]:
        c = per[a.id]
        ms = kb.by_article.get(a.id, [])
        counts = Counter(m.entity for m in ms)
        names = []
        for kind in KINDS:
            ids = sorted(
                (e for e in c["new_entities"] if kb.entities[e].kind == kind),
                key=lambda e: (-counts[e], kb.entities[e].name.lower(), e),
            )
            if ids:
                links = [
                    r.entity_link(src, e) + ("" if kb.entities[e].reviewed else " (unreviewed)")
                    for e in ids[:PAGE_LIST_CAP]
                ]
                names.append({"kind": KIND_TITLES[kind], **capped(links, len(ids))})
        new_events = sorted(c["new_events"], key=lambda e: e.sort_key())
        more_events = sorted(c["more_events"], key=lambda e: e.sort_key())
        recent.append(
            {
                "link": link(a.title, rel(src, r.source_path[a.id])),
                "outlet": md_escape(a.outlet),
                "published": fmt_date(a.published),
                "added": fmt_date(a.added) if a.added else "",
                "mentions": len(ms),
                "entity_pages": len(c["entities"]),
                "event_pages": len(new_events) + len(more_events),
                "names": names,
                "new_events": capped(
                    [ev.event_link(src, e) for e in new_events[:PAGE_LIST_CAP]], len(new_events)
                ),
                "more_events": capped(
                    [ev.event_link(src, e) for e in more_events[:PAGE_LIST_CAP]], len(more_events)
                ),
            }
        )
    older = [
        {
            "link": link(a.title, rel(src, r.source_path[a.id])),
            "date": fmt_date(a.added or a.published),
            "names": len(per[a.id]["new_entities"]),
            "events": len(per[a.id]["new_events"]),
            "mentions": len(kb.by_article.get(a.id, [])),
        }
        for a in newest[RECENT_ARTICLES : RECENT_ARTICLES + OLDER_ARTICLES]
    ]
    return r.render(
        "whats_new.md.j2",
        recent=recent,
        older=older,
        rest=max(0, len(newest) - RECENT_ARTICLES - OLDER_ARTICLES),
        total=len(newest),
        sources_link=rel(src, "sources/index.md"),
        review_link=rel(src, "review.md"),
    )


# ---- the Atom feed of the What's new page -----------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50  # the newest-added articles, one entry each


def atom_feed(kb, events: list, site: dict) -> str:
    """docs/feed.xml: one Atom entry per article, newest added first, with the names and events it
    brought. Dates come from the articles (`added`, else `published`), never the clock; addresses are
    absolute, from mkdocs.yml's site_url. Every text goes through ElementTree, which escapes it."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", ATOM)
    base = site.get("url") or "https://example.invalid/"
    name = _clean(site.get("name") or "Tadmur")
    per = contributions(kb, events)
    newest = sorted(kb.articles, key=added_order_key, reverse=True)[:FEED_ENTRIES]

    def a(tag: str) -> str:
        return f"{{{ATOM}}}{tag}"

    def stamp(d) -> str:
        return f"{d.isoformat()}T00:00:00Z"

    def sub(parent, tag: str, text: str | None = None, **attrs):
        el = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(a("feed"))
    sub(feed, a("id"), base + "whats-new/")
    sub(feed, a("title"), f"{name}: what's new")
    sub(feed, a("subtitle"), "Articles added to the site, with the names and events each one brought.")
    updated = max((x.added or x.published for x in kb.articles), default=None)
    sub(feed, a("updated"), stamp(updated) if updated else "1970-01-01T00:00:00Z")
    sub(feed, a("link"), rel="self", type="application/atom+xml", href=base + "feed.xml")
    sub(feed, a("link"), rel="alternate", type="text/html", href=base + "whats-new/")
    sub(sub(feed, a("author")), a("name"), name)
    sub(feed, a("generator"), "tadmur")
    for art in newest:
        c = per[art.id]
        page = f"{base}sources/{art.id}/"
        entry = sub(feed, a("entry"))
        sub(entry, a("id"), page)
        sub(entry, a("title"), _clean(art.title))
        sub(entry, a("updated"), stamp(art.added or art.published))
        sub(entry, a("published"), stamp(art.published))
        sub(entry, a("link"), rel="alternate", type="text/html", href=page)
        sub(sub(entry, a("author")), a("name"), _clean(art.outlet))
        ents = sorted(c["new_entities"], key=lambda e: (kb.entities[e].kind, kb.entities[e].name.lower(), e))
        new_events = sorted(c["new_events"], key=lambda e: e.sort_key())
        more_events = sorted(c["more_events"], key=lambda e: e.sort_key())
        summary = (
            f"{_clean(art.outlet)}, {fmt_date(art.published)}: {_count(len(ents), 'new name', 'new names')}, "
            f"{_count(len(new_events), 'new event', 'new events')}, "
            f"more reports on {_count(len(more_events), 'event', 'events')}."
        )
        sub(entry, a("summary"), summary, type="text")
        # The content is HTML held as text: every piece of it is escaped here, and ElementTree escapes
        # the whole again as XML.
        parts = [f"<p>{html.escape(summary)}</p>"]
        for label, items in (
            ("New names", [(_clean(kb.entities[e].name), base + kb.entities[e].url) for e in ents]),
            ("New events", [(_clean(e.title), base + e.url) for e in new_events]),
            ("More reports on", [(_clean(e.title), base + e.url) for e in more_events]),
        ):
            if items:
                links = "".join(
                    f'<li><a href="{html.escape(href, quote=True)}">{html.escape(text)}</a></li>'
                    for text, href in items
                )
                parts.append(f"<h3>{label}</h3><ul>{links}</ul>")
        sub(entry, a("content"), "".join(parts), type="html")
    ET.indent(feed, "  ")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
