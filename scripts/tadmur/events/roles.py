"""Reports in one sentence: which event types its triggers name, and who plays which role.

For each clause and each event type, the first trigger that is really an event (not a hypothesis,
not a participle used as an adjective) gives a report. Roles follow the trigger's frame:
- active: the actor before the trigger acts ("X captured Z"), or the actor right after "by";
- passive: the place comes first and the actor after the trigger ("Z fell to X", "Z was liberated by X").
Supporters ("backed by", "with support from", air power) never act or hold; a city that stands for
its government is never a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..kb import KB
from .model import Ref, Report
from .sentence import NOT_AGENTS, clauses, grounded, inside, is_supporter
from .vocabulary import EventType, Trigger, Vocabulary

PLACE_RANK = {"governorate": 2, "region": 2, "country": 3}
AUXILIARY = frozenset("was were been being is are has have had be".split())


@dataclass
class Sentence:
    """A sentence ready to be read: text, references and the article facts every report carries."""

    kb: KB
    vocab: Vocabulary
    article: str
    paragraph: int
    index: int
    text: str
    refs: list[Ref]
    role: str
    speaker: str | None
    claimant: str | None
    figures: list[dict]
    doubtful: bool

    def kind(self, r: Ref) -> str:
        return self.kb.entities[r.entity].kind

    def type_of(self, r: Ref) -> str:
        return self.kb.entities[r.entity].type


def _is_adjective(s: Sentence, m: re.Match) -> bool:
    """ "the besieged T4 base", "a captured Russian base": a participle describing, not reporting."""
    last = m.group(0).split()[-1].lower()
    if not last.endswith(("ed", "ing")) or len(m.group(0).split()) > 1:
        return False
    prev = re.search(r"(\w+)\s+$", s.text[max(0, m.start() - 20) : m.start()])
    nxt = re.match(r"\s+([\w-]+)", s.text[m.end() :])
    return (
        prev is not None
        and prev.group(1).lower() in s.vocab.participle_determiners
        and (nxt is None or nxt.group(1).lower() not in s.vocab.participle_followers)
    )


def _is_modifier(s: Sentence, m: re.Match) -> bool:
    """ "weapons seized by X": a participle after a noun, telling what happened to a thing before."""
    word = m.group(0).split()[-1].lower()
    if (
        len(m.group(0).split()) > 1
        or not word.endswith(("ed", "en"))
        or not s.text[m.end() :].startswith(" by ")
    ):
        return False
    prev = re.search(r"(\w+)\s+$", s.text[max(0, m.start() - 20) : m.start()])
    return prev is not None and prev.group(1).lower() not in AUXILIARY


def _backing(s: Sentence, m: re.Match) -> bool:
    """ "backed by Russian air strikes", "with support from US jets": the trigger names the support of
    another event, not an event of its own."""
    before = s.text[max(0, m.start() - 40) : m.start()].lower()
    return any(
        re.search(re.escape(p) + r"\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", before)
        for p in s.vocab.support
        if not p.startswith("-")
    )


def _triggers(s: Sentence, et: EventType, c0: int, c1: int) -> list[tuple[re.Match, Trigger]]:
    """The type's triggers in the clause that really report something, in order."""
    if et.any_trigger is not None and et.any_trigger.search(s.text, c0, c1) is None:
        return []
    found = sorted(
        ((m, t) for t in et.triggers for m in t.pattern.finditer(s.text, c0, c1)),
        key=lambda mt: (mt[0].start(), -len(mt[0].group(0))),
    )
    return [
        (m, t)
        for m, t in found
        # "another attempt to retake", "will likely want to": not an event
        if (et.id == "arms-supply" or not s.vocab.hypothetical.search(s.text, c0, m.start()))
        and not _is_adjective(s, m)
        and not _backing(s, m)
    ]


def _most_specific(s: Sentence, refs: list[Ref]) -> Ref:
    """A city before its province, a province before its country; otherwise the first named."""
    return min(refs, key=lambda r: (PLACE_RANK.get(s.type_of(r), 0), r.start))


def reports_in_sentence(s: Sentence) -> tuple[list[Report], list[tuple[int, int, bool, bool]]]:
    """The sentence's reports, and every trigger it holds as (start, end, is a modifier, is fighting):
    a date phrase belongs to a trigger even when that trigger makes no report (a place the catalog
    lacks)."""
    reports: list[Report] = []
    spans = clauses(s.text)
    if s.vocab.conditional.match(s.text):
        return [], []  # "If ISIS can secure their capture of Palmyra, ...": nothing has happened
    every = [(et, hit, span) for span in spans for et in s.vocab.types for hit in _triggers(s, et, *span)]
    triggers = sorted(
        {
            (hit[0].start(), hit[0].end(), _is_modifier(s, hit[0]), bool(s.vocab.joins_territory(et.family)))
            for et, hit, _ in every
        }
    )
    territorial_at = [hit[0].end() for et, hit, _ in every if et.territory]
    sentence_places = [r for r in s.refs if s.kind(r) == "place"]
    for et, hit, (c0, c1) in every:
        in_clause = [r for r in s.refs if c0 <= r.start < c1]
        # A place right after a change-of-hands trigger is that trigger's, not another event's.
        places = [
            r
            for r in in_clause
            if s.kind(r) == "place"
            and (
                et.territory
                or r.end <= hit[0].start()
                or not any(0 <= r.start - e <= 30 for e in territorial_at)
            )
        ]
        weapons = [r for r in in_clause if s.kind(r) == "weapon" and not r.anaphor]
        actors = [r for r in in_clause if s.kind(r) == "actor" and s.type_of(r) not in NOT_AGENTS]
        made = _report(s, et, hit, (c0, c1), places, weapons, actors, len(spans))
        if made is None:
            continue
        rep, ref = made
        reports.append(rep)
        if et.territory and ref is not None:
            extras = _coordinated(
                s, ref, sentence_places
            )  # "the cities of Anbar province – Ramadi and Fallujah"
            if extras and all(inside(s.kb, x.entity, ref.entity) for x in extras):
                reports.pop()  # the listed cities are what changed hands, not their whole province
            for extra in extras:
                reports.append(
                    replace(rep, place=extra.entity, place_surface=s.text[extra.start : extra.end])
                )
    return _one_per_family(reports), triggers


COORDINATION = re.compile(r"^(?:\s*,)?\s*(?:and|or|as well as|along with|[–—-])?\s*$", re.I)


def _object_gap(s: Sentence, gap: str) -> bool:
    """Only determiners, place words and names stand between a trigger and the place it takes."""
    return all(w in s.vocab.object_gap_words or w[:1].isupper() for w in re.findall(r"[\w'’-]+", gap))


def _coordinated(s: Sentence, first: Ref, places: list[Ref]) -> list[Ref]:
    """Places listed after the first one: "Ramadi and Fallujah", "that city, along with Iraq's Ramadi"."""
    out, last = [], first
    for r in sorted((r for r in places if r.start > first.end), key=lambda r: r.start):
        gap = re.sub(r"^(?:'s|’s)", "", s.text[last.end : r.start])
        if not COORDINATION.match(re.sub(r"\b\w+(?:'s|’s)\s*$", "", gap)):
            break
        if not re.match(r"(?:'s|’s)", s.text[r.end : r.end + 2]):  # "Iraq's Ramadi": Iraq modifies
            out.append(r)
        last = r
    return [r for r in out if r.entity != first.entity]


def _report(s, et, hit, clause, places, weapons, actors, n_clauses) -> tuple[Report, Ref | None] | None:
    trig, trigger = hit
    c0, c1 = clause
    passive = trigger.frame == "passive"
    after_places = [r for r in places if 0 <= r.start - trig.end() <= 30]
    before_places = [r for r in places if 0 <= trig.start() - r.end <= 40]
    after_weapons = [r for r in weapons if 0 <= r.start - trig.end() <= 60]
    if et.needs == "weapon" and not weapons:
        return None
    if et.territory:
        # The place must be what changes hands: the trigger's object ("recaptured the ancient city of
        # Palmyra", not "lost hundreds of fighters in Palmyra"), or its subject when the trigger is
        # passive or a possessive "fall" ("the city ... has been liberated", "Palmyra's fall").
        after_places = [r for r in after_places if _object_gap(s, s.text[trig.end() : r.start])]
        before_ok = (
            passive
            or trig.group(0)[:2] in ("'s", "’s")
            or re.search(
                r"\b(?:been|was|were|is|are|being)\s+(?:not\s+)?(?:\w+ly\s+)?$", s.text[c0 : trig.start()]
            )
        )
        # "Al-Safira, liberated by the Syrian army ...": a participle in apposition to the place.
        appositive = trig.group(0).split()[0].lower().endswith(("ed", "en")) and any(
            re.fullmatch(r"\s*,\s*", s.text[r.end : trig.start()]) for r in before_places
        )
        before_places = before_places if before_ok or appositive else []
        target_places = (before_places or after_places) if passive else (after_places or before_places)
        if not target_places or (after_weapons and not after_places and not passive):
            return None
    if et.id == "capture-of-materiel" and after_places and not after_weapons:
        return None  # "captured Palmyra": a territorial report, not materiel
    art = s.kb.article(s.article)
    rep = Report(
        et.id,
        et.family,
        s.article,
        s.paragraph,
        s.index,
        trig.start(),
        s.text,
        trig.group(0),
        s.role,
        s.speaker,
        art.published,
        outlet=art.outlet,
        added=art.added,
        doubtful=s.doubtful,
        claimant=s.claimant,
        territory=et.territory,
        modifier=_is_modifier(s, trig),
        later=bool(s.vocab.sequence.search(s.text, c0, trig.start())),
    )
    supporters = [r for r in actors if is_supporter(s.text, r, s.vocab, c0)]
    if et.territory:
        # Only armed actors on the ground take or lose places; air power and metonyms support at most.
        supporters += [
            r
            for r in actors
            if s.type_of(r) in s.vocab.territorial_types
            and not r.metonym
            and not grounded(s.kb, s.text, r, s.vocab)
        ]
        principal = [r for r in actors if s.type_of(r) in s.vocab.territorial_types and not r.metonym]
    else:
        principal = list(actors)
    rep.supporters = sorted({r.entity for r in supporters})
    principal = [r for r in principal if r.entity not in rep.supporters]
    agent = _agent(s, trig, passive, principal, c0)
    rep.agent = agent.entity if agent else None
    rep.agent_named = bool(agent and not agent.anaphor)  # kept when a loss swaps the roles below
    after = [r for r in principal if r.start >= trig.end()]
    # Who it was done to: "lost X to Y" names the winner of a loss; "from/against Y" the loser of a gain.
    marker = {"loss": "to", "gain": "from|against", "expel": "from|against"}.get(
        et.territory, "from|against|to|on"
    )
    marked = [
        r
        for r in after
        if re.search(rf"\b(?:{marker})\s+(?:the\s+)?$", s.text[max(c0, r.start - 14) : r.start])
    ]
    rep.target = next((r.entity for r in marked if r.entity != rep.agent), None)
    if et.territory:
        ref = _most_specific(s, target_places)
    else:
        ref = _event_place(s, trig, places) or _antecedent_place(s, c0)
    rep.place = ref.entity if ref else None
    rep.place_surface = "" if ref is None or ref.anaphor else s.text[ref.start : ref.end]
    rep.weapons = sorted({r.entity for r in weapons})
    rep.figures = [f for f in s.figures if c0 <= s.text.find(f["text"]) < c1] or (
        s.figures if n_clauses == 1 else []
    )
    if et.territory:
        _territory_roles(s, rep, et, trig, principal, c0)
    if not rep.agent and not rep.place:
        return None  # nothing to say who or where: too vague to be an event
    if et.id in ("weapons-use", "arms-supply", "capture-of-materiel") and not rep.agent:
        return None
    return rep, ref


def _event_place(s: Sentence, trig: re.Match, places: list[Ref]) -> Ref | None:
    """Where a non-territorial event happened: the nearest place after its trigger in the clause
    ("arrived at the besieged T4 base near Palmyra"), else the nearest before it; a country only if
    nothing more precise is named."""
    after = [r for r in places if r.start >= trig.end()]
    before = [r for r in places if 0 <= trig.start() - r.end <= 60][::-1]
    ordered = after + before
    specific = [r for r in ordered if s.type_of(r) != "country"] or ordered
    return specific[0] if specific else None


def _agent(s: Sentence, trig: re.Match, passive: bool, principal: list[Ref], c0: int) -> Ref | None:
    after = [r for r in principal if r.start >= trig.end()]
    if passive:
        return after[0] if after and after[0].start - trig.end() <= 40 else None
    # "destroyed by X": the actor right after "by", with nothing between but a few words.
    by = [r for r in after if re.match(r"\s+(?:\w+ly\s+)?by\s+(?:the\s+)?$", s.text[trig.end() : r.start])]
    if by:
        return by[0]
    # The actor nearest before the trigger acts, unless it is only a modifier: "led by X",
    # "X-made", or the source of the report ("according to X").
    before = [
        r
        for r in principal
        if r.end <= trig.start()
        and r.entity != s.claimant
        and not re.search(r"\b(?:led|commanded|run) by\b[^,]{0,40}$", s.text[c0 : r.start])
        and not re.match(r"-made\b", s.text[r.end : r.end + 6])
        and not s.vocab.not_the_agent_across.search(s.text, r.end, trig.start())
    ]
    return before[-1] if before else None


def _antecedent_place(s: Sentence, c0: int) -> Ref | None:
    """ "..., the same site where ISIS executed 21 soldiers": a "where" clause happens at the place
    named just before it."""
    if not re.match(r",?\s*where\s", s.text[c0 : c0 + 8], re.I):
        return None
    before = [r for r in s.refs if r.end <= c0 and s.kind(r) == "place" and not r.metonym]
    return before[-1] if before else None


def _territory_roles(s: Sentence, rep: Report, et: EventType, trig: re.Match, principal, c0) -> None:
    """Who holds the place afterwards (`holder`) and who lost it (`target`)."""
    if et.territory == "gain":
        rep.holder = rep.agent
    elif et.territory == "loss":
        rep.holder, rep.target, rep.agent = rep.target, rep.agent, rep.target
    elif re.search(r"\b(?:been|was|were|being|is|are)\s+(?:\w+ly\s+)?$", s.text[c0 : trig.start()]) or (
        trig.group(0).lower().startswith("driven")  # headline passive: "Isis driven out of X"
    ):
        # Passive: "the militants have been forced from X" - the subject lost it.
        by = [
            r
            for r in principal
            if r.start >= trig.end()
            and re.search(r"\bby\s+(?:the\s+)?$", s.text[max(c0, r.start - 12) : r.start])
        ]
        before = [r for r in principal if r.end <= trig.start()]
        rep.target = before[-1].entity if before else None
        rep.holder = rep.agent = by[0].entity if by else None
    else:
        # "X drove Y out of Z": Y sits inside or after the trigger phrase.
        first_word = trig.start() + len(trig.group(0).split()[0])
        loser = next((r.entity for r in principal if r.start >= first_word and r.entity != rep.agent), None)
        rep.holder, rep.target = rep.agent, loser
    if rep.holder and rep.holder == rep.target:
        rep.holder = None


def _one_per_family(reports: list[Report]) -> list[Report]:
    """One report per family and place in a sentence: "seized" and "captured" in one clause, or an
    air strike and the weapons it destroyed, are one report (the first type listed wins)."""
    out: list[Report] = []
    for r in reports:
        twin = next(
            (
                o
                for o in out
                if o.family == r.family
                and (o.place == r.place or not o.place or not r.place)
                and (not r.territory or o.holder == r.holder)
            ),
            None,
        )
        if twin is None:
            out.append(r)
            continue
        twin.also_at += (r.start, *r.also_at)
        twin.weapons = sorted(set(twin.weapons) | set(r.weapons))
        twin.place = twin.place or r.place
        twin.place_surface = twin.place_surface or r.place_surface
        if not twin.agent and r.agent:
            twin.agent, twin.agent_named = r.agent, r.agent_named
        twin.supporters = sorted(set(twin.supporters) | set(r.supporters))
    return out
