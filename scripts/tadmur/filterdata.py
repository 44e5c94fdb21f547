"""Small JSON files the timeline filter (docs/assets/timeline.js) fetches on demand.

A long timeline is split into pages per year and month, so a page alone cannot list every event of
one actor, place or weapon. These files let the reader's browser do it without loading the whole
timeline; each is written under docs/data/ with the pages, so MkDocs copies them as they are.

- data/filters.json: the menus. {"actor"|"place"|"weapon": [[id, name, number of events], ...]}, for
  each entity that has events on the timeline, sorted by name.
- data/timeline/<kind>/<id>.json: that entity's events, in timeline order:
  {"count": n, "groups": [[year, month, [row, ...]], ...]}, where year and month are the timeline's
  headings ("2016", "March 2016") and a row is [event id, date text, title, label, [entity ids named
  in the row], flags (1: dates disputed, 2: doubtful)]. The browser makes the links from the ids.
  Past `PART_BYTES` the file only lists its parts, {"count": n, "parts": [part, ...]}, and the groups
  go to data/timeline/<kind>/<id>/<part>.json ({"groups": [...]}), one part per year, or per month
  of a year that alone is too big (the slugs the timeline's own pages use: 2016, 2016-03, undated).

Everything is plain data (the browser inserts it as text); every path is made of checked slugs, so no
name from an article can choose where a file goes. Same input, same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from .catalog import KIND_DIRS
from .slug import SLUG_RE

FILTERS = "data/filters.json"
TIMELINE = "data/timeline"
PART_BYTES = 100_000  # an entity's file beyond this is split by year (then month)
DISPUTED, DOUBTFUL = 1, 2


class Row(NamedTuple):
    """One timeline entry, as the timeline page shows it."""

    event: str  # event id: the page is events/<id>/
    date: str  # date text as precise as the sources ("10–11 Dec 2016")
    title: str
    label: str  # the event type's label
    year: str  # the timeline's year heading ("2016", "Undated")
    month: str  # its month heading ("March 2016", "2016, month not given")
    part: str  # the month's slug ("2016-03", "2016-month-not-given", "undated")
    names: tuple[str, ...]  # ids of the entities the entry names, in the page's order
    flags: int = 0  # DISPUTED | DOUBTFUL


def dumps(data) -> str:
    """Compact, sorted, UTF-8 JSON: byte-identical on every rebuild."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _slug(value: str, what: str) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise ValueError(f"{what} {value!r} is not a slug; refusing to make a data file of it")
    return value


def entity_path(kind: str, eid: str, part: str | None = None) -> str:
    """Where an entity's timeline data goes, under docs/."""
    if kind not in KIND_DIRS:
        raise ValueError(f"unknown kind {kind!r}")
    base = f"{TIMELINE}/{kind}/{_slug(eid, 'entity id')}"
    return f"{base}/{_slug(part, 'part')}.json" if part is not None else f"{base}.json"


def _groups(rows: list[Row]) -> list[list]:
    out: list[list] = []
    for r in rows:
        if not out or (out[-1][0], out[-1][1]) != (r.year, r.month):
            out.append([r.year, r.month, []])
        out[-1][2].append([r.event, r.date, r.title, r.label, list(r.names), r.flags])
    return out


def _parts(rows: list[Row], limit: int) -> list[tuple[str, list[Row]]]:
    """Rows cut into parts of at most `limit` bytes where possible: by year, a year too big by month."""
    by_year: dict[str, list[Row]] = {}
    for r in rows:
        by_year.setdefault(r.year.lower(), []).append(r)
    out = []
    for year, yrows in by_year.items():
        if len(dumps({"groups": _groups(yrows)}).encode("utf-8")) <= limit:
            out.append((year, yrows))
            continue
        by_month: dict[str, list[Row]] = {}
        for r in yrows:
            by_month.setdefault(r.part, []).append(r)
        out.extend(by_month.items())
    return out


def data_files(
    entities: Iterable[tuple[str, str, str]], rows: Iterable[Row], limit: int = PART_BYTES
) -> dict[str, str]:
    """{path under docs/: JSON text} for the entities (kind, id, name) and timeline rows (in order)."""
    known: dict[str, tuple[str, str]] = {}
    for kind, eid, name in entities:
        entity_path(kind, eid)  # checks kind and id
        known[eid] = (kind, str(name))
    for_entity: dict[str, list[Row]] = {}
    for r in rows:
        _slug(r.event, "event id")
        names = tuple(dict.fromkeys(n for n in r.names if n in known))
        r = r._replace(names=names)
        _slug(r.part, "part")
        for eid in names:
            for_entity.setdefault(eid, []).append(r)
    menus: dict[str, list] = {kind: [] for kind in KIND_DIRS}
    files: dict[str, str] = {}
    for eid, erows in for_entity.items():
        kind, name = known[eid]
        menus[kind].append([eid, name, len(erows)])
        whole = dumps({"count": len(erows), "groups": _groups(erows)})
        if len(whole.encode("utf-8")) <= limit:
            files[entity_path(kind, eid)] = whole
            continue
        parts = _parts(erows, limit)
        files[entity_path(kind, eid)] = dumps({"count": len(erows), "parts": [p for p, _ in parts]})
        for part, prows in parts:
            files[entity_path(kind, eid, part)] = dumps({"groups": _groups(prows)})
    for kind in menus:
        menus[kind].sort(key=lambda m: (m[1].casefold(), m[0]))
    files[FILTERS] = dumps(menus)
    return files


def filter_files(
    entities: Mapping,
    events: list,
    entities_of: Callable[[object], list[str]],
    when: Callable[[object], tuple[str, str, str]],
    date_text: Callable[[object], str],
) -> dict[str, str]:
    """The data files for the published timeline (`events`, in timeline order); `entities` maps id ->
    Entity, and the callables are the timeline's own: who an event names, its headings, its date."""
    rows = []
    for ev in events:
        year, month, part = when(ev)
        rows.append(
            Row(
                event=ev.id,
                date=date_text(ev),
                title=ev.title,
                label=ev.label,
                year=year,
                month=month,
                part=part,
                names=tuple(entities_of(ev)),
                flags=(DISPUTED if ev.disputed else 0) | (DOUBTFUL if ev.doubtful else 0),
            )
        )
    ents = [(e.kind, e.id, e.name) for e in entities.values() if e.kind in KIND_DIRS]
    return data_files(ents, rows)
