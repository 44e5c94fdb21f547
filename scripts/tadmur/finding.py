"""What a discovery rule finds in a sentence, and what it may know of the sentence's surroundings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    name: str
    kind: str  # actor | weapon | place
    type: str
    rule: str
    role: str | None = None  # a person's role as the apposition gives it ("governor of Homs province")
    role_span: tuple[int, int] | None = None  # where that role stands in the sentence
    within: str | None = None  # the catalogued place a site stands in
    lookups: tuple[str, ...] = ()  # other names the catalog may know it by ("Tetrapylon of Palmyra")
    absorbs: bool = False  # the finding contains a catalogued place ("Palmyra Museum") and replaces it


@dataclass(frozen=True)
class Context:
    """What the sentence's surroundings say: the paragraph's role, the catalog, the places named."""

    role: str = "body"
    known: Callable[[str], tuple[str, str] | None] = lambda _name: None  # catalog: name -> (id, kind)
    places: tuple[tuple[int, int, str, str], ...] = ()  # settlements named here: (start, end, id, name)
    doc_place: tuple[str, str] | None = None  # the article's main settlement: (id, name)
