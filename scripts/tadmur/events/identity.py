"""Event URLs for life.

A new event's id is made from its first report (assemble.permanent_id), never from its date or names.
After that, the last build's export (docs/data/knowledge.json) is the register: it lists every event
with the sentences it rests on. An event of this build that rests on the sentences of an event of the
last build keeps that event's id, even when an article published earlier joined it, its date changed
or an entity was merged. When two old events became one, the one with more shared sentences keeps its
id and the other's id redirects to it; redirects already made are carried on, followed to where they
lead now.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import Event


def settle_ids(previous: dict | None, events: list[Event]) -> dict[str, tuple[str, str]]:
    """Give each event its id from the last build where it had one (renaming `events` in place), and
    return {retired id: (the id of the event that now holds its reports, why)}: "joined" when this
    build found the two to be one, or what an earlier build said ("renamed" for ids of an old scheme)."""
    if not previous:
        return {}
    # A report is known by its sentence, and better by its sentence and trigger words: one sentence
    # can tell of two events, and a change of the vocabulary can change the trigger words.
    where: dict[tuple, set[int]] = defaultdict(set)
    for i, e in enumerate(events):
        for r in e.reports:
            where[(r.article, r.paragraph, r.sentence + 1)].add(i)
            where[(r.article, r.paragraph, r.sentence + 1, r.trigger)].add(i)
    old_events = [*previous.get("events", []), *previous.get("candidate_events", [])]
    overlap: Counter = Counter()
    for old in old_events:
        for s in old.get("sources", []):
            key = (s.get("article"), s.get("paragraph"), s.get("sentence"))
            for k in (key, (*key, s.get("trigger"))):
                for i in where.get(k, ()):
                    overlap[(old["id"], i)] += 1
    # An event that would get the same id anyway keeps it first; then the largest overlaps win.
    pairs = sorted(overlap.items(), key=lambda kv: (events[kv[0][1]].id != kv[0][0], -kv[1], kv[0]))
    kept: dict[int, str] = {}
    taken: set[str] = set()
    best: dict[str, int] = {}
    for (oid, i), _ in pairs:
        best.setdefault(oid, i)
        if i not in kept and oid not in taken:
            kept[i] = oid
            taken.add(oid)
    fresh = {e.id for i, e in enumerate(events) if i not in kept}
    for i, oid in kept.items():
        events[i].id = oid
    for i, e in enumerate(events):
        if i not in kept and e.id in taken:  # a new event whose made-up id an old one already holds
            n = 2
            while f"{e.id}-{n}" in taken | fresh:
                n += 1
            e.id = f"{e.id}-{n}"
    current = {e.id for e in events}
    moves = {oid: (events[i].id, "joined") for oid, i in best.items() if oid not in current}
    for red in previous.get("redirects", []):
        old, new = _event_id(red.get("from")), _event_id(red.get("to"))
        if old and new and old not in current and old not in moves:
            new = moves[new][0] if new in moves else new
            if new in current:
                moves[old] = (new, red.get("why", "joined"))
    return dict(sorted(moves.items()))


def _event_id(url: str | None) -> str | None:
    if url and url.startswith("events/") and url.endswith("/"):
        return url[len("events/") : -1]
    return None
