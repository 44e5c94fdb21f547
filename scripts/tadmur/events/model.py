"""The event stage's plain data: a reference in a sentence, a report (one sentence telling of one
event) and an event (the reports of one happening, merged)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..plainrepr import plain_repr
from ..temporal import TimeExpr


@plain_repr
@dataclass
class Ref:
    """An entity in a sentence: found by the matcher, resolved from an anaphor ("the militants"), or
    a city standing for its government ("a setback for Baghdad", then `metonym` is the city's id)."""

    entity: str
    start: int
    end: int
    anaphor: bool = False
    metonym: str | None = None


@plain_repr
@dataclass
class Report:
    """One sentence reporting one event."""

    type: str
    family: str
    article: str
    paragraph: int
    sentence: int
    start: int  # where the trigger starts in the sentence
    quote: str
    trigger: str
    role: str
    speaker: str | None
    published: dt.date
    outlet: str = ""
    added: dt.date | None = None
    agent: str | None = None
    agent_named: bool = False  # named in the sentence, not only "the militants"
    target: str | None = None  # who it was taken from, or who was attacked
    supporters: list[str] = field(default_factory=list)
    place: str | None = None
    place_surface: str = ""  # the place as the sentence writes it (for ids, which must not follow renames)
    weapons: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    claimant: str | None = None
    date: TimeExpr | None = None
    doubtful: bool = False
    territory: str | None = None  # gain | loss | expel
    holder: str | None = None  # who holds the place afterwards (territorial reports)
    # a participle describing a thing ("weapons seized by X"): never dated by its clause
    modifier: bool = False
    later: bool = False  # "... and later blew up": a later time than the sentence's other reports
    # triggers of reports folded into this one (an air strike and the weapons it destroyed)
    also_at: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        """Where the report is, stable for as long as the article's text is: article#pN.S@offset."""
        return f"{self.article}#p{self.paragraph}.{self.sentence + 1}@{self.start}"

    def founding_order(self) -> tuple:
        """Earliest first: the report an event's permanent id is made from. Articles added later sort
        later, so a new article never takes over an existing event's id."""
        return (
            self.added or self.published,
            self.published,
            self.article,
            self.paragraph,
            self.sentence,
            self.start,
            self.type,
        )


@plain_repr
@dataclass
class Event:
    id: str
    type: str
    family: str
    category: str
    label: str
    title: str
    reports: list[Report]
    place: str | None
    participants: dict[str, list[str]]
    weapons: list[str]
    figures: list[dict]
    claims: list[dict]  # date claims: {earliest, latest, precision, text, sources: [(article, paragraph)]}
    earliest: dt.date | None
    latest: dt.date | None
    precision: str  # day | week | month | year | unknown
    disputed: bool
    doubtful: bool
    holder: str | None = None
    contested: list[str] = field(default_factory=list)  # holders claimed by different reports
    confidence: float = 0.0
    confirmed: bool = True  # published on the timeline, map and entity pages
    previous: str | None = None
    next: str | None = None
    corrected: dict[str, str] = field(default_factory=dict)  # field -> where an editor set it (file:line)
    reason: str | None = None  # the editor's reason for the correction
    hidden: bool = False
    merged_from: list[str] = field(default_factory=list)  # ids of events merged into this one

    @property
    def url(self) -> str:
        return f"events/{self.id}/"

    @property
    def doc_path(self) -> str:
        return f"events/{self.id}.md"

    def sort_key(self) -> tuple:
        # An undated event sorts by the day it was reported, the latest it can have happened.
        return (self.earliest or self.latest or dt.date.max, self.latest or dt.date.max, self.id)
