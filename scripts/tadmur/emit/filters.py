"""The timeline filter's data files: data/filters.json (the menus) and data/timeline/<kind>/<id>.json
(a name's events), fetched by docs/assets/timeline.js only when a reader picks a name (filterdata.py)."""

from __future__ import annotations

from collections.abc import Iterable

from ..filterdata import filter_files
from .common import entities_of, event_date
from .context import BuildContext, Page
from .timeline import _when


def emit(ctx: BuildContext) -> Iterable[Page]:
    files = filter_files(ctx.kb.entities, ctx.events, entities_of, _when, event_date)
    for path in sorted(files):
        yield Page(path, "timeline filter", lambda text=files[path]: text)
