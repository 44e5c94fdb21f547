"""Stage 3: find entity mentions in one ingested Document.

`extract(doc, matcher, rules, lexicon)` runs the catalog matcher and the discovery rules over every
sentence of every scanned paragraph. It returns plain records; the knowledge base stage merges them
across documents. Per-document and pure, so documents can be processed independently.

Besides the names themselves it records what the text says around them: a capital standing for its
government ("Moscow said") is credited to the government; a person's role in an apposition and the
catalogued organisation in it; the place a site stands in; and a person's surname used alone later in
the article ("Abdulkarim said") as a mention of that person.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .catalog import Catalog
from .discover import DiscoveryRules, discover
from .finding import Context
from .ingest import Document
from .matcher import Matcher
from .metonymy import is_metonymic, seats
from .names import translit_key

SETTLEMENTS = ("city", "town", "village")


@dataclass(frozen=True)
class RawMention:
    ref: str  # catalog id, or "new:<kind>:<name>" for a discovered name
    article: str
    paragraph: int
    sentence: int  # 0-based index of the sentence in the paragraph
    start: int  # offsets in the paragraph text
    end: int
    surface: str
    role: str
    rule: str | None = None
    type: str | None = None
    metonym: str | None = None  # the city whose name stands for this government here
    described: str | None = None  # a discovered person's role, as the apposition gives it
    affiliation: tuple[tuple[str, str], ...] = ()  # (catalogued actor, relation) from that role
    within: str | None = None  # the catalogued place a discovered site stands in
    lookups: tuple[str, ...] = ()  # other names the catalog may know a discovered name by


@dataclass
class DocExtraction:
    article: str
    mentions: list[RawMention] = field(default_factory=list)
    weak: list[tuple[str, int, str]] = field(default_factory=list)  # (text, paragraph, sentence text)


@dataclass(frozen=True)
class Lexicon:
    """What extraction knows of the catalog besides its names: kinds, types, seats of government."""

    entities: dict = field(default_factory=dict)  # id -> Entity
    lookup: Callable[[str], str | None] = lambda _name: None
    seat_of: dict[str, str] = field(default_factory=dict)
    metonymy_after: re.Pattern | None = None
    metonymy_before: re.Pattern | None = None

    @classmethod
    def of(cls, catalog: Catalog, vocab=None) -> Lexicon:
        if vocab is None:
            return cls(catalog.entities, catalog.lookup)
        return cls(
            catalog.entities,
            catalog.lookup,
            seats(catalog.entities, vocab.metonymy_relation),
            vocab.metonymy_after,
            vocab.metonymy_before,
        )

    def known(self, name: str) -> tuple[str, str] | None:
        eid = self.lookup(name)
        return (eid, self.entities[eid].kind) if eid in self.entities else None

    def settlement(self, eid: str) -> bool:
        e = self.entities.get(eid)
        return e is not None and e.kind == "place" and e.type in SETTLEMENTS

    def government(self, sentence: str, start: int, end: int, eid: str) -> str | None:
        gov = self.seat_of.get(eid)
        if gov and self.metonymy_after is not None:
            if is_metonymic(sentence, start, end, self.metonymy_after, self.metonymy_before):
                return gov
        return None


def extract(
    doc: Document, matcher: Matcher, rules: DiscoveryRules, lexicon: Lexicon | None = None
) -> DocExtraction:
    lex = lexicon or Lexicon()
    out = DocExtraction(doc.article.id)
    sentences = []
    for para in doc.scanned():
        for si, (s0, s1) in enumerate(para.sentences):
            sent = para.text[s0:s1]
            # Each match with the government its city stands for here ("Moscow said"), if any.
            found = [(m, lex.government(sent, m.start, m.end, m.entity_id)) for m in matcher.find(sent)]
            sentences.append((para, si, s0, sent, found))
    counts = Counter(
        m.entity_id for para, _si, _s0, _sent, ms in sentences if para.role == "body" for m, g in ms if not g
    )
    main = [eid for eid, _n in counts.most_common() if lex.settlement(eid)]
    doc_place = (main[0], lex.entities[main[0]].name) if main else None

    taken: dict[tuple[int, int], list[tuple[int, int]]] = {}
    surnames: dict[str, str] = {}  # translit key of a named person's surname -> the person's ref
    for para, si, s0, sent, found in sentences:
        matches = [m for m, _gov in found]
        places = tuple(
            (m.start, m.end, m.entity_id, lex.entities[m.entity_id].name)
            for m in matches
            if lex.settlement(m.entity_id)
        )
        ctx = Context(role=para.role, known=lex.known, places=places, doc_place=doc_place)
        findings, weak = discover(sent, [(m.start, m.end) for m in matches], rules, ctx=ctx)
        absorbed = [(f.start, f.end) for f in findings if f.absorbs]
        spans = taken.setdefault((para.n, si), [])
        for m, gov in found:
            if any(s < m.end and m.start < e for s, e in absorbed):
                continue  # "Palmyra Museum": the museum's name, not a mention of the city
            out.mentions.append(
                RawMention(
                    gov or m.entity_id,
                    doc.article.id,
                    para.n,
                    si,
                    s0 + m.start,
                    s0 + m.end,
                    m.surface,
                    para.role,
                    metonym=m.entity_id if gov else None,
                )
            )
            spans.append((m.start, m.end))
            ent = lex.entities.get(m.entity_id)
            if ent is not None and ent.kind == "actor" and ent.type == "person":
                # Another spelling of the surname later on is this person: "Gergiyev" after "Valery Gergiev".
                for n in ent.names():
                    for key in _surname_keys(n):
                        surnames.setdefault(key, m.entity_id)
        for f in findings:
            ref = f"new:{f.kind}:{f.name}"
            out.mentions.append(
                RawMention(
                    ref,
                    doc.article.id,
                    para.n,
                    si,
                    s0 + f.start,
                    s0 + f.end,
                    sent[f.start : f.end],
                    para.role,
                    f.rule,
                    f.type,
                    described=f.role,
                    affiliation=_affiliation(f, matches, lex, sent),
                    within=f.within,
                    lookups=f.lookups,
                )
            )
            spans.append((f.start, f.end))
            if f.type == "person":
                for key in _surname_keys(f.name):
                    surnames.setdefault(key, ref)
        for _s, _e, text in weak:
            out.weak.append((text, para.n, sent))
    if surnames:
        _surname_mentions(out, sentences, taken, surnames)
        # A "name" that is only another person's surname ("Abdel Rahman" after "Rami Abdel-Rahman").
        for n, m in enumerate(out.mentions):
            if m.type == "person" and m.ref.startswith("new:"):
                ref = surnames.get(translit_key(m.ref.split(":", 2)[2]))
                if ref is not None and ref != m.ref:
                    out.mentions[n] = RawMention(ref, m.article, m.paragraph, m.sentence, m.start, m.end,
                                                 m.surface, m.role, "surname", "person")
    out.mentions.sort(key=lambda m: (m.paragraph, m.start))
    return out


def _affiliation(f, matches, lex: Lexicon, sent: str) -> tuple[tuple[str, str], ...]:
    """Catalogued actors inside a person's role: "spokesman for the YPG" -> (ypg, "spokesman for")."""
    if f.role_span is None:
        return ()
    r0, r1 = f.role_span
    out = []
    for m in matches:
        e = lex.entities.get(m.entity_id)
        if e is not None and e.kind == "actor" and r0 <= m.start and m.end <= r1:
            relation = re.sub(r"\s+(?:the|a|an|its|their)$", "", sent[r0 : m.start].strip(" ,"))
            after = sent[m.end : r1].strip(" ,")
            if not relation and after:  # "Hezbollah commander": the title follows the group
                relation = f"{after} of"
            out.append((m.entity_id, relation or "affiliated with"))
    return tuple(out)


_WORD = re.compile(r"(?<![\w-])(?:(?:al|el|ad|ar|as|ash|at|az)[-‐])?[A-Z][\w'’-]*")


def _surname_keys(name: str) -> set[str]:
    """Keys of what may stand for a person later on: the last word, and all words after the first."""
    words = name.split()
    return {translit_key(words[-1]), translit_key(" ".join(words[1:]))} if len(words) > 1 else set()


def _surname_mentions(out: DocExtraction, sentences, taken, surnames: dict[str, str]) -> None:
    """A named person's surname alone elsewhere in the article ("Abdulkarim said") names them, in any
    spelling ("Gergiyev" after "Valery Gergiev")."""
    for para, si, s0, sent, _matches in sentences:
        if para.role not in ("body", "caption"):
            continue
        spans = taken[(para.n, si)]
        words = [(m.start(), m.start() + len(re.sub(r"['’]s$", "", m.group()))) for m in _WORD.finditer(sent)]
        k = 0
        while k < len(words):
            # Two words first ("Abdel Rahman"), then one ("Abdulkarim").
            pair = k + 1 < len(words) and sent[words[k][1] : words[k + 1][0]] == " "
            for start, end in ([(words[k][0], words[k + 1][1])] if pair else []) + [words[k]]:
                ref = surnames.get(translit_key(sent[start:end]))
                if ref is None or end - start < 4 or any(s < end and start < e for s, e in spans):
                    continue
                out.mentions.append(
                    RawMention(ref, out.article, para.n, si, s0 + start, s0 + end, sent[start:end], para.role,
                               "surname", "person")
                )
                spans.append((start, end))
                break
            k += 1
