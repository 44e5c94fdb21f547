"""CSV exports next to knowledge.json: events.csv (columns modelled on ACLED's), mentions.csv, entities.csv.

Made from the JSON export itself, so the tables say exactly what knowledge.json says (including what
an excerpts outlet's quotes leave out). Rows are in a fixed order and cells that a spreadsheet would
read as a formula (starting with = + - @, a tab or a carriage return) get a leading apostrophe: article
text is untrusted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEP = ";"

EVENT_COLUMNS = [
    "event_id",
    "event_date_start",
    "event_date_end",
    "time_precision",
    "disputed_date",
    "event_type",
    "category",
    "actor1",
    "actor1_id",
    "actor2",
    "actor2_id",
    "also_acting",
    "supporters",
    "holder_after",
    "place",
    "place_id",
    "latitude",
    "longitude",
    "weapons",
    "figures",
    "sources",
    "source_count",
    "confidence",
    "doubtful",
    "url",
]
MENTION_COLUMNS = [
    "entity_id",
    "entity_name",
    "article_id",
    "paragraph",
    "sentence",
    "start",
    "end",
    "surface",
    "role",
    "quote",
    "source_url",
]
ENTITY_COLUMNS = [
    "id",
    "kind",
    "type",
    "name",
    "aliases",
    "description",
    "affiliation",
    "within",
    "latitude",
    "longitude",
    "wikidata",
    "reviewed",
    "mention_count",
    "article_count",
    "url",
]


def safe(value) -> str:
    """A cell as text; None is empty; a would-be formula is made literal with a leading apostrophe."""
    if type(value) is str:  # most cells: tested first, as a large export has millions
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):  # numbers (a negative longitude) are data, never formulas
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Csv:
    """A CSV table in UTF-8, encoded as it is written (a large table as one str would take two bytes a
    character): `row(dict)` per row, then `value()`."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        self.out = io.BytesIO()
        self.text = io.TextIOWrapper(self.out, encoding="utf-8", newline="")
        self.writer = csv.writer(self.text, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.writer.writerow(columns)

    def row(self, r: dict) -> None:
        self.writer.writerow([safe(r.get(c)) for c in self.columns])

    def value(self) -> bytes:
        self.text.flush()
        self.text.detach()  # leaves `out` open
        return self.out.getvalue()


def _table(columns: list[str], rows: Iterable[dict]) -> bytes:
    table = _Csv(columns)
    for r in rows:
        table.row(r)
    return table.value()


def _joined(values) -> str:
    return SEP.join(str(v) for v in values)


def export_csv(data: dict, site_url: str) -> dict[str, bytes]:
    """{path under docs/: CSV in UTF-8} for events.csv and entities.csv, from the knowledge.json dict
    (mentions.csv is made as knowledge.json is written: MentionsTable)."""
    ents = {e["id"]: e for e in data["entities"]}

    def name(eid: str | None) -> str:
        return ents[eid]["name"] if eid in ents else (eid or "")

    def names(ids) -> str:
        return _joined(name(i) for i in ids)

    events = []
    for e in sorted(
        data["events"], key=lambda e: ((e["date"]["start"] or e["date"]["end"] or "9999"), e["id"])
    ):
        by_role: dict[str, list[str]] = {}
        for p in e["participants"]:
            by_role.setdefault(p["role"], []).append(p["entity"])
        actor2 = by_role.get("taken from", []) + by_role.get("target", [])
        place = ents.get(e["place"]) if e["place"] else None
        coords = place["coordinates"] if place and place["coordinates"] else [None, None]
        events.append(
            {
                "event_id": e["id"],
                "event_date_start": e["date"]["start"],
                "event_date_end": e["date"]["end"],
                "time_precision": e["date"]["precision"],
                "disputed_date": e["date"]["disputed"],
                "event_type": e["label"],
                "category": e["category"],
                "actor1": names(by_role.get("agent", [])),
                "actor1_id": _joined(by_role.get("agent", [])),
                "actor2": names(actor2),
                "actor2_id": _joined(actor2),
                "also_acting": names(by_role.get("also acting", [])),
                "supporters": names(by_role.get("supporting", [])),
                "holder_after": name(e["holder_after"]) if e["holder_after"] else "",
                "place": name(e["place"]) if e["place"] else "",
                "place_id": e["place"],
                "latitude": coords[0],
                "longitude": coords[1],
                "weapons": names(e["weapons"]),
                "figures": _joined(
                    f"{f['text']} ({f['kind']}, {name(f['claimant']) if f['claimant'] else 'outlet'})"
                    for f in e["figures"]
                ),
                "sources": _joined(sorted({f"{s['article']}#p{s['paragraph']}" for s in e["sources"]})),
                "source_count": len({s["article"] for s in e["sources"]}),
                "confidence": e["confidence"],
                "doubtful": e["doubtful"],
                "url": site_url + e["page_url"],
            }
        )
    entities = [
        {
            **{
                k: e[k]
                for k in ("id", "kind", "type", "name", "description", "within", "wikidata", "reviewed")
            },
            "aliases": _joined(e["aliases"]),
            "affiliation": _joined(f"{a['relation']} {a['id']}" for a in e["affiliation"]),
            "latitude": e["coordinates"][0] if e["coordinates"] else None,
            "longitude": e["coordinates"][1] if e["coordinates"] else None,
            "mention_count": e["mention_count"],
            "article_count": e["article_count"],
            "url": site_url + e["page_url"],
        }
        for e in sorted(data["entities"], key=lambda e: e["id"])
    ]
    return {
        "data/events.csv": _table(EVENT_COLUMNS, events),
        "data/entities.csv": _table(ENTITY_COLUMNS, entities),
    }


class MentionsTable:
    """mentions.csv, an article's rows at a time, to the binary file `out` (on a large corpus the
    staged file itself: at 10,000 articles the table is 87 MB): `encode(records)` gives the rows'
    bytes, `add(bytes)` appends them (rows a build kept from the last one are added as they are:
    mentionchunks.py). The records come in the table's order (export.Mentions), so the mentions are
    never all in memory."""

    def __init__(self, data: dict, site_url: str, out):
        self.names = {e["id"]: e["name"] for e in data["entities"]}
        self.site_url = site_url
        self.out = out
        self.text = io.StringIO()
        self.writer = csv.writer(self.text, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.add(self._rows([MENTION_COLUMNS]))

    def _rows(self, rows) -> bytes:
        self.text.seek(0)
        self.text.truncate()
        self.writer.writerows(rows)
        return self.text.getvalue().encode("utf-8")

    def encode(self, records: Iterable[dict]) -> bytes:
        names, url = self.names, self.site_url
        return self._rows(
            [
                safe(v)
                for v in (
                    m["entity"],
                    names[m["entity"]] if m["entity"] in names else (m["entity"] or ""),
                    m["article"],
                    m["paragraph"],
                    m["sentence"],
                    m["start"],
                    m["end"],
                    m["surface"],
                    m["role"],
                    m["quote"],
                    f"{url}sources/{m['article']}/#p{m['paragraph']}",
                )
            ]
            for m in records
        )

    def tell(self) -> int:
        return self.out.tell()

    def add(self, rows: bytes) -> None:
        self.out.write(rows)
