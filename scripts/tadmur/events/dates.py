"""When: which date phrase of a sentence belongs to which report, and what one event's reports
together say about its date.

A date phrase belongs to one trigger: the one it modifies ("their November 2015 loss of Shingal"), else
the nearest trigger before it in its clause ("the recapture of Tikrit in April"), else the nearest after
it in its clause ("On Sunday ... drove the militants out"), else the nearest in the sentence. A report
with no phrase of its own may share one of a report in the same sentence about the same place; a
participle that describes a thing ("weapons seized by X") never does. A report with no date stays
undated: no year is ever borrowed from the publication date.
"""

from __future__ import annotations

import datetime as dt
import re

from ..temporal import TimeExpr
from .model import Report


def assign_dates(
    reports: list[Report],
    triggers: list[tuple[int, int, bool, bool]],
    dates: list[TimeExpr],
    spans: list[tuple[int, int]],
    text: str,
) -> None:
    """`triggers`: (start, end, is a modifier, is fighting that can be part of a change of hands)."""
    if not reports or not dates:
        return

    def clause(pos: int) -> int:
        return next((i for i, (a, b) in enumerate(spans) if a <= pos < b), -1)

    owned: dict[int, list[TimeExpr]] = {}
    fighting: list[TimeExpr] = []
    starts = {r.start for r in reports}
    for d in dates:
        owner = _owner(d, [t for t in triggers if not t[2]], clause, spans, text)
        if owner is not None:
            owned.setdefault(owner[0], []).append(d)
            if owner[3] and owner[0] not in starts:
                fighting.append(d)
    for r in reports:
        own = [d for at in (r.start, *r.also_at) for d in owned.get(at, [])]
        if own and not r.modifier:
            r.date = own[0]
        elif r.territory and fighting:
            # "took full control of the city after a weeklong offensive two weeks ago": the fighting
            # that made no report of its own dates the change of hands it ended in.
            r.date = fighting[0]
    for r in reports:
        if r.date or r.modifier or r.later:
            continue
        peers = [
            o
            for o in reports
            if o is not r and o.date and not o.modifier and (o.place == r.place or not o.place or not r.place)
        ]
        if peers:
            r.date = min(peers, key=lambda o: abs(o.start - r.start)).date


def _owner(
    d: TimeExpr, triggers: list[tuple], clause, spans: list[tuple[int, int]], text: str
) -> tuple | None:
    # "their November 2015 loss of Shingal": a bare date right before its noun modifies it.
    bare = not re.match(r"(?i)(?:in|on|at|since|until|till|during|by|from|of)\s", d.text)
    attributive = [t for t in triggers if bare and 1 <= t[0] - d.end <= 2]
    if attributive:
        return attributive[0]
    same = [t for t in triggers if clause(t[0]) == clause(d.start)]
    before = [t for t in same if t[1] <= d.start]
    after = [t for t in same if t[0] >= d.end]
    # A date that opens a clause or a coordinated part of it ("..., and the previous July Islamic State
    # had overrun Baiji") modifies what follows it.
    c0 = next((a for a, b in spans if a <= d.start < b), 0)
    fronted = re.search(r"(?:^\W*|[,;:]\s*(?:and|but|then|while|yet)?\s*)$", text[c0 : d.start])
    if after and (fronted or not before):
        return min(after)
    if before:
        return max(before, key=lambda t: t[1])
    return min(triggers, key=lambda t: min(abs(t[0] - d.end), abs(d.start - t[1])), default=None)


def report_range(r: Report) -> tuple[dt.date, dt.date]:
    """The days the report allows: its date phrase, or anything up to its publication."""
    if r.date is None:
        return dt.date.min, r.published
    if r.date.relation == "since":
        return r.date.earliest, r.published
    return r.date.earliest, r.date.latest


PRECISION = ("day", "week", "month", "year")


def claims(reports: list[Report]) -> list[dict]:
    """Distinct date claims, each with its sources; best supported first (most articles, narrowest)."""
    out: dict[tuple, dict] = {}
    for r in reports:
        if r.date is None:
            continue
        # "since May 13": from that day to the report at the latest.
        latest = max(r.date.latest, r.published) if r.date.relation == "since" else r.date.latest
        # A period's precision is its width: "since May 13" in a June report is a month, not a day.
        precision = (
            _span_precision(r.date.earliest, latest) if r.date.relation == "since" else r.date.precision
        )
        key = (r.date.earliest, latest, precision)
        c = out.setdefault(
            key,
            {
                "earliest": r.date.earliest,
                "latest": latest,
                "precision": precision,
                "text": r.date.text,
                "anchor": r.date.anchor,
                "relation": r.date.relation,
                "sources": [],
            },
        )
        if (r.article, r.paragraph) not in c["sources"]:
            c["sources"].append((r.article, r.paragraph))
    return sorted(
        out.values(),
        key=lambda c: (-len({a for a, _ in c["sources"]}), (c["latest"] - c["earliest"]).days, c["earliest"]),
    )


def settle(cl: list[dict]) -> tuple[dt.date | None, dt.date | None, str, bool]:
    """(earliest, latest, precision, disputed) of an event from its claims. Claims that agree narrow the
    interval to their overlap ("in March" and "on Friday 25 March" give 25 March); a claim that does not
    overlap the best-supported one is a dispute, and is kept beside it (the caller keeps all claims)."""
    if not cl:
        return None, None, "unknown", False
    best = cl[0]
    lo, hi = best["earliest"], best["latest"]
    agreeing, disputed = [best], False
    for c in cl[1:]:
        a, b = c["earliest"], c["latest"]
        if b < lo or a > hi:
            disputed = True
            continue
        lo, hi = max(lo, a), min(hi, b)
        agreeing.append(c)
    # As precise as the finest claim whose own window is no narrower than the result: "two weeks ago"
    # within "May 2015" is a week; a day-precise claim only makes a day if the result is that day.
    fits = [c["precision"] for c in agreeing if (hi - lo) <= (c["latest"] - c["earliest"])]
    precision = min(fits or [best["precision"]], key=PRECISION.index)
    if lo == hi:
        precision = "day"
    return lo, hi, precision, disputed


def _span_precision(lo: dt.date, hi: dt.date) -> str:
    days = (hi - lo).days
    return "day" if days == 0 else "week" if days < 7 else "month" if days < 31 else "year"
