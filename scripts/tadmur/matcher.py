"""Find catalogued names in text: whole words, case-aware, longest match wins.

An Aho-Corasick automaton (pyahocorasick) over case-folded keys finds every alias in one pass, so the
cost stays linear in the text whatever the number of aliases. Candidates are then checked against the
original text for word boundaries and case, and overlaps are resolved leftmost-longest.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from .catalog import Entity
from .textkey import alias_key, fold, lower_key


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entity_id: str
    surface: str


@dataclass(frozen=True)
class _Variant:
    entity_id: str
    alias: str
    exact: bool  # no lowercase letter in the alias: case must match exactly ("IS", "TOW")
    initial_cap: bool  # alias starts with a capital: so must the text
    plural: bool


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class Matcher:
    def __init__(self, entities: list[Entity]):
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[_Variant]] = {}
        for ent in sorted(entities, key=lambda e: e.id):
            for alias in ent.names():
                alias = " ".join(alias.split())
                v = _Variant(
                    entity_id=ent.id,
                    alias=fold(alias),
                    exact=not any(c.islower() for c in alias),
                    initial_cap=alias[:1].isupper(),
                    plural=ent.plural_suffix,
                )
                table.setdefault(alias_key(alias), []).append(v)
            # A blocker ("think tank") outcompetes the name inside it as a longer match, then is dropped.
            for phrase in ent.not_names:
                phrase = " ".join(phrase.split())
                blocker = _Variant("", fold(phrase), False, False, ent.plural_suffix)
                table.setdefault(alias_key(phrase), []).append(blocker)
        for key, variants in table.items():
            self._auto.add_word(key, (len(key), tuple(variants)))
        self.size = len(table)
        if table:
            self._auto.make_automaton()

    def find(self, text: str) -> list[Match]:
        """All non-overlapping matches in text, leftmost-longest first."""
        if not self.size:
            return []
        folded = fold(text)
        key = lower_key(text)
        shouting = _mostly_upper(text)
        cands: list[tuple[int, int, str]] = []
        for end_idx, (length, variants) in self._auto.iter(key):
            start, end = end_idx - length + 1, end_idx + 1
            if start > 0 and _word_char(text[start - 1]):
                continue
            for v in variants:
                stop = end
                if stop < len(text) and _word_char(text[stop]):
                    # "TOWs", "T-62s": a plural s, if the kind allows it and the word ends there.
                    if not (
                        v.plural
                        and text[stop] == "s"
                        and (stop + 1 == len(text) or not _word_char(text[stop + 1]))
                    ):
                        continue
                    stop += 1
                surface = folded[start:end]
                if v.exact:
                    if surface != v.alias or (shouting and len(v.alias) <= 3):
                        continue
                elif v.initial_cap and not text[start].isupper():
                    continue
                elif not v.entity_id:  # a blocker matches whatever the case
                    pass
                cands.append((start, stop, v.entity_id))
                break
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2]))
        out: list[Match] = []
        last_end = -1
        for start, end, eid in cands:
            if start >= last_end:
                if eid:
                    out.append(Match(start, end, eid, text[start:end]))
                last_end = end
        return out


def _mostly_upper(text: str) -> bool:
    """An all-caps headline: short exact aliases like IS are unreliable there."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 12 and sum(c.isupper() for c in letters) > 0.7 * len(letters)
