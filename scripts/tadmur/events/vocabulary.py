"""The event vocabulary: data/events.yml, checked against schema/events.schema.json.

Every English cue the event stage uses (trigger words, frames, support and doubt phrases, metonymy
cues, confidence weights) is read from that file, so a contributor tunes the rules without Python and
a mistake is reported as data/events.yml:<line>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from ..validate import check
from ..yamlio import line_of, load_yaml, read_text_utf8


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern
    frame: str  # active | passive


@dataclass
class EventType:
    id: str
    category: str
    label: str
    title: str
    family: str
    strength: float
    territory: str | None
    needs: str | None
    triggers: list[Trigger]
    # Matches where any trigger does (`gate`): a clause it does not match holds none of them.
    any_trigger: re.Pattern | None = None


@dataclass
class Vocabulary:
    types: list[EventType]
    families: dict[str, dict]
    doubt: re.Pattern
    hypothetical: re.Pattern
    conditional: re.Pattern
    participle_determiners: frozenset[str]
    participle_followers: frozenset[str]
    territorial_types: set[str]
    no_ground_force: re.Pattern
    not_the_agent_across: re.Pattern
    object_gap_words: frozenset[str]
    sequence: re.Pattern
    same_side: frozenset[str]
    support: list[str]
    metonymy_relation: str
    metonymy_after: re.Pattern
    metonymy_before: re.Pattern
    anaphora: dict[str, re.Pattern]  # kind -> its phrases, longest first
    figures: dict[str, re.Pattern]  # kind of figure -> the verbs that make a number one
    figure_count: re.Pattern  # "<number> <up to 3 words> <noun>"
    claim_after: re.Pattern  # "X said", "X has claimed" (matched right after the actor)
    confidence: dict[str, float]

    def type(self, type_id: str) -> EventType:
        return self._by_id[type_id]

    def __post_init__(self) -> None:
        self._by_id = {t.id: t for t in self.types}

    def joins_territory(self, family: str) -> str | None:
        """None, "sentence" or "article": how an undated report of the family joins a change of hands."""
        return self.families.get(family, {}).get("joins_territory")

    def id_word(self, family: str) -> str:
        return self.families.get(family, {}).get("id_word", "event")


def words(patterns: list[str]) -> re.Pattern:
    """Any of the patterns, as whole words, case-insensitively."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])", re.I)


# A back reference (or a test of a group) counts groups, which joining patterns renumbers.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def gate(patterns: list[str]) -> re.Pattern | None:
    """`words(patterns)` as one pattern: it finds a match in a text wherever any of `words([p])` does
    (the alternation tries every branch at each place), so a text it does not match can be skipped.
    None when the patterns cannot be joined exactly."""
    if any(_GROUP_REFERENCE.search(p) for p in patterns):
        return None
    try:
        return words(patterns)
    except re.error:  # (named groups of the same name, say)
        return None


def load_vocabulary(path: Path, schema: Path | None = None) -> Vocabulary:
    name = str(path)
    d = load_yaml(read_text_utf8(path), name)
    schema = schema or path.parents[1] / "schema" / "events.schema.json"
    check(d, schema, name, "event vocabulary")

    def compiled(key: list, make):
        try:
            return make()
        except re.error as exc:
            raise BuildError(name, line_of(d, key), f"bad regular expression: {exc}") from None

    types = []
    for i, t in enumerate(d["types"]):
        if t["family"] not in d["families"]:
            raise BuildError(name, line_of(d, ["types", i, "family"]), f"unknown family {t['family']!r}")
        triggers, patterns = [], []
        for j, trig in enumerate(t["triggers"]):
            pattern, frame = (
                (trig, "active") if isinstance(trig, str) else (trig["pattern"], trig.get("frame", "active"))
            )
            patterns.append(pattern)
            triggers.append(
                Trigger(compiled(["types", i, "triggers", j], lambda p=pattern: words([p])), frame)
            )
        types.append(
            EventType(
                t["id"],
                t["category"],
                t["label"],
                t["title"],
                t["family"],
                float(t["strength"]),
                t.get("territory"),
                t.get("needs"),
                triggers,
                gate(patterns),
            )
        )
    ids = [t.id for t in types]
    dup = next((i for i, t in enumerate(ids) if ids.index(t) != i), None)
    if dup is not None:
        raise BuildError(name, line_of(d, ["types", dup, "id"]), f"event type {ids[dup]!r} is defined twice")
    hypo = compiled(
        ["hypothetical"],
        lambda: re.compile(r"(?<![\w-])(?:" + "|".join(d["hypothetical"]) + r")\s+(?:\w+\s+){0,3}$", re.I),
    )
    return Vocabulary(
        types=types,
        families={k: dict(v) for k, v in d["families"].items()},
        doubt=compiled(["doubt"], lambda: words(d["doubt"])),
        hypothetical=hypo,
        conditional=compiled(
            ["conditional"], lambda: re.compile(r"^\W*(?:" + "|".join(d["conditional"]) + r")\b", re.I)
        ),
        participle_determiners=frozenset(w.lower() for w in d["participle_determiners"]),
        participle_followers=frozenset(w.lower() for w in d["participle_followers"]),
        territorial_types=set(d["territorial_actor_types"]),
        no_ground_force=compiled(["no_ground_force"], lambda: words(d["no_ground_force"])),
        not_the_agent_across=compiled(["not_the_agent_across"], lambda: words(d["not_the_agent_across"])),
        object_gap_words=frozenset(w.lower() for w in d["object_gap_words"]),
        sequence=compiled(
            ["sequence"],
            lambda: re.compile(r"(?<![\w-])(?:" + "|".join(d["sequence"]) + r")\s+(?:\w+\s+)?$", re.I),
        ),
        same_side=frozenset(d["same_side"]),
        support=list(d["support"]),
        metonymy_relation=d["metonymy"]["relation"],
        metonymy_after=compiled(
            ["metonymy", "after"],
            lambda: re.compile(r"^\s+(?:" + "|".join(d["metonymy"]["after"]) + r")\b", re.I),
        ),
        metonymy_before=compiled(
            ["metonymy", "before"],
            lambda: re.compile(r"(?:" + "|".join(d["metonymy"]["before"]) + r")\b", re.I),
        ),
        anaphora={
            k: compiled(
                ["anaphora", k], lambda v=v: words([re.escape(p) for p in sorted(v, key=len, reverse=True)])
            )
            for k, v in d["anaphora"].items()
        },
        figures={k: compiled(["figures", k], lambda v=v: words(v)) for k, v in d["figures"].items()},
        figure_count=re.compile(
            r"(?<![\w.-])(?P<n>\d[\d,]*|a hundred|hundreds of|dozens of|a handful of)\s+(?:[\w-]+\s+){0,3}?"
            r"(?P<noun>" + "|".join(map(re.escape, d["figure_nouns"])) + r")\b",
            re.I,
        ),
        claim_after=re.compile(
            r"\s*(?:has |have |had )?(?:" + "|".join(map(re.escape, d["claim_before"])) + r")\b", re.I
        ),
        confidence={k: float(v) for k, v in d["confidence"].items()},
    )
