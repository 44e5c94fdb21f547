"""The index of each kind of entity: actors/index.md (then actors/pages/<n>.md), weapons/..., places/..."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..catalog import KIND_DIRS, KINDS
from ..mdtext import link, md_escape
from .common import KIND_TITLES, page_no, paged, rel
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    for kind in KINDS:
        first = f"{KIND_DIRS[kind]}/index.md"
        ents = sorted((e for e in ctx.kb.entities.values() if e.kind == kind), key=lambda e: e.name.lower())
        for src, pager, chunk in paged(first, f"{KIND_DIRS[kind]}/pages", ents, ctx.limits.index_rows):
            yield Page(src, "", partial(_page, ctx, kind, src, first, pager, chunk, ents))


def _page(ctx: BuildContext, kind: str, src: str, first: str, pager: list, chunk: list, ents: list) -> str:
    rows = []
    for e in chunk:
        ms = ctx.kb.by_entity.get(e.id, [])
        rows.append(
            {
                "link": link(e.name, rel(src, e.doc_path)),
                "type": md_escape(e.type),
                "aliases": md_escape(", ".join(e.aliases[:6])),
                "mentions": len(ms),
                "articles": len({m.article for m in ms}),
                "reviewed": e.reviewed,
            }
        )
    return ctx.render(
        "kind_index.md.j2",
        kind=kind,
        kind_title=KIND_TITLES[kind],
        title=KIND_TITLES[kind] + (f", page {page_no(pager)}" if src != first else ""),
        rows=rows,
        total=len(ents),
        unreviewed=any(not e.reviewed for e in ents),
        pager=pager,
        review_link=rel(src, "review.md"),
    )
