"""From a group of reports to one event: its type, roles, date, confidence, title and permanent id."""

from __future__ import annotations

import hashlib
from collections import Counter

from ..kb import KB
from ..slug import slugify
from .cluster import holder as group_holder
from .dates import claims, settle
from .model import Event, Report
from .vocabulary import EventType, Vocabulary

GOVERNMENT_TYPES = {"state", "state force", "government agency", "coalition"}
TERRITORY_TYPES = {
    "government-regains-territory": "Government regains territory",
    "non-state-actor-overtakes-territory": "Non-state actor overtakes territory",
    "territory-changes-hands": "Territory changes hands",
}
ROLE_ORDER = ["agent", "also acting", "target", "taken from", "supporting"]


def title(kb: KB, et: EventType, agent: str | None, place: str | None, loser: str | None) -> str:
    def name(eid):
        return kb.entities[eid].name if eid in kb.entities else ""

    if et.territory:
        if agent:
            return f"{name(agent)} takes {name(place)}"
        return f"{name(loser)} loses {name(place)}" if loser else f"{name(place)} changes hands"
    text = et.title.format(agent=name(agent) or "Unknown actor", place=name(place) or "an unnamed place")
    if not place:
        for prep in ("at", "near", "in", "to"):
            text = text.replace(f" {prep} an unnamed place", "")
    return text


def permanent_id(founder: Report, vocab: Vocabulary) -> str:
    """Made once from the event's first report (see Report.founding_order) and never from its date,
    title or entity names, so new articles, re-dating and merges of entities leave it alone."""
    digest = hashlib.sha1(f"{founder.key}:{founder.family}:{founder.place_surface}".encode()).hexdigest()[:6]
    words = " ".join(w for w in (founder.place_surface, vocab.id_word(founder.family)) if w)
    return f"{slugify(words, max_len=40)}-{digest}"


def _primary_type(group: list[Report], vocab: Vocabulary) -> EventType:
    """The territory type when the group holds a change of hands, else its most reported type (ties
    to the type listed first)."""
    order = {t.id: i for i, t in enumerate(vocab.types)}
    territorial = [r for r in group if r.territory]
    pool = territorial or group
    counts = Counter(r.type for r in pool)
    return vocab.type(min(counts, key=lambda t: (-counts[t], order[t])))


def make_event(group: list[Report], kb: KB, vocab: Vocabulary) -> Event:
    group = sorted(group, key=lambda r: r.founding_order())
    et = _primary_type(group, vocab)
    core = [r for r in group if r.family == et.family] or group
    place = Counter(r.place for r in core if r.place).most_common(1)
    place = place[0][0] if place else None
    agents = Counter(r.agent for r in core if r.agent)
    targets = Counter(r.target for r in core if r.target)
    supporters = sorted({s for r in group for s in r.supporters})
    agent = sorted(agents.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if agents else None
    holder = group_holder(core) if et.territory else None
    type_id, label = et.id, et.label
    if et.territory:
        kind = kb.entities[holder].type if holder in kb.entities else None
        if kind in GOVERNMENT_TYPES:
            type_id, label = "government-regains-territory", TERRITORY_TYPES["government-regains-territory"]
        elif kind:
            type_id, label = (
                "non-state-actor-overtakes-territory",
                TERRITORY_TYPES["non-state-actor-overtakes-territory"],
            )
        else:
            type_id, label = "territory-changes-hands", TERRITORY_TYPES["territory-changes-hands"]
        agent = holder
    participants: dict[str, list[str]] = {}
    if agent:
        participants["agent"] = [agent]
    others = sorted(set(agents) - {agent} - set(supporters) - ({None} | set(targets)))
    if others and not et.territory:
        participants["also acting"] = others
    lost = sorted(set(targets) - {agent})
    if lost:
        participants["taken from" if et.territory else "target"] = lost
    backing = sorted(set(supporters) - {agent} - set(lost))
    if backing:
        participants["supporting"] = backing
    holders = {r.holder for r in core if r.holder}
    cl = claims(group)
    earliest, latest, precision, disputed = settle(cl)
    figures = []
    for r in group:
        for f in r.figures:
            fig = dict(f, article=r.article, paragraph=r.paragraph)
            if fig not in figures:
                figures.append(fig)
    ev = Event(
        id=permanent_id(group[0], vocab),
        type=type_id,
        family=et.family,
        category=et.category,
        label=label,
        title=title(kb, et, agent, place, lost[0] if lost else None),
        reports=group,
        place=place,
        participants=participants,
        weapons=sorted({w for r in group for w in r.weapons}),
        figures=figures,
        claims=cl,
        earliest=earliest,
        latest=latest if cl else max(r.published for r in group),
        precision=precision,
        disputed=disputed,
        doubtful=all(r.doubtful for r in group),
        holder=holder,
        contested=sorted(holders) if len(holders) > 1 else [],
    )
    ev.confidence = confidence(ev, vocab)
    ev.confirmed = ev.confidence >= vocab.confidence["publish_at"] and bool(ev.earliest or ev.place)
    return ev


DATE_WEIGHT = {"day": 1.0, "week": 1.0, "month": 0.8, "year": 0.5}


def confidence(ev: Event, vocab: Vocabulary) -> float:
    """How sure the evidence makes the event: a date phrase, a named agent, a place, the trigger's
    strength and independent outlets add; reports that all doubt themselves subtract."""
    w = vocab.confidence
    score = w["date"] * DATE_WEIGHT.get(ev.precision, 0.0)
    core = [r for r in ev.reports if r.family == ev.family] or ev.reports
    if any(r.agent_named for r in core):
        score += w["agent"]
    elif any(r.agent or r.target for r in core):
        score += w["agent"] * 0.4
    if ev.place:
        score += w["place"]
    score += w["trigger"] * max(vocab.type(r.type).strength for r in core)
    # Other outlets' headlines quoted on a page (an aggregator's list) are those outlets' reports.
    outlets = {
        (r.speaker if r.role == "headline" and r.speaker else r.outlet) or r.article for r in ev.reports
    }
    score += w["outlet"] * min(2, len(outlets) - 1)
    if ev.doubtful:
        score += w["doubtful"]
    return round(max(0.0, min(1.0, score)), 2)
