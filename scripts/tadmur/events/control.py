"""Who held a place when, from the published changes of hands."""

from __future__ import annotations

from .model import Event


def control_history(events: list[Event], place: str) -> list[dict]:
    """One row per change of hands, oldest first. Only events that name who took the place count;
    "X loses Y" with no taker says nothing about who held it next."""
    rows = []
    for e in events:
        if e.place != place or not e.holder or not e.confirmed:
            continue
        if rows and rows[-1]["holder"] == e.holder:
            continue
        rows.append(
            {
                "event": e.id,
                "holder": e.holder,
                "from": (e.participants.get("taken from") or [None])[0],
                "earliest": e.earliest,
                "latest": e.latest,
                "precision": e.precision,
                "disputed": e.disputed,
            }
        )
    return rows
