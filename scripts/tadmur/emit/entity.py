"""Entity pages (actors/<id>.md, weapons/..., places/...) and the numbered pages of their long lists:
<id>/mentions-<n>.md (quotes from further articles) and <id>/events-<n>.md (further events)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial

from ..catalog import KIND_DIRS, Entity
from ..events import control_history
from ..kb import Mention
from ..mdtext import link, md_escape
from ..reuse import Quota
from .common import KIND_SINGULAR, ROLE_LABELS, entities_of, event_link, event_row, fmt_date, fmt_span, rel
from .context import BuildContext, Page

# An entity's mentions by article, made when a page first needs them (see _ByArticle).
Grouped = Callable[[], dict[str, list[Mention]]]


def emit(ctx: BuildContext) -> Iterable[Page]:
    grouped = _ByArticle()
    for ent in ctx.kb.entities.values():
        yield from _pages(ctx, ent, grouped)


class _ByArticle:
    """An entity's mentions grouped by article, for its pages to share. Each page looking through all
    of the entity's mentions was quadratic (some entities have tens of thousands, on hundreds of
    pages). Only the last entity's grouping is kept: its pages are made one after another, and holding
    every entity's at once would cost memory on a large site."""

    def __init__(self) -> None:
        self._of: str | None = None
        self._groups: dict[str, list[Mention]] = {}

    def __call__(self, eid: str, ms: list[Mention]) -> dict[str, list[Mention]]:
        if eid != self._of:
            groups: dict[str, list[Mention]] = {}
            for m in ms:
                groups.setdefault(m.article, []).append(m)
            self._of, self._groups = eid, groups
        return self._groups


def sub_page(ent: Entity, what: str, n: int) -> str:
    """Where page n of an entity's long list lives: actors/<id>/mentions-2.md."""
    return f"{ent.doc_path.removesuffix('.md')}/{what}-{n}.md"


def _pages(ctx: BuildContext, ent: Entity, grouped: _ByArticle) -> Iterable[Page]:
    """The entity page first, then its numbered pages; which pages there are is known before any is made."""
    kb, lim = ctx.kb, ctx.limits
    ms = kb.by_entity.get(ent.id, [])
    arts = sorted({m.article for m in ms}, key=lambda a: (kb.article(a).published, a))
    by_art = partial(grouped, ent.id, ms)
    per = lim.mention_articles
    chunks = [arts[i : i + per] for i in range(0, len(arts), per)]
    # [(n, path)] of every mentions page, the entity page as 1; [] when one page holds them all.
    mentions = [(1, ent.doc_path)] + [(n, sub_page(ent, "mentions", n)) for n in range(2, len(chunks) + 1)]
    mentions = mentions if len(chunks) > 1 else []
    evs = ctx.events_by_entity.get(ent.id, [])
    rest = evs[lim.list_limit :]
    ev_chunks = [rest[i : i + lim.event_rows] for i in range(0, len(rest), lim.event_rows)]
    events = [(1, ent.doc_path)] + [(n, sub_page(ent, "events", n)) for n in range(2, len(ev_chunks) + 2)]

    yield Page(
        ent.doc_path,
        ent.origin,
        partial(entity_page, ctx, ent, ms, by_art, arts, chunks, mentions, events),
        partial(_entity_key, ctx, ent, ms, arts, chunks, mentions, events),
    )
    k = ctx.keys
    for (n, path), chunk in zip(mentions[1:], chunks[1:], strict=True):
        yield Page(
            path,
            ent.origin,
            partial(_mentions_page, ctx, ent, n, path, mentions, chunk, by_art),
            lambda n=n, chunk=chunk: k.key(
                "mentions", k.entity(ent.id), n, mentions, [(k.article(a), k.mentions(a)) for a in chunk]
            ),
        )
    for (n, path), chunk in zip(events[1:], ev_chunks, strict=True):
        yield Page(
            path,
            ent.origin,
            partial(_events_page, ctx, ent, n, path, events, chunk),
            lambda n=n, chunk=chunk: k.key(
                "events", k.entity(ent.id), n, events, [k.event(e) for e in chunk]
            ),
        )


def _entity_key(
    ctx: BuildContext,
    ent: Entity,
    ms: list[Mention],
    arts: list[str],
    chunks: list[list[str]],
    mentions: list[tuple[int, str]],
    events: list[tuple[int, str]],
) -> str:
    """Everything entity_page reads (keys.py): a new article naming the entity, a new event of it, a
    neighbour renamed or a figure's data changed makes the page again; anything else leaves it."""
    kb, lim, k = ctx.kb, ctx.limits, ctx.keys
    eid = ent.id
    evs = ctx.events_by_entity.get(eid, [])
    at_place = ctx.events_at_place.get(eid, []) if ent.kind == "place" else []
    incoming = kb.incoming.get(f"entity:{eid}", [])
    linked = {t for t, _ in ent.affiliation} | {ent.within}
    linked |= {o.id for o, _ in ctx.affiliated.get(eid, [])} | {c.id for c in ctx.within.get(eid, [])}
    linked |= {o for o, _ in kb.cooccur.get(eid, [])}
    linked |= {x.partition(":")[2] for x in incoming[: lim.list_limit] if x.startswith("entity:")}
    for e in evs[: lim.list_limit] + at_place:
        linked.update(entities_of(e))
    published = [a.id for a in ctx.published.get(eid, [])]
    quoted = chunks[0] if chunks else []
    return k.key(
        "entity",
        k.entity(eid),
        len(ms),
        [(a, k.mentions(a)) for a in arts],
        [k.article(a) for a in quoted],
        mentions,
        events,
        sorted((x, k.entity(x)) for x in linked if x),
        [(o.id, r) for o, r in ctx.affiliated.get(eid, [])],
        sorted(c.id for c in ctx.within.get(eid, [])),
        [(a, k.article(a)) for a in published[-lim.list_limit :]],
        len(published),
        kb.cooccur.get(eid, []),
        [(x, k.article(x[7:]) if x.startswith("source:") else b"") for x in incoming[: lim.list_limit]],
        len(incoming),
        [k.event(e) for e in evs[: lim.list_limit]],
        len(evs),
        [k.event(e) for e in at_place],
        repr(_figure_parts(ctx, ent)),  # it holds dates, which marshal cannot write (keys.py)
        ctx.search_names.get(eid, ""),
        str(_changed(ctx, eid, arts)),
    )


def _mentions_page(
    ctx: BuildContext, ent: Entity, n: int, path: str, pages: list, arts: list, by_art: Grouped
) -> str:
    groups = _mention_groups(ctx, path, arts, by_art())
    return _list_page(ctx, ent, "mentions", n, path, pages, groups=groups, rows=[])


def _events_page(
    ctx: BuildContext, ent: Entity, n: int, path: str, pages: list, evs: list
) -> str:
    rows = [event_row(path, e) for e in evs]
    return _list_page(ctx, ent, "events", n, path, pages, groups=[], rows=rows)


def _list_page(
    ctx: BuildContext, ent: Entity, what: str, n: int, path: str, pages: list, groups, rows
) -> str:
    """Page n of an entity's mentions or events (entity_mentions.md.j2 makes both). The totals are on
    the entity page only, so that a new article does not make every numbered page again."""
    return ctx.render(
        "entity_mentions.md.j2",
        e=ent,
        what=what,
        n=n,
        pages=[(k, rel(path, p), k == n) for k, p in pages],
        entity_link=rel(path, ent.doc_path),
        groups=groups,
        rows=rows,
    )


def entity_page(
    ctx: BuildContext,
    ent: Entity,
    ms: list[Mention],
    by_art: Grouped,
    arts: list[str],
    chunks: list[list[str]],
    mentions: list[tuple[int, str]],
    events: list[tuple[int, str]],
) -> str:
    src = ent.doc_path
    kb, lim = ctx.kb, ctx.limits
    groups = _mention_groups(ctx, src, chunks[0] if chunks else [], by_art())
    affiliation = [f"{md_escape(r)} {ctx.entity_link(src, t)}" for t, r in ent.affiliation]
    incoming_aff = [
        f"{ctx.entity_link(src, other.id)} ({md_escape(r)})" for other, r in ctx.affiliated.get(ent.id, [])
    ]
    contains = sorted(ctx.within.get(ent.id, []), key=lambda e: e.name)
    published = [
        {"link": link(a.title, rel(src, ctx.source_path[a.id])), "date": fmt_date(a.published)}
        for a in ctx.published.get(ent.id, [])
    ]
    incoming = kb.incoming.get(f"entity:{ent.id}", [])
    return ctx.render(
        "entity.md.j2",
        e=ent,
        kind=KIND_SINGULAR[ent.kind],
        index_link=rel(src, f"{KIND_DIRS[ent.kind]}/index.md"),
        review_link=rel(src, "review.md"),
        aliases=[md_escape(a) for a in ent.aliases],
        affiliation=affiliation,
        incoming_affiliation=incoming_aff,
        within=ctx.entity_link(src, ent.within) if ent.within else "",
        contains=[ctx.entity_link(src, c.id) for c in contains],
        published=published[-lim.list_limit :],
        published_more=max(0, len(published) - lim.list_limit),
        sources_link=rel(src, "sources/index.md"),
        mention_count=len(ms),
        # Entity pages outrank source pages, and much-mentioned names outrank rare ones that merely
        # share a word with the query ("Daesh" -> Islamic State before "anti-Daesh coalition").
        search_boost=round(2 + math.log10(1 + len(ms)), 2),
        article_count=len(arts),
        groups=groups,
        more_mentions=[(n, rel(src, path)) for n, path in mentions],
        cooccur=[
            {"link": ctx.entity_link(src, o), "kind": KIND_SINGULAR[kb.entities[o].kind], "n": n}
            for o, n in kb.cooccur.get(ent.id, [])
        ],
        incoming=[ctx.page_link(src, k) for k in incoming[: lim.list_limit]],
        incoming_more=max(0, len(incoming) - lim.list_limit),
        events_section=_events_section(ctx, ent, events),
        figure=_figure(ctx, ent),
        search_names=ctx.search_names.get(ent.id, ""),
        cite=ctx.cite(ent.name, ent.url, _changed(ctx, ent.id, arts)),
    )


def _figure(ctx: BuildContext, ent: Entity) -> str:
    parts = _figure_parts(ctx, ent)
    return ctx.figures.draw(parts) if parts is not None else ""


def _figure_parts(ctx: BuildContext, ent: Entity) -> tuple | None:
    if ent.kind == "place":
        return ctx.figures.place_parts(ent.id)
    if ent.kind == "actor":
        return ctx.figures.actor_parts(ent.id)
    return None


def _changed(ctx: BuildContext, eid: str, named: list[str]):
    """When an entity's facts last changed: the latest date (added, else published) among the articles
    that name it (`named`), publish it, or report its events."""
    arts = {*named, *(a.id for a in ctx.published.get(eid, [])), *ctx.entity_event_articles.get(eid, ())}
    return max(map(ctx.article_dates.__getitem__, arts), default=None)


def _mention_groups(
    ctx: BuildContext, src: str, arts: list[str], by_art: dict[str, list[Mention]]
) -> list[dict]:
    """The quoted sentences of these articles (`by_art`: each article's mentions of the entity), one
    group per article, linked from page src."""
    kb = ctx.kb
    groups = []
    quotas: dict[str, Quota] = {}  # one page's share of each excerpts article
    for art in arts:
        art_obj = kb.article(art)
        items = []
        seen = set()
        for m in by_art[art]:
            if (m.paragraph, m.sentence) in seen:
                continue
            seen.add((m.paragraph, m.sentence))
            para = ctx.para(art, m.paragraph)
            speaker = para.author if para.role in ("comment", "embed", "headline") else None
            items.append(
                {
                    "quote": ctx.quote(m, quotas),
                    "link": rel(src, ctx.source_path[art], f"p{m.paragraph}"),
                    "paragraph": m.paragraph,
                    "role": ROLE_LABELS.get(para.role, ""),
                    "speaker": md_escape(speaker) if speaker else "",
                }
            )
        groups.append(
            {
                "title": link(art_obj.title, rel(src, ctx.source_path[art])),
                "outlet": md_escape(art_obj.outlet),
                "date": fmt_date(art_obj.published),
                "items": items,
            }
        )
    return groups


def _events_section(ctx: BuildContext, ent: Entity, pages: list[tuple[int, str]]) -> str:
    """The entity page's events in date order, and for a place who held it when; "" with no events."""
    if ent.id not in ctx.events_by_entity:
        return ""
    src = ent.doc_path
    lim = ctx.limits
    evs = ctx.events_by_entity[ent.id]
    at_place = ctx.events_at_place.get(ent.id, [])
    history = control_history(at_place, ent.id) if ent.kind == "place" else []
    held = [
        {
            "date": fmt_span(h["earliest"], h["latest"], h["precision"]),
            "holder": ctx.entity_link(src, h["holder"]),
            "from": ctx.entity_link(src, h["from"]) if h["from"] else "",
            "event": event_link(src, ctx.event_by_id[h["event"]]),
            "disputed": h["disputed"],
        }
        for h in history[-lim.list_limit :]
    ]
    return ctx.render(
        "entity_events.md.j2",
        rows=[event_row(src, e) for e in evs[: lim.list_limit]],
        held=held,
        held_more=max(0, len(history) - lim.list_limit),
        timeline_link=rel(src, "timeline.md"),
        count=len(evs),
        more=[(n, rel(src, p)) for n, p in pages] if len(pages) > 1 else [],
    )
