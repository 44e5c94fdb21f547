"""The home page (index.md): counts, the most-named entities of each kind, the span of the articles."""

from __future__ import annotations

from collections.abc import Iterable

from ..catalog import KIND_DIRS, KINDS
from .common import KIND_TITLES, fmt_date
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    yield Page("index.md", "", lambda: home(ctx))


def home(ctx: BuildContext) -> str:
    kb = ctx.kb
    top = {}
    for kind in KINDS:
        ents = [e for e in kb.entities.values() if e.kind == kind and e.reviewed]
        ents.sort(key=lambda e: (-len(kb.by_entity.get(e.id, [])), e.name))
        top[kind] = [ctx.entity_link("index.md", e.id) for e in ents[:8]]
    dates = sorted(a.published for a in kb.articles)
    return ctx.render(
        "home.md.j2",
        counts={k: sum(1 for e in kb.entities.values() if e.kind == k) for k in KINDS},
        n_articles=len(kb.articles),
        n_mentions=len(kb.mentions),
        first=fmt_date(dates[0]) if dates else "",
        last=fmt_date(dates[-1]) if dates else "",
        top=top,
        titles=KIND_TITLES,
        dirs=KIND_DIRS,
        unreviewed=sum(1 for e in kb.entities.values() if not e.reviewed),
        site=ctx.site,
        n_events=ctx.n_events,
    )
