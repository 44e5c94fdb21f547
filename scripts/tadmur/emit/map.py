"""The map page (map.md): every place with coordinates, on the region map and in a table."""

from __future__ import annotations

from collections.abc import Iterable

from ..mdtext import md_escape
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    yield Page("map.md", "", lambda: map_page(ctx))


def map_page(ctx: BuildContext) -> str:
    fig = ctx.figures
    rows = [
        {
            "link": ctx.entity_link("map.md", e.id),
            "type": md_escape(e.type),
            "events": fig.event_count[e.id],
            "mentions": len(ctx.kb.by_entity.get(e.id, [])),
        }
        for e in sorted(
            (e for e in ctx.kb.entities.values() if e.kind == "place" and e.coordinates),
            key=lambda e: (-fig.weight(e.id), e.name),
        )
    ]
    return ctx.render("map.md.j2", figure=fig.map_page_svg(), rows=rows)
