"""docs/feed.xml: the Atom feed of the What's new page."""

from __future__ import annotations

import html

from .changes import clean_text, counted
from .emit.common import fmt_date
from .emit.whatsnew import added_order_key, contributions

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50  # the newest-added articles, one entry each


def atom_feed(kb, events: list, site: dict) -> str:
    """docs/feed.xml: one Atom entry per article, newest added first, with the names and events it
    brought. Dates come from the articles (`added`, else `published`), never the clock; addresses are
    absolute, from mkdocs.yml's site_url. Every text goes through ElementTree, which escapes it."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", ATOM)
    base = site.get("url") or "https://example.invalid/"
    name = clean_text(site.get("name") or "Tadmur")
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
        sub(entry, a("title"), clean_text(art.title))
        sub(entry, a("updated"), stamp(art.added or art.published))
        sub(entry, a("published"), stamp(art.published))
        sub(entry, a("link"), rel="alternate", type="text/html", href=page)
        sub(sub(entry, a("author")), a("name"), clean_text(art.outlet))
        ents = sorted(c["new_entities"], key=lambda e: (kb.entities[e].kind, kb.entities[e].name.lower(), e))
        new_events = sorted(c["new_events"], key=lambda e: e.sort_key())
        more_events = sorted(c["more_events"], key=lambda e: e.sort_key())
        summary = (
            f"{clean_text(art.outlet)}, {fmt_date(art.published)}: "
            f"{counted(len(ents), 'new name', 'new names')}, "
            f"{counted(len(new_events), 'new event', 'new events')}, "
            f"more reports on {counted(len(more_events), 'event', 'events')}."
        )
        sub(entry, a("summary"), summary, type="text")
        # The content is HTML held as text: every piece of it is escaped here, and ElementTree escapes
        # the whole again as XML.
        parts = [f"<p>{html.escape(summary)}</p>"]
        for label, items in (
            ("New names", [(clean_text(kb.entities[e].name), base + kb.entities[e].url) for e in ents]),
            ("New events", [(clean_text(e.title), base + e.url) for e in new_events]),
            ("More reports on", [(clean_text(e.title), base + e.url) for e in more_events]),
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
