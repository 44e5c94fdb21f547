"""The about page (about.md): the subject, the sources' reuse terms and the data downloads."""

from __future__ import annotations

from collections.abc import Iterable

from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    yield Page(
        "about.md",
        "",
        lambda: ctx.render("about.md.j2", site=ctx.site, share=round(ctx.policy.max_share * 100)),
    )
