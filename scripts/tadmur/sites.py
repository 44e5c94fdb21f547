"""Sites, buildings, institutions and waters: "Temple of X", "X Museum", "Lake X", "the tetrapylon".

Rules and words come from `sites` in data/rules/discovery.yml. A site is linked to the catalogued
place it stands in: the place named right after it ("the museum in Palmyra"), the place its name
contains ("Palmyra Museum"), or else, for ancient monuments (`within_article_types`), the settlement
the article is about. Other sites (a museum, a river) are only linked by the first two.
"""

from __future__ import annotations

import re

from .finding import Context, Finding

# Rule names that the knowledge base treats apart (kb.GENERIC_SURFACE, kb.SITE_OF_PLACE).
PLACE_AND_HEAD = "place and head"  # "Palmyra Museum", "Museum of Palmyra": one site per place and type
MONUMENT_TYPE = "monument type"  # "the tetrapylon": the place's monument of that type
FACILITY_NEAR = "facility near place"  # "the airbase near X"
_NATURAL = {"river", "lake", "sea", "gulf", "reservoir", "canal", "spring", "oasis", "mountain", "valley"}
_HEAD = re.compile(r"^(?P<poss>['’]s)?\s+(?P<head>[A-Za-z]+)\b")
_HEAD_OF = re.compile(r"\b(?P<head>[A-Z][a-z]+)\s+of\s+(?:the\s+)?$")


def _within(sentence: str, end: int, ctx: Context, sites, typ: str) -> tuple[str, str] | None:
    """(id, name) of the place a site ending at `end` stands in."""
    for ps, _pe, pid, pname in ctx.places:
        if ps >= end and sites.within_after.match(sentence[end:ps]):
            return pid, pname
    return ctx.doc_place if typ in sites.within_article_types else None


def _lookups(name: str, head: str, place: tuple[str, str] | None) -> tuple[str, ...]:
    if place is None:
        return ()
    pname = place[1]
    return (f"{name} of {pname}", f"{pname} {name}", f"{pname}'s {name}", f"{head} of {pname}",
            f"{pname} {head}")


def _kind(modifier: list[str], head: str, rules, ctx: Context) -> tuple[str, str]:
    """(kind, type) of "<modifier> <head>": "Mariinsky Theatre" is an institution (an actor), but
    "Roman Theatre" and "Palmyra Theatre" are buildings (places)."""
    s = rules.sites
    cap = head[:1].upper() + head[1:]
    place_like = all(w in s.ancient or w in rules.demonyms for w in modifier) or (
        (known := ctx.known(" ".join(modifier))) is not None and known[1] == "place"
    )
    if cap in s.institution_heads and not place_like:
        return "actor", s.institution_heads[cap]
    return "place", s.head_after.get(cap) or s.head_after_lower.get(head.lower(), head.lower())


def site_in_chain(sentence: str, tokens, i: int, j: int, rules, ctx: Context) -> Finding | None:
    s = rules.sites
    words = [t[0] for t in tokens[i : j + 1]]
    start, end = tokens[i][1], tokens[j][2]
    name = sentence[start:end]
    if len(words) >= 3 and words[0] in s.head_of and words[1] == "of":  # "Temple of Bel"
        typ = s.head_of[words[0]]
        place = _within(sentence, end, ctx, s, typ)
        return Finding(start, end, name, "place", typ, "site name", within=place and place[0],
                       lookups=_lookups(name, words[0], place))
    if len(words) >= 2 and words[0] in s.prefix:  # "Lake Assad", "Mount Hermon"
        typ = s.prefix[words[0]]
        place = _within(sentence, end, ctx, s, typ)
        return Finding(start, end, name, "place", typ, "site name", within=place and place[0])
    head = None
    if len(words) >= 2 and words[-1] in s.head_after and words[0] not in rules.place_heads_cap:
        head, modifier = words[-1], words[:-1]  # "Mariinsky Theatre", "Euphrates River"
    elif j + 1 < len(tokens) and tokens[j + 1][0] in s.head_after_lower:
        head, modifier = tokens[j + 1][0], words  # "the Euphrates river"
        end = tokens[j + 1][2]
        name = sentence[start:end]
    if head is None:
        return None
    kind, typ = _kind(modifier, head, rules, ctx)
    if kind == "actor":
        return Finding(start, end, name, kind, typ, "institution name")
    place = _within(sentence, end, ctx, s, typ)
    if all(w in s.ancient for w in modifier):
        # "the Roman Theatre", "Ancient Amphitheatre": a description, a name only with its place.
        if place is None:
            return None
        return Finding(start, end, f"{name} of {place[1]}", kind, typ, MONUMENT_TYPE, within=place[0],
                       lookups=_lookups(name, head, place))
    return Finding(start, end, name, kind, typ, "site name", within=place and place[0],
                   lookups=_lookups(name, head, place))


def sites_around_places(sentence: str, tokens, rules, ctx: Context) -> list[Finding]:
    """Sites named after a catalogued place: "Palmyra Museum", "Museum of Palmyra", "the airbase near X".
    The first two contain the place's name and replace its mention (`absorbs`)."""
    s = rules.sites
    out = []
    for ps, pe, pid, pname in ctx.places:
        place = (pid, pname)
        m = _HEAD.match(sentence[pe:])
        head = m.group("head") if m else ""
        if head in s.head_after or head in s.head_after_lower:
            end = pe + m.end("head")
            cap = head[:1].upper() + head[1:]
            name = f"{sentence[ps:pe]} {cap}"
            typ = s.head_after.get(cap) or s.head_after_lower.get(head, head.lower())
            if typ not in _NATURAL or m.group("poss") is None:
                out.append(Finding(ps, end, name, "place", typ, PLACE_AND_HEAD,
                                   within=None if typ in _NATURAL else pid,
                                   lookups=_lookups(cap, cap, place), absorbs=True))
                continue
        m = _HEAD_OF.search(sentence[:ps])
        if m and m.group("head") in s.head_of:
            typ = s.head_of[m.group("head")]
            out.append(Finding(m.start("head"), pe, f"{m.group('head')} of {sentence[ps:pe]}", "place", typ,
                               PLACE_AND_HEAD, within=None if typ in _NATURAL else pid,
                               lookups=_lookups(m.group("head"), m.group("head"), place), absorbs=True))
            continue
        m = s.facility_near.search(sentence[:ps])
        if m:
            word = " ".join(m.group("type").split())
            typ = s.facility_types[word.lower()]
            name = f"{word[:1].upper()}{word[1:]} near {pname}"
            out.append(Finding(m.start("type"), m.end("type"), name, "place", typ, FACILITY_NEAR,
                               within=pid, lookups=(f"{pname} {word}", f"{pname} {typ}")))
    return out


def monuments(sentence: str, rules, ctx: Context) -> list[Finding]:
    """"the tetrapylon": the monument of that type in the place the sentence or article is about."""
    s = rules.sites
    out = []
    for m in s.monument.finditer(sentence):
        word = " ".join(m.group("type").split())
        typ = s.monument_types[word.lower()]
        place = _within(sentence, m.end(), ctx, s, typ)
        if place is None:
            continue
        label = word[:1].upper() + word[1:].lower()
        out.append(Finding(m.start("type"), m.end("type"), f"{label} of {place[1]}", "place", typ,
                           MONUMENT_TYPE, within=place[0],
                           lookups=(f"{place[1]} {word}", f"{place[1]}'s {word}", f"{word} of {place[1]}")))
    return out
