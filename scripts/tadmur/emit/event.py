"""Event pages (events/<id>.md): published, hidden and unconfirmed events each have one."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..mdtext import link, md_escape
from .common import ROLE_LABELS, event_date, event_link, fmt_date, fmt_span, rel
from .context import BuildContext, Page

CORRECTED_LABELS = {
    "date": "date",
    "type": "type",
    "place": "place",
    "participants": "participants",
    "weapons": "weapons",
}


def emit(ctx: BuildContext) -> Iterable[Page]:
    for e in ctx.every_event:
        yield Page(e.doc_path, e.id, partial(event_page, ctx, e), partial(_key, ctx, e))


def _key(ctx: BuildContext, ev) -> str:
    """Everything event_page reads (keys.py): the event with its reports, the entities and articles it
    names, and its neighbours on the timeline."""
    k = ctx.keys
    names = {ev.place, *ev.weapons, *(x for ids in ev.participants.values() for x in ids)}
    names |= {f.get("claimant") for f in ev.figures}
    arts = {rep.article for rep in ev.reports} | {f["article"] for f in ev.figures}
    arts |= {a for c in ev.claims for a, _ in c["sources"]}
    near = [ctx.event_by_id.get(x) for x in (ev.previous, ev.next) if x]
    return k.key(
        "event",
        k.event(ev),
        sorted((x, k.entity(x)) for x in names if x),
        sorted((a, k.article(a)) for a in arts),
        [(e.id, e.title) if e is not None else None for e in near],
    )


def _why_unconfirmed(ev) -> str:
    missing = [
        what
        for what, ok in (
            ("no date phrase", ev.earliest),
            ("no named actor", any(r.agent_named for r in ev.reports)),
            ("no place", ev.place),
            ("one outlet", len({r.outlet for r in ev.reports}) > 1),
        )
        if not ok
    ]
    return ", ".join(missing) or "weak wording"


def event_page(ctx: BuildContext, ev) -> str:
    src = ev.doc_path
    kb, lim = ctx.kb, ctx.limits
    roles = [(role, [ctx.entity_link(src, eid) for eid in names]) for role, names in ev.participants.items()]
    claims = [
        {
            "text": fmt_span(c["earliest"], c["latest"], c["precision"]),
            "sources": [ctx.source_ref(src, a, p) for a, p in c["sources"]],
        }
        for c in ev.claims
    ]
    figures = []
    for f in ev.figures:
        claimant = (
            ctx.entity_link(src, f["claimant"])
            if f.get("claimant")
            else md_escape(kb.article(f["article"]).outlet)
        )
        figures.append(
            {
                "kind": f["kind"],
                "text": md_escape(f["text"]),
                "claimant": claimant,
                "source": ctx.source_ref(src, f["article"], f["paragraph"]),
            }
        )
    reports = []
    for rep in ev.reports:
        role = ROLE_LABELS.get(rep.role, "")
        if rep.speaker and rep.role != "body":
            role = f"{role}: {rep.speaker}"
        reports.append(
            {
                "quote": ctx.report_quote(rep),
                "source": ctx.source_ref(src, rep.article, rep.paragraph),
                "role": md_escape(role) if role else "",
                "date": md_escape(rep.date.text) if rep.date else "",
                "anchor": fmt_date(rep.date.anchor) if rep.date else "",
                "doubtful": rep.doubtful,
            }
        )
    sources = sorted({(rep.published, rep.article) for rep in ev.reports})
    return ctx.render(
        "event.md.j2",
        ev=ev,
        date_text=event_date(ev),
        claims=claims,
        place=ctx.entity_link(src, ev.place) if ev.place else "",
        roles=roles,
        weapons=[ctx.entity_link(src, w) for w in ev.weapons],
        figures=figures,
        # A much-reported event lists its first reports and sources, and says how many more there are.
        reports=reports[: lim.list_limit],
        reports_more=max(0, len(reports) - lim.list_limit),
        sources=[
            link(kb.article(a).title, rel(src, ctx.source_path[a])) for _, a in sources[: lim.list_limit]
        ],
        sources_more=max(0, len(sources) - lim.list_limit),
        timeline_link=rel(src, "timeline.md"),
        corrected=[CORRECTED_LABELS[k] for k in ev.corrected if k in CORRECTED_LABELS],
        reason=md_escape(ev.reason) if ev.reason else "",
        why_unconfirmed=_why_unconfirmed(ev),
        review_link=rel(src, "review.md", "unconfirmed"),
        previous=event_link(src, ctx.event_by_id[ev.previous]) if ev.previous else "",
        next=event_link(src, ctx.event_by_id[ev.next]) if ev.next else "",
        cite=ctx.cite(
            ev.title, ev.url, max((ctx.article_date(rep.article) for rep in ev.reports), default=None)
        ),
    )
