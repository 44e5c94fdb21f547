"""Stage 4b: events — what happened, when, where, by whom, with what — from the mentions in the KB.

`extract_events(kb, vocab)` reads every citable sentence, finds event triggers (vocabulary in
data/events.yml, modelled on ACLED), assigns roles from the clause around the trigger (agent before
it, "from/against" target after it, "backed by" supporters, place, weapons, figures with their
claimant), resolves the date with `temporal.find_dates` against the article's publication date, and
merges the reports of one event across sentences and articles. Where reports disagree (dates that do
not overlap) every claim is kept beside its sources. `control_history` derives who held a place when.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, BuildErrors
from .kb import KB, Mention
from .slug import slugify
from .temporal import TimeExpr, find_dates
from .yamlio import load_yaml, read_text_utf8

BARE_MONTH = re.compile(
    r"^(?:in |on |during |since |until |from |by )?(?:early |mid-?|late |the end of )?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)$",
    re.I,
)
GOVERNMENT_TYPES = {"state", "state force", "government agency", "coalition"}
NOT_AGENTS = {"media outlet", "organisation"}  # outlets and monitors claim or host; they do not fight
CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|,?\s(?:after|before|when|while|but|however|following|whereas|although|which|where|as)\s",
    re.I,
)


@dataclass
class EventType:
    id: str
    category: str
    label: str
    title: str
    territory: str | None
    needs: str | None
    triggers: list[re.Pattern]


@dataclass
class Vocabulary:
    types: list[EventType]
    doubt: re.Pattern
    claim_verbs: list[str]
    support: list[str]
    anaphora: dict[str, list[str]]
    figures: dict[str, list[str]]
    figure_nouns: list[str]
    hypothetical: re.Pattern
    territorial_types: set[str]


def _words(patterns: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])", re.I)


def load_vocabulary(path: Path) -> Vocabulary:
    name = str(path)
    d = load_yaml(read_text_utf8(path), name)
    try:
        types = []
        for t in d["types"]:
            types.append(
                EventType(
                    t["id"],
                    t["category"],
                    t["label"],
                    t["title"],
                    t.get("territory"),
                    t.get("needs"),
                    [_words([p]) for p in t["triggers"]],
                )
            )
        return Vocabulary(
            types,
            _words(d["doubt"]),
            list(d["claim_before"]),
            list(d["support"]),
            {k: list(v) for k, v in d["anaphora"].items()},
            {k: list(v) for k, v in d["figures"].items()},
            list(d["figure_nouns"]),
            re.compile(r"(?<![\w-])(?:" + "|".join(d["hypothetical"]) + r")\s+(?:\w+\s+){0,3}$", re.I),
            set(d["territorial_actor_types"]),
        )
    except (KeyError, TypeError, re.error) as exc:
        raise BuildError(name, None, f"missing or malformed event vocabulary entry: {exc}") from None


@dataclass
class Ref:
    """An entity in a clause: found by the matcher or resolved from an anaphor ("the militants")."""

    entity: str
    start: int
    end: int
    anaphor: bool = False


@dataclass
class Report:
    """One sentence reporting one event."""

    type: str
    article: str
    paragraph: int
    sentence: int
    quote: str
    trigger: str
    role: str
    speaker: str | None
    published: dt.date
    agent: str | None = None
    target: str | None = None  # who it was taken from, or who was attacked
    supporters: list[str] = field(default_factory=list)
    place: str | None = None
    weapons: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    claimant: str | None = None
    date: TimeExpr | None = None
    doubtful: bool = False
    territory: str | None = None  # gain | loss | expel
    holder: str | None = None  # who holds the place afterwards (territorial reports)


@dataclass
class Event:
    id: str
    type: str
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
    previous: str | None = None
    next: str | None = None
    corrected: dict[str, str] = field(default_factory=dict)  # field -> where an editor set it (file:line)
    reason: str | None = None  # the editor's reason for the correction
    hidden: bool = False
    merged_from: list[str] = field(default_factory=list)  # ids of events an editor merged into this one

    @property
    def url(self) -> str:
        return f"events/{self.id}/"

    @property
    def doc_path(self) -> str:
        return f"events/{self.id}.md"

    def sort_key(self) -> tuple:
        # An undated event sorts by the day it was reported, the latest it can have happened.
        return (self.earliest or self.latest or dt.date.max, self.latest or dt.date.max, self.id)


# ---- finding reports in one sentence -------------------------------------------------------------------


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in CLAUSE_BREAK.finditer(sentence):
        spans.append((pos, m.start()))
        pos = m.start()
    spans.append((pos, len(sentence)))
    return [s for s in spans if s[1] > s[0]]


def _dominant(kb: KB, article: str, kind: str, types: set[str]) -> str | None:
    counts = Counter(
        m.entity
        for m in kb.by_article.get(article, [])
        if kb.entities[m.entity].kind == kind and kb.entities[m.entity].type in types
    )
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else None


def _anaphors(
    sentence: str, vocab: Vocabulary, dominant: dict[str, str | None], taken, recent: dict[str, str]
) -> list[Ref]:
    """Phrases like "the militants" or "the city": the last such name in the paragraph, else the
    article's most-mentioned one."""
    refs = []
    for kind, phrases in vocab.anaphora.items():
        ent = recent.get(kind) or dominant.get(kind)
        if not ent:
            continue
        for m in _words([re.escape(p) for p in sorted(phrases, key=len, reverse=True)]).finditer(sentence):
            if kind == "city" and sentence[m.end() : m.end() + 4] == " of ":
                continue  # "the city of al-Tabqa" names its city
            if not any(s < m.end() and m.start() < e for s, e in taken):
                refs.append(Ref(ent, m.start(), m.end(), anaphor=True))
    return refs


def _is_supporter(sentence: str, ref: Ref, vocab: Vocabulary, c0: int) -> bool:
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


def _figures(sentence: str, vocab: Vocabulary) -> list[dict]:
    kinds = [k for k, verbs in vocab.figures.items() if _words(verbs).search(sentence)]
    if not kinds:
        return []
    pat = re.compile(
        r"(?<![\w.-])(?P<n>\d[\d,]*|a hundred|hundreds of|dozens of|a handful of)\s+(?:[\w-]+\s+){0,3}?"
        r"(?P<noun>" + "|".join(map(re.escape, vocab.figure_nouns)) + r")\b",
        re.I,
    )
    out = []
    for m in pat.finditer(sentence):
        raw = m.group("n").lower()
        count = int(raw.replace(",", "")) if raw[0].isdigit() else None
        out.append({"count": count, "text": m.group(0), "what": m.group("noun").lower(), "kind": kinds[0]})
    return out


def _claimant(sentence: str, actors: list[Ref], vocab: Vocabulary) -> str | None:
    low = sentence.lower()
    at = low.find("according to ")
    if at >= 0:
        after = [r for r in actors if r.start >= at and not r.anaphor]
        if after:
            return min(after, key=lambda r: r.start).entity
    for r in actors:
        if r.anaphor:
            continue
        tail = low[r.end : r.end + 25]
        if re.match(
            r"\s*(?:has |have |had )?(?:" + "|".join(map(re.escape, vocab.claim_verbs)) + r")\b", tail
        ):
            return r.entity
    return None


def _reports_in_sentence(
    kb: KB,
    vocab: Vocabulary,
    article: str,
    pnum: int,
    si: int,
    sentence: str,
    mentions: list[Mention],
    context: dt.date | None,
    dominant: dict[str, str | None],
    recent: dict[str, str],
) -> tuple[list[Report], dt.date | None]:
    art = kb.article(article)
    para = kb.docs[article].paragraphs[pnum - 1]
    s0 = para.sentences[si][0]
    refs = [Ref(m.entity, m.start - s0, m.end - s0) for m in mentions]
    taken = [(r.start, r.end) for r in refs]
    refs += _anaphors(sentence, vocab, dominant, taken, recent)
    refs.sort(key=lambda r: r.start)
    for r in refs:  # remember the last city named, for "the city" in later sentences
        ent = kb.entities[r.entity]
        if not r.anaphor and ent.kind == "place" and ent.type in ("city", "town"):
            recent["city"] = r.entity
    dated_text = sentence
    if para.role == "headline":  # "... -- USA Today": the outlet's name is not a date
        dated_text = re.split(r"\s--\s", sentence)[0]
    dates = find_dates(dated_text, art.published, context)
    # A bare month ("in April") was only guessed against the publication date: it does not become
    # the reference for "the following December" later in the paragraph.
    new_context = next(
        (d.earliest for d in reversed(dates) if d.relation != "until" and not BARE_MONTH.match(d.text)),
        context,
    )
    doubtful = bool(vocab.doubt.search(sentence))
    actors_all = [
        r
        for r in refs
        if kb.entities.get(r.entity, None) is not None and kb.entities[r.entity].kind == "actor"
    ] + [r for r in refs if r.anaphor and r.entity in kb.entities and kb.entities[r.entity].kind == "actor"]
    actors_all = sorted({(r.start, r.entity): r for r in actors_all}.values(), key=lambda r: r.start)
    claimant = _claimant(sentence, actors_all, vocab)
    figures = _figures(sentence, vocab)
    for f in figures:
        f["claimant"] = claimant
    reports: list[Report] = []
    seen_types: set[tuple[str, int]] = set()
    for c0, c1 in _clauses(sentence):
        clause_refs = [r for r in refs if c0 <= r.start < c1]
        places = [r for r in clause_refs if kb.entities[r.entity].kind == "place"]
        weapons = [r for r in clause_refs if kb.entities[r.entity].kind == "weapon" and not r.anaphor]
        actors = [
            r
            for r in clause_refs
            if kb.entities[r.entity].kind == "actor" and kb.entities[r.entity].type not in NOT_AGENTS
        ]
        fighters = [r for r in actors if kb.entities[r.entity].type in vocab.territorial_types]
        clause_dates = [d for d in dates if c0 <= d.start < c1]
        for et in vocab.types:
            trig = next((m for p in et.triggers for m in p.finditer(sentence, c0, c1)), None)
            if trig is None or (et.id, c0) in seen_types:
                continue
            if et.id != "arms-supply" and vocab.hypothetical.search(sentence, c0, trig.start()):
                continue  # "another attempt to retake", "will likely want to": not an event
            after_places = [r for r in places if 0 <= r.start - trig.end() <= 30]
            after_weapons = [r for r in weapons if 0 <= r.start - trig.end() <= 60]
            if et.needs == "weapon" and not weapons:
                continue
            before_places = [r for r in places if 0 <= trig.start() - r.end <= 40]
            if et.territory:
                # The place must be what changes hands: right after the trigger, or just before a
                # passive or "fall" ("the city ... has been liberated", "Palmyra's fall").
                target_places = after_places or before_places
                if not target_places or (after_weapons and not after_places):
                    continue
            if et.id == "capture-of-materiel" and after_places and not after_weapons:
                continue  # "captured Palmyra": a territorial report, not materiel
            rep = Report(
                et.id,
                article,
                pnum,
                si,
                sentence,
                trig.group(0),
                para.role,
                para.author,
                art.published,
                doubtful=doubtful,
                claimant=claimant,
                territory=et.territory,
            )
            rep.supporters = sorted({r.entity for r in actors if _is_supporter(sentence, r, vocab, c0)})
            principal = [r for r in (fighters if et.territory else actors) if r.entity not in rep.supporters]
            before = [r for r in principal if r.end <= trig.start()]
            after = [r for r in principal if r.start >= trig.end()]
            by = [
                r
                for r in after
                if re.search(r"\bby\s+(?:the\s+)?$", sentence[max(c0, r.start - 12) : r.start])
            ]
            # The actor nearest before the trigger acts, unless it is only a modifier: "led by X",
            # "X-made", or the source of the report ("according to X").
            before = [
                r
                for r in before
                if r.entity != claimant
                and not re.search(r"\b(?:led|commanded|run) by\b[^,]{0,40}$", sentence[c0 : r.start])
                and not re.match(r"-made\b", sentence[r.end : r.end + 6])
            ]
            rep.agent = by[0] if by else before[-1] if before else None
            rep.agent = rep.agent.entity if rep.agent else None
            marked = [
                r
                for r in after
                if re.search(
                    r"\b(from|against|to|on)\s+(?:the\s+)?$", sentence[max(c0, r.start - 14) : r.start]
                )
            ]
            rep.target = next((r.entity for r in marked if r.entity != rep.agent), None)
            if et.territory:
                place_ref = _most_specific(kb, after_places or before_places)
            else:
                specific = [r for r in places if kb.entities[r.entity].type != "country"] or places
                place_ref = specific[0] if specific else None
            rep.place = place_ref.entity if place_ref else None
            rep.weapons = sorted({r.entity for r in weapons})
            rep.figures = [f for f in figures if c0 <= sentence.find(f["text"]) < c1] or (
                figures if len(_clauses(sentence)) == 1 else []
            )
            rep.date = clause_dates[0] if clause_dates else (dates[0] if len(dates) == 1 else None)
            if et.territory == "gain":
                rep.holder = rep.agent
            elif et.territory == "loss":
                rep.holder = rep.target
                rep.target = rep.agent
                rep.agent = rep.holder
            elif et.territory == "expel" and (
                re.search(r"\b(?:been|was|were|being)\s+(?:\w+ly\s+)?$", sentence[c0 : trig.start()])
                or trig.group(0).lower().startswith("driven")  # headline passive: "Isis driven out of X"
            ):
                # Passive: "the militants have been forced from X" - the subject lost it.
                rep.target = rep.agent if not by else next((r.entity for r in before), None)
                rep.holder = by[0].entity if by else None
                rep.agent = rep.holder
            elif et.territory == "expel":
                loser = next((r.entity for r in after if r.entity != rep.agent), None)
                rep.holder, rep.target = rep.agent, loser
            if not rep.agent and not rep.place:
                continue  # nothing to say who or where: too vague to be an event
            if et.id in ("weapons-use", "arms-supply", "capture-of-materiel") and not rep.agent:
                continue
            seen_types.add((et.id, c0))
            reports.append(rep)
    return _dedupe_territorial(reports), new_context


PLACE_RANK = {
    "city": 0,
    "town": 0,
    "air base": 0,
    "military base": 0,
    "oil field": 0,
    "gas field": 0,
    "archaeological site": 0,
    "governorate": 2,
    "region": 2,
    "country": 3,
}


def _most_specific(kb: KB, refs: list[Ref]) -> Ref:
    """A city before its province, a province before its country; otherwise the first named."""
    return min(refs, key=lambda r: (PLACE_RANK.get(kb.entities[r.entity].type, 1), r.start))


def _dedupe_territorial(reports: list[Report]) -> list[Report]:
    """One territorial report per clause and place: "seized" and "captured" in one clause are one report."""
    out, seen = [], set()
    for r in reports:
        if r.territory:
            key = (r.sentence, r.place, r.holder)
            if key in seen:
                continue
            seen.add(key)
        out.append(r)
    return out


# ---- merging reports into events ------------------------------------------------------------------------


def _overlaps(a: Report | Event, b: Report | Event) -> bool:
    ea, la = _range(a)
    eb, lb = _range(b)
    return ea <= lb and eb <= la


def _range(x) -> tuple[dt.date, dt.date]:
    if isinstance(x, Report):
        if x.date is None:
            return dt.date.min, x.published
        if x.date.relation == "since":
            return x.date.earliest, x.published
        return x.date.earliest, x.date.latest
    return x.earliest or dt.date.min, x.latest or dt.date.max


def _group_territorial(reports: list[Report]) -> list[list[Report]]:
    """Reports of one place changing hands to one holder are one event until someone else takes it.

    The same actor cannot take a place twice without losing it in between, so two reports of "A took X"
    with no report of another holder dated between them are one event, even when they give different
    dates (the disagreement is kept as separate date claims).
    """
    by_place: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        by_place[r.place].append(r)
    groups: list[list[Report]] = []
    for place in sorted(by_place, key=str):
        reps = by_place[place]
        dated = sorted((r for r in reps if r.date), key=lambda r: (r.date.earliest, r.article, r.paragraph))
        place_groups: list[list[Report]] = []
        for r in dated:
            holder = r.holder
            cur = next(
                (
                    g
                    for g in reversed(place_groups)
                    if _holder(g) == holder or holder is None or _holder(g) is None
                ),
                None,
            )
            if cur is not None:
                last = cur.memo("last_dated", lambda g: max(_range(x)[0] for x in g if x.date))
                between = [
                    g
                    for g in place_groups
                    if g is not cur
                    and _holder(g) not in (holder, None)
                    and any(last <= d <= r.date.earliest for d in _days(g))
                ]
                if not between and (_holder(cur) == holder or _overlap_any(cur, r)):
                    cur.append(r)
                    continue
            place_groups.append(_Group([r]))
        for r in sorted((r for r in reps if not r.date), key=lambda r: (r.article, r.paragraph, r.sentence)):
            # Undated: the most recent matching event reported on or before the article's date.
            fits = [
                g
                for g in place_groups
                if (_holder(g) == r.holder or (r.holder is None and _recent_or_same_article(g, r)))
                and g.memo("start", lambda g: min(_range(x)[0] for x in g)) <= r.published
                and not _taken_by_other_since(place_groups, g, r)
            ]
            if fits:
                max(
                    fits,
                    key=lambda g: g.memo(
                        "last", lambda g: max(x.date.earliest if x.date else x.published for x in g)
                    ),
                ).append(r)
            else:
                place_groups.append(_Group([r]))
        groups += _merge_contested(place_groups)
    return groups


def _recent_or_same_article(g: _Group, r: Report) -> bool:
    """A report that does not say who took the place ("the fall of Mosul") joins an event only if that
    event is from the same article or happened in the month before the report."""
    if r.article in g.memo("articles", lambda o: {x.article for x in o}):
        return True
    days = _days(g)
    return bool(days) and (r.published - days[-1]).days <= 31


def _taken_by_other_since(groups: list[list[Report]], g: list[Report], r: Report) -> bool:
    """Did someone else take the place after group g's event and before report r was published?

    An undated group counts from the day it was first reported. A taking reported in r's own article
    does not count: an article that reports the place falling and also mentions an earlier capture
    is telling the earlier one as background.
    """
    days = _days(g)
    start = days[-1] if days else g.memo("first_report", lambda g: min(x.published for x in g))
    # Rival claims about the days of a taking that r's own article reports are background too.
    own_days = [d for o in groups if r.article in _articles(o) for d in _days(o)]

    def rival_of_own(other: _Group) -> bool:
        return any(abs((d - o).days) <= 3 for d in _days(other) for o in own_days)

    return any(
        other is not g
        and _holder(other) not in (None, _holder(g))
        and r.article not in _articles(other)
        and any(start < d <= r.published for d in _days(other))
        and not rival_of_own(other)
        for other in groups
    )


def _articles(group: _Group) -> set[str]:
    return group.memo("articles", lambda o: {x.article for x in o})


def _merge_contested(groups: list[list[Report]]) -> list[list[Report]]:
    """Two outcomes reported for one fight: "Russian air power drove the militants out" and "the
    militants reentered the city" on the same weekend are one event with disagreeing claims."""
    out: list[list[Report]] = []
    for g in groups:
        dated = [x for x in g if x.date and x.date.precision in ("day", "week")]
        home = next(
            (
                o
                for o in out
                if o[0].place == g[0].place
                and _holder(o) != _holder(g)
                and dated
                and any(
                    y.date and y.date.precision in ("day", "week") and _overlaps(x, y)
                    for x in dated
                    for y in o
                )
            ),
            None,
        )
        if home is not None:
            home.extend(g)
        else:
            out.append(g)
    return out


class _Group(list):
    """A list of reports that caches what merging asks of it again and again (its holder, articles
    and dated days), so grouping thousands of reports of one place stays fast."""

    def __init__(self, items=()):
        super().__init__(items)
        self._cache: dict[str, object] = {}

    def append(self, item) -> None:
        super().append(item)
        self._cache.clear()

    def extend(self, items) -> None:
        super().extend(items)
        self._cache.clear()

    def memo(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make(self)
        return self._cache[key]


def _days(group: _Group) -> list[dt.date]:
    """The distinct earliest days of the group's dated reports, in order."""
    return group.memo("days", lambda g: sorted({x.date.earliest for x in g if x.date}))


def _holder(group: list[Report]) -> str | None:
    def make(g):
        holders = Counter(r.holder for r in g if r.holder)
        return holders.most_common(1)[0][0] if holders else None

    return group.memo("holder", make) if isinstance(group, _Group) else make(group)


def _overlap_any(group: list[Report], r: Report) -> bool:
    return any(x.date and _overlaps(x, r) for x in group)


MATERIEL_TYPES = ("capture-of-materiel", "destruction-of-materiel", "weapons-use", "arms-supply")


def _group_other(reports: list[Report]) -> list[list[Report]]:
    """Reports of one type at one place merge when their dates overlap and their actors (and, for
    weapons events, weapons) agree. Each group keeps a summary so merging stays near-linear."""
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    order: list[dict] = []
    for r in sorted(
        reports, key=lambda r: (r.type, str(r.place), r.published, r.article, r.paragraph, r.sentence)
    ):
        for g in buckets[(r.type, r.place)]:
            shared = (r.agent in g["actors"] or r.agent is None or g["first"].agent is None) and (
                not r.weapons or bool(set(r.weapons) & g["weapons"]) or r.type not in MATERIEL_TYPES
            )
            if (
                shared
                and any(e <= _range(r)[1] and _range(r)[0] <= lt for e, lt in g["ranges"])
                and (r.date or g["dated"] or r.article == g["first"].article)
            ):
                break
        else:
            g = {
                "reports": [],
                "actors": set(),
                "weapons": set(),
                "ranges": set(),
                "dated": False,
                "first": r,
            }
            buckets[(r.type, r.place)].append(g)
            order.append(g)
        g["reports"].append(r)
        g["actors"] |= {r.agent, r.target}
        g["weapons"] |= set(r.weapons)
        g["ranges"].add(_range(r))
        g["dated"] = g["dated"] or r.date is not None
    return [g["reports"] for g in order]


def _claims(reports: list[Report]) -> list[dict]:
    claims: dict[tuple, dict] = {}
    for r in reports:
        if r.date is None:
            continue
        key = (r.date.earliest, r.date.latest, r.date.precision)
        c = claims.setdefault(
            key,
            {
                "earliest": r.date.earliest,
                "latest": r.date.latest,
                "precision": r.date.precision,
                "text": r.date.text,
                "anchor": r.date.anchor,
                "relation": r.date.relation,
                "sources": [],
            },
        )
        if (r.article, r.paragraph) not in c["sources"]:
            c["sources"].append((r.article, r.paragraph))
    return sorted(
        claims.values(),
        key=lambda c: (-len({a for a, _ in c["sources"]}), (c["latest"] - c["earliest"]).days, c["earliest"]),
    )


def _title(kb: KB, et: EventType, agent: str | None, place: str | None, loser: str | None) -> str:
    name = lambda eid: kb.entities[eid].name if eid in kb.entities else ""  # noqa: E731
    if et.territory:
        title = (
            f"{name(agent)} takes {name(place)}"
            if agent
            else f"{name(loser)} loses {name(place)}"
            if loser
            else f"{name(place)} changes hands"
        )
    else:
        title = et.title.format(agent=name(agent) or "Unknown actor", place=name(place) or "an unnamed place")
    if not place:
        title = (
            title.replace(" at an unnamed place", "")
            .replace(" near an unnamed place", "")
            .replace(" in an unnamed place", "")
            .replace(" to an unnamed place", "")
        )
    return title


def _make_event(group: list[Report], kb: KB, vocab: Vocabulary) -> Event:
    types = {t.id: t for t in vocab.types}
    group = sorted(group, key=lambda r: (r.published, r.article, r.paragraph, r.sentence))
    place = Counter(r.place for r in group if r.place).most_common(1)
    place = place[0][0] if place else None
    agents = Counter(r.agent for r in group if r.agent)
    targets = Counter(r.target for r in group if r.target)
    supporters = sorted({s for r in group for s in r.supporters})
    agent = sorted(agents.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if agents else None
    holder = _holder(group)
    et = types[group[0].type]
    type_id, label = et.id, et.label
    if et.territory:
        taker = holder or agent
        kind = kb.entities[taker].type if taker in kb.entities else None
        if kind in GOVERNMENT_TYPES:
            type_id, label = "government-regains-territory", "Government regains territory"
        elif kind:
            type_id, label = "non-state-actor-overtakes-territory", "Non-state actor overtakes territory"
        else:
            type_id, label = "territory-changes-hands", "Territory changes hands"
        agent = taker
    participants: dict[str, list[str]] = {}
    if agent:
        participants["agent"] = [agent]
    others = sorted(set(agents) - {agent} - set(supporters))
    if others:
        participants["also acting"] = others
    tgt = sorted(set(targets) - {agent})
    if tgt:
        participants["target" if not et.territory else "taken from"] = tgt
    if supporters:
        participants["supporting"] = sorted(set(supporters) - {agent})
    holders = {r.holder for r in group if r.holder}
    contested = len(holders) > 1
    claims = _claims(group)
    chosen = claims[0] if claims else None
    disputed = (
        any(c["latest"] < chosen["earliest"] or c["earliest"] > chosen["latest"] for c in claims[1:])
        if chosen
        else False
    )
    figures = []
    for r in group:
        for f in r.figures:
            fig = dict(f, article=r.article, paragraph=r.paragraph)
            if fig not in figures:
                figures.append(fig)
    loser = next(iter(sorted(set(targets) - {agent})), None)
    title = _title(kb, et, agent, place, loser)
    return Event(
        id="",
        type=type_id,
        category=et.category,
        label=label,
        title=title,
        reports=group,
        place=place,
        participants=participants,
        weapons=sorted({w for r in group for w in r.weapons}),
        figures=figures,
        claims=claims,
        earliest=chosen["earliest"] if chosen else None,
        latest=chosen["latest"] if chosen else max(r.published for r in group),
        precision=chosen["precision"] if chosen else "unknown",
        disputed=disputed,
        doubtful=all(r.doubtful for r in group),
        holder=holder if et.territory else None,
        contested=sorted(holders) if contested else [],
    )


def extract_events(kb: KB, vocab: Vocabulary) -> list[Event]:
    """Every event reported in the corpus, merged across reports, in date order, with stable ids."""
    by_sentence: dict[tuple[str, int, int], list[Mention]] = defaultdict(list)
    for m in kb.mentions:
        by_sentence[(m.article, m.paragraph, m.sentence)].append(m)
    reports: list[Report] = []
    for art in kb.articles:
        doc = kb.docs[art.id]
        dominant = {
            "armed group": _dominant(kb, art.id, "actor", {"armed group"}),
            "state force": _dominant(kb, art.id, "actor", {"state force"}),
            "city": _dominant(kb, art.id, "place", {"city", "town"}),
        }
        for para in doc.scanned():
            if para.role == "comment":
                continue  # readers' comments are not reports
            context = None
            recent: dict[str, str] = {}
            for si, (s0, s1) in enumerate(para.sentences):
                found, context = _reports_in_sentence(
                    kb,
                    vocab,
                    art.id,
                    para.n,
                    si,
                    para.text[s0:s1],
                    by_sentence.get((art.id, para.n, si), []),
                    context,
                    dominant,
                    recent,
                )
                reports += found
    territorial = [r for r in reports if r.territory and r.place]
    other = [r for r in reports if not r.territory]
    events = [_make_event(g, kb, vocab) for g in _group_territorial(territorial) + _group_other(other)]
    events.sort(key=lambda e: (e.sort_key(), e.title))
    used: set[str] = set()
    for e in events:
        stamp = e.earliest.strftime("%Y-%m") if e.earliest else "undated"
        base = slugify(f"{stamp} {e.title}", max_len=70)
        eid, n = base, 2
        while eid in used:
            eid, n = f"{base}-{n}", n + 1
        used.add(eid)
        e.id = eid
    _link_neighbours(events)
    return events


def _link_neighbours(events: list[Event]) -> None:
    """Previous and next event at the same place."""
    by_place: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        e.previous = e.next = None
        if e.place:
            by_place[e.place].append(e)
    for evs in by_place.values():
        for a, b in zip(evs, evs[1:], strict=False):
            a.next, b.previous = b.id, a.id


TERRITORY_TYPES = {
    "government-regains-territory": "Government regains territory",
    "non-state-actor-overtakes-territory": "Non-state actor overtakes territory",
    "territory-changes-hands": "Territory changes hands",
}


def apply_corrections(events: list[Event], corr, kb: KB, vocab: Vocabulary) -> tuple[list, list, dict]:
    """Apply the editors' corrections from event pages (see corrections.py).

    Returns (events to show, hidden events, {merged event id: the id it was merged into}). Ids never
    change, so a correction stays attached to its page.
    """
    from .corrections import parse_date

    errors: list[BuildError] = []
    by_id = {e.id: e for e in events}
    types = {t.id: t for t in vocab.types}
    merged: dict[str, str] = {}
    for eid, fix in sorted(corr.events.items()):
        if eid not in by_id:
            corr.warnings.append(
                f"{fix.page}: no event has the id {eid!r} any more, so its corrections do nothing; "
                "move them to the event's new page, or delete the file"
            )
            continue
        target = fix.fields.get("merge_into")
        if target is None:
            continue
        if target == eid or target not in by_id:
            errors.append(fix.error("merge_into", f"no other event has the id {target!r}"))
        elif corr.events.get(target) and corr.events[target].fields.get("merge_into"):
            errors.append(fix.error("merge_into", f"{target!r} is itself merged into another event"))
        else:
            merged[eid] = target
    for target in sorted(set(merged.values())):
        sources = sorted(k for k, v in merged.items() if v == target)
        old = by_id[target]
        reports = list(old.reports) + [r for k in sources for r in by_id[k].reports]
        # The merged reports add evidence, dates and figures; what the event is stays the target's.
        new = _make_event(reports, kb, vocab)
        for attr in ("type", "category", "label", "title", "place", "participants", "holder", "contested"):
            setattr(new, attr, getattr(old, attr))
        new.weapons = sorted(set(old.weapons) | set(new.weapons))
        new.id, new.merged_from = old.id, sources
        new.corrected["merge"] = ", ".join(corr.events[k].source("merge_into") for k in sources)
        by_id[target] = new
    for eid, fix in sorted(corr.events.items()):
        ev = by_id.get(eid)
        if ev is None or eid in merged:
            continue
        f = fix.fields
        ev.reason = f.get("reason")
        if f.get("hidden"):
            ev.hidden = True
            ev.corrected["hidden"] = fix.source("hidden")
        if "type" in f:
            t = f["type"]
            if t in TERRITORY_TYPES:
                ev.type, ev.label, ev.category = t, TERRITORY_TYPES[t], "Battles"
            elif t in types and not types[t].territory:
                ev.type, ev.label, ev.category = t, types[t].label, types[t].category
            else:
                allowed = sorted(set(TERRITORY_TYPES) | {k for k, v in types.items() if not v.territory})
                errors.append(fix.error("type", f"unknown event type {t!r}; one of: {', '.join(allowed)}"))
                continue
            ev.corrected["type"] = fix.source("type")
        for key, kinds in (("place", ("place",)), ("weapons", ("weapon",))):
            if key not in f:
                continue
            values = f[key] if isinstance(f[key], list) else [f[key]] if f[key] else []
            bad = [v for v in values if v not in kb.entities or kb.entities[v].kind not in kinds]
            if bad:
                errors.append(fix.error(key, f"no {kinds[0]} page has the id {bad[0]!r}"))
                continue
            if key == "place":
                ev.place = values[0] if values else None
            else:
                ev.weapons = values
            ev.corrected[key] = fix.source(key)
        if "participants" in f:
            roles = dict(ev.participants)
            for role, ids in f["participants"].items():
                bad = [v for v in ids if v not in kb.entities]
                if bad:
                    errors.append(fix.error("participants", f"no entity page has the id {bad[0]!r}"))
                    continue
                if ids:
                    roles[role] = list(ids)
                else:
                    roles.pop(role, None)
            order = ["agent", "also acting", "target", "taken from", "supporting"]
            ev.participants = {r: roles[r] for r in order if r in roles}
            if ev.holder and roles.get("agent"):
                ev.holder = roles["agent"][0]
            ev.corrected["participants"] = fix.source("participants")
        if "date" in f:
            ev.earliest, ev.latest, ev.precision = parse_date(f["date"])
            ev.corrected["date"] = fix.source("date")
        if {"type", "place", "participants"} & set(ev.corrected):
            # The derived territorial types title like any territorial vocabulary type.
            et = types.get(ev.type) or next(t for t in vocab.types if t.territory)
            agent = (ev.participants.get("agent") or [None])[0]
            loser = (ev.participants.get("taken from") or ev.participants.get("target") or [None])[0]
            ev.title = _title(kb, et, agent, ev.place, loser)
    if errors:
        raise BuildErrors(errors)
    shown = [e for e in by_id.values() if e.id not in merged and not e.hidden]
    hidden = [e for e in by_id.values() if e.hidden and e.id not in merged]
    for e in hidden:
        e.previous = e.next = None
    shown.sort(key=lambda e: (e.sort_key(), e.title))
    _link_neighbours(shown)
    return shown, hidden, merged


def control_history(events: list[Event], place: str) -> list[dict]:
    """Who held the place when: one row per change of hands, oldest first."""
    rows = []
    for e in events:
        if e.place == place and e.holder:
            if rows and rows[-1]["holder"] == e.holder:
                continue
            rows.append(
                {
                    "event": e.id,
                    "holder": e.holder,
                    "from": (e.participants.get("taken from") or [None])[0],
                    "earliest": e.earliest,
                    "latest": e.latest,
                    "precision": e.precision,
                    "disputed": e.disputed,
                }
            )
    return rows
