"""Stage 5: render the knowledge base as Markdown pages.

The pages are made by the emitters of the `emit` package, one module per kind of page; this module is
the stage's entry point, `render_site(kb, templates_dir, ...)` -> {path under docs/: UTF-8 bytes}.
"""

from __future__ import annotations

from .emit import EMITTERS, BuildContext, Page, build_context, render_site
from .emit.common import (
    KIND_SINGULAR,
    KIND_TITLES,
    LIMITS,
    ROLE_LABELS,
    Limits,
    fmt_date,
    fmt_span,
    make_env,
    name_word,
    rel,
    render_template,
    search_names,
)

__all__ = [
    "EMITTERS",
    "KIND_SINGULAR",
    "KIND_TITLES",
    "LIMITS",
    "ROLE_LABELS",
    "BuildContext",
    "Limits",
    "Page",
    "build_context",
    "fmt_date",
    "fmt_span",
    "make_env",
    "name_word",
    "rel",
    "render_site",
    "render_template",
    "search_names",
]
