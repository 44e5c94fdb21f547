"""The list of sources: sources/index.md, then sources/pages/<n>.md, oldest first."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..mdtext import link, md_escape
from .common import fmt_date, page_no, paged, rel
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    arts = sorted(ctx.kb.articles, key=lambda a: (a.published, a.id))
    for src, pager, chunk in paged("sources/index.md", "sources/pages", arts, ctx.limits.index_rows):
        yield Page(src, "", partial(_page, ctx, src, pager, chunk, len(arts)))


def _page(ctx: BuildContext, src: str, pager: list, chunk: list, total: int) -> str:
    rows = [
        {
            "link": link(a.title, rel(src, ctx.source_path[a.id])),
            "outlet": md_escape(a.outlet),
            "date": fmt_date(a.published),
            "certainty": a.published_certainty,
            "mentions": len(ctx.kb.by_article.get(a.id, [])),
        }
        for a in chunk
    ]
    n = page_no(pager)
    title = "Sources" + (f", page {n}" if n > 1 else "")
    return ctx.render("sources_index.md.j2", rows=rows, total=total, pager=pager, title=title)
