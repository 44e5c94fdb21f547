"""Stage 5, render: every page of the site, made by registered emitters, one module per kind of page.

Each module has `emit(ctx) -> Iterable[Page]`; `ctx` is the build's frozen BuildContext (context.py).
A new kind of page is one new module and one line in EMITTERS. Page structure and wording live in
templates/*.md.j2; all text from articles passes through `md_escape`, so it renders as inert text.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BuildError
from ..kb import KB
from ..reuse import Excerpt, Policy
from ..writer import KEEP
from . import (
    about,
    entity,
    event,
    filters,
    home,
    kind_index,
    map,
    redirects,
    review,
    source,
    sources_index,
    timeline,
    whatsnew,
)
from .context import BuildContext, Page, build_context

# In this order; a redirect comes last, as it gives way to any other page at its path.
EMITTERS = [
    home,
    review,
    sources_index,
    timeline,
    filters,
    about,
    map,
    whatsnew,
    kind_index,
    entity,
    source,
    event,
    redirects,
]

__all__ = ["EMITTERS", "BuildContext", "Page", "build_context", "collect", "render_site"]


def collect(ctx: BuildContext, emitters=None) -> dict[str, Page]:
    """Every page of the registered emitters, by path, none rendered yet."""
    pages: dict[str, Page] = {}
    for emitter in EMITTERS if emitters is None else emitters:
        for page in emitter.emit(ctx):
            if page.path in pages:
                if page.fallback:
                    continue
                if not pages[page.path].fallback:
                    # two outputs for one path: one would silently replace the other
                    raise BuildError(
                        page.origin or page.path,
                        None,
                        f"docs/{page.path} is already another page; choose another id",
                    )
            pages[page.path] = page
    return pages


def render_site(
    kb: KB,
    templates: Path,
    site: dict | None = None,
    events: list | None = None,
    geo: Path | None = None,
    hidden: list | None = None,
    redirects: list[tuple[str, str, str]] | None = None,
    candidates: list | None = None,
    excerpts: dict[str, Excerpt] | None = None,
    policy: Policy | None = None,
    stamps=None,
    compiled: Path | None = None,
) -> dict[str, bytes]:
    """Every generated Markdown page, keyed by its path under docs/.

    `hidden` are events an editor hid and `candidates` unconfirmed ones (each keeps a page, and only
    candidates are listed on the review page, nothing else links them); `redirects` are
    (old page, new page, why) for renamed and merged entities and merged events. With `stamps`
    (stamps.PageStamps), a page whose key and file are as the last build left them is not made: its
    value is writer.KEEP. `compiled`: where the templates are kept compiled between builds.

    Pages are held as UTF-8 bytes: a page with one curly quote would take 2 bytes a character as str,
    and a large site holds every page until it is written.
    """
    ctx = build_context(
        kb, templates, site, events, geo, hidden, redirects, candidates, excerpts, policy, compiled
    )
    out: dict[str, bytes] = {}
    for path, page in collect(ctx).items():
        if stamps is not None and page.key is not None and stamps.unchanged(path, page.key()):
            out[path] = KEEP
        else:
            out[path] = page.make().encode("utf-8")
    return out
