"""The What's new page (whats-new.md): the articles newest-added first and what each brought to the
site. It is computed from the inputs alone (never from the previous build), so rebuilding gives the
same page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..catalog import KINDS
from ..mdtext import link, md_escape
from .common import KIND_TITLES, event_link, fmt_date, rel
from .context import BuildContext, Page

RECENT_ARTICLES = 20  # shown in full on the page
OLDER_ARTICLES = 30  # then one table row each; the rest are on the Sources page
PAGE_LIST_CAP = 15  # links per list on the page (per kind for names)


def emit(ctx: BuildContext) -> Iterable[Page]:
    yield Page("whats-new.md", "", lambda: whats_new_page(ctx))


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


def whats_new_page(ctx: BuildContext) -> str:
    src = "whats-new.md"
    kb = ctx.kb
    newest = sorted(kb.articles, key=added_order_key, reverse=True)
    per = contributions(kb, ctx.events)

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
                    ctx.entity_link(src, e) + ("" if kb.entities[e].reviewed else " (unreviewed)")
                    for e in ids[:PAGE_LIST_CAP]
                ]
                names.append({"kind": KIND_TITLES[kind], **capped(links, len(ids))})
        new_events = sorted(c["new_events"], key=lambda e: e.sort_key())
        more_events = sorted(c["more_events"], key=lambda e: e.sort_key())
        recent.append(
            {
                "link": link(a.title, rel(src, ctx.source_path[a.id])),
                "outlet": md_escape(a.outlet),
                "published": fmt_date(a.published),
                "added": fmt_date(a.added) if a.added else "",
                "mentions": len(ms),
                "entity_pages": len(c["entities"]),
                "event_pages": len(new_events) + len(more_events),
                "names": names,
                "new_events": capped(
                    [event_link(src, e) for e in new_events[:PAGE_LIST_CAP]], len(new_events)
                ),
                "more_events": capped(
                    [event_link(src, e) for e in more_events[:PAGE_LIST_CAP]], len(more_events)
                ),
            }
        )
    older = [
        {
            "link": link(a.title, rel(src, ctx.source_path[a.id])),
            "date": fmt_date(a.added or a.published),
            "names": len(per[a.id]["new_entities"]),
            "events": len(per[a.id]["new_events"]),
            "mentions": len(kb.by_article.get(a.id, [])),
        }
        for a in newest[RECENT_ARTICLES : RECENT_ARTICLES + OLDER_ARTICLES]
    ]
    return ctx.render(
        "whats_new.md.j2",
        recent=recent,
        older=older,
        rest=max(0, len(newest) - RECENT_ARTICLES - OLDER_ARTICLES),
        total=len(newest),
        sources_link=rel(src, "sources/index.md"),
        review_link=rel(src, "review.md"),
    )
