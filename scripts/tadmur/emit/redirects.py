"""Redirect pages: the old page of a renamed or merged entity, or of a merged event, sends the reader to
the page it now is."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..mdtext import link
from .common import front_title, rel
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    if not ctx.redirects:
        return  # (the titles below are every entity's and every event's: 0.2 s at 1,000 articles)
    # The pages a redirect may lead to, by the title their front matter gives them.
    titles = {e.doc_path: front_title(e.name) for e in ctx.kb.entities.values()}
    titles |= {e.doc_path: front_title(e.title) for e in ctx.every_event}
    for old, new, why in ctx.redirects:
        if new in titles and old not in titles:
            title = titles[new]
            # A redirect to a page that itself moved names it as that page does.
            titles[old] = front_title(f"Moved: {title}")
            yield Page(old, "", partial(_page, ctx, old, new, why, title), fallback=True)


def _page(ctx: BuildContext, old: str, new: str, why: str, title: str) -> str:
    return ctx.render("redirect.md.j2", title=title, link=link(title, rel(old, new)), why=why)
