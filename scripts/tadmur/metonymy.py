"""A capital standing for its government: "Moscow said", "a setback for Baghdad".

The catalog links a government to its seat with the affiliation relation named in data/events.yml
(`metonymy.relation`, "seated in"), and the same file lists the cue words. Extraction uses this to
credit the government, not the city, with such a mention; the event stage to keep the city from being
the place where something happened.
"""

from __future__ import annotations

import re


def seats(entities, relation: str) -> dict[str, str]:
    """City id -> the government seated there (`entities`: id -> entity)."""
    out = {}
    for e in sorted(entities.values(), key=lambda e: e.id):
        for target, rel in e.affiliation:
            if rel == relation and target not in out:
                out[target] = e.id
    return out


def is_metonymic(sentence: str, start: int, end: int, after: re.Pattern, before: re.Pattern) -> bool:
    """The name at sentence[start:end] is followed by a verb of saying or deciding, or follows a word
    of effect on someone, with no clause break between."""
    if after.match(sentence[end:]):
        return True
    head = sentence[max(0, start - 120) : start]
    cues = list(before.finditer(head))
    return bool(cues) and not re.search(r"[;.:]", head[cues[-1].end() :])
