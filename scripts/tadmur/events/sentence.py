"""What one sentence holds before any event is read from it: its entities (matched, anaphoric and
metonymic), its clauses, who makes its claims, and its counted figures."""

from __future__ import annotations

import re
from collections import Counter

from ..kb import KB, Mention
from ..metonymy import is_metonymic
from ..metonymy import seats as _seats
from .model import Ref
from .vocabulary import Vocabulary

CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|,?\s(?:after|before|when|while|but|however|following|whereas|although|which|where|as)\s",
    re.I,
)
NOT_AGENTS = {"media outlet", "organisation"}  # outlets and monitors claim or host; they do not fight


def clauses(sentence: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in CLAUSE_BREAK.finditer(sentence):
        spans.append((pos, m.start()))
        pos = m.start()
    spans.append((pos, len(sentence)))
    return [s for s in spans if s[1] > s[0]]


def inside(kb: KB, place: str | None, outer: str) -> bool:
    """The place is the outer one or a site inside it (the catalog's `within` chain)."""
    seen = set()
    while place and place not in seen:
        if place == outer:
            return True
        seen.add(place)
        ent = kb.entities.get(place)
        place = ent.within if ent else None
    return False


def seats(entities, vocab: Vocabulary) -> dict[str, str]:
    """City id -> the government seated there, from the catalog's affiliations (`entities`: id -> entity)."""
    return _seats(entities, vocab.metonymy_relation)


def dominant(
    kb: KB, article: str, kind: str, types: set[str], origin: dict[str, tuple[str, str, str]]
) -> str | None:
    """The article's most-mentioned entity of a kind. Mentions are counted under the entity, kind and
    type the catalog gave them before any contributor merge (`origin`: surface -> (old id, kind,
    type)), so that merging two entities never changes what "the militants" refers to."""
    counts: Counter = Counter()
    current: dict[str, str] = {}
    for m in kb.by_article.get(article, []):
        ent = kb.entities[m.entity]
        key, k, t = origin.get(m.surface.lower(), (m.entity, ent.kind, ent.type))
        if k == kind and t in types:
            counts[key] += 1
            current.setdefault(key, m.entity)
    if not counts:
        return None
    return current[sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]]


def _metonymic(sentence: str, ref: Ref, vocab: Vocabulary) -> bool:
    return is_metonymic(sentence, ref.start, ref.end, vocab.metonymy_after, vocab.metonymy_before)


def sentence_refs(
    kb: KB,
    vocab: Vocabulary,
    sentence: str,
    s0: int,
    mentions: list[Mention],
    dominant_of: dict[str, str | None],
    recent: dict[str, str],
    seat_of: dict[str, str],
) -> list[Ref]:
    """Every entity reference in the sentence, in order. `recent` remembers the last city named (not
    as a government) earlier in the article, for "the city" in later sentences."""
    refs = []
    for m in mentions:
        ref = Ref(m.entity, m.start - s0, m.end - s0, metonym=m.metonym)
        if m.metonym is None and m.entity in seat_of and _metonymic(sentence, ref, vocab):
            if seat_of[m.entity] not in kb.entities:
                continue  # the government has no page: the city is still not a place here
            ref = Ref(seat_of[m.entity], ref.start, ref.end, metonym=m.entity)
        refs.append(ref)
    taken = [(r.start, r.end) for r in refs]
    cities = [
        r
        for r in refs
        if not r.metonym
        and kb.entities[r.entity].kind == "place"
        and kb.entities[r.entity].type in ("city", "town")
    ]
    for kind, phrases in vocab.anaphora.items():
        for m in phrases.finditer(sentence):
            if kind == "city" and sentence[m.end() : m.end() + 4] == " of ":
                continue  # "the city of al-Tabqa" names its city
            # "the city" is the last city named before it, in this sentence or the paragraph.
            named = [r for r in cities if r.end <= m.start()] if kind == "city" else []
            ent = named[-1].entity if named else recent.get(kind) or dominant_of.get(kind)
            if ent and not any(s < m.end() and m.start() < e for s, e in taken):
                refs.append(Ref(ent, m.start(), m.end(), anaphor=True))
    refs.sort(key=lambda r: r.start)
    for r in refs:
        ent = kb.entities[r.entity]
        if not r.anaphor and not r.metonym and ent.kind == "place" and ent.type in ("city", "town"):
            recent["city"] = r.entity
    return refs


def is_supporter(sentence: str, ref: Ref, vocab: Vocabulary, c0: int) -> bool:
    """Backing, not acting: "backed by the X", "X-backed", or inside an "along with X and Y," aside."""
    before = re.sub(r"\s+(the\s+)?$", "", sentence[max(c0, ref.start - 40) : ref.start].lower())
    after = sentence[ref.end : ref.end + 8].lower()
    surface = sentence[ref.start : ref.end].lower()
    if surface.endswith(("-backed", " backed")) or after.startswith("-backed"):
        return True
    phrases = [p for p in vocab.support if not p.startswith("-")]
    if any(before.endswith(p) for p in phrases):
        return True
    # An aside that started with a support phrase and has not been closed by a comma yet.
    head = sentence[c0 : ref.start].lower()
    at = max((head.rfind(p) for p in phrases), default=-1)
    return at >= 0 and "," not in head[at:]


def grounded(kb: KB, sentence: str, ref: Ref, vocab: Vocabulary) -> bool:
    """Can this actor hold ground? Air and naval power ("Russian air power", an air force) cannot."""
    ent = kb.entities[ref.entity]
    if any(vocab.no_ground_force.search(n) for n in (ent.name, *ent.aliases, sentence[ref.start : ref.end])):
        return False
    return not vocab.no_ground_force.match(sentence[ref.end : ref.end + 20].lstrip())


def figures(sentence: str, vocab: Vocabulary) -> list[dict]:
    kinds = [k for k, verbs in vocab.figures.items() if verbs.search(sentence)]
    if not kinds:
        return []
    out = []
    for m in vocab.figure_count.finditer(sentence):
        raw = m.group("n").lower()
        count = int(raw.replace(",", "")) if raw[0].isdigit() else None
        out.append({"count": count, "text": m.group(0), "what": m.group("noun").lower(), "kind": kinds[0]})
    return out


def claimant(sentence: str, actors: list[Ref], vocab: Vocabulary) -> str | None:
    low = sentence.lower()
    at = low.find("according to ")
    if at >= 0:
        after = [r for r in actors if r.start >= at and not r.anaphor]
        if after:
            return min(after, key=lambda r: r.start).entity
    for r in actors:
        if not r.anaphor and vocab.claim_after.match(low[r.end : r.end + 25]):
            return r.entity
    return None
