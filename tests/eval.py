"""How right the build is, measured against the hand-made answer key in tests/gold/ (`make eval`).

    .venv/bin/python tests/eval.py                       # build the export in memory (docs/ is not written)
    .venv/bin/python tests/eval.py --knowledge FILE      # or score an existing knowledge.json
    .venv/bin/python tests/eval.py --json                # the metrics as JSON

The answer key (tests/gold/):
- events.yml: the real happenings the seeds report, with the true date window, acceptable places, agents
  and, for changes of control, the holder afterwards (`core: true` for the ones a reader must find);
- control.yml: who held each place that changes hands, period by period;
- entities.yml: the entities a reader must find.

A published event matches a gold event when its family (its `type`, mapped by TYPE_FAMILY) is the gold's,
its place is one of the gold's place ids exactly (an enclosing or enclosed place is not enough; `null` in
the gold's list accepts an event with no place that cites one of the gold's evidence paragraphs), and its
date is compatible: a dated event's [start, end]
overlaps the gold window; an undated one was reported (date.end) on or after the window's start. A gold
event is found "with the right date" only if a matching event has a start and its [start, end] lies within
the window widened by 31 days on each side (a year-precision date for a May event does not count).

Metrics (evaluate() returns them, with the lists behind them under "details"):
- core_recall_dated, core_recall, core_recall_any_date: core gold events found with the right date, found
  (compatible date), found by family and place whatever the date; core_recall_dated_strict: found with the
  right date by an event that, for a change of hands, also names an acceptable holder (or loser);
- precision: published events matching some gold event (core or not) / published events;
- undated_placeless: published events with neither a date start nor a place;
- false_claims: published territory events that no gold territory event at that place and a compatible
  date supports: holder_after not among its holders, or (holder_after null) the `taken from` participant
  not among its taken_from / the previous holders in control.yml (no holder and no taken from: false when
  no gold change of hands fits at all);
- control_violations: published territory events at a place of control.yml naming as holder afterwards
  someone who never held it; control_timeline_errors: dated ones naming someone who did not hold it then;
- duplicates: core gold events to which more than one published event is assigned (each published event
  is assigned to its best-matching gold event, preferring one whose evidence paragraphs it cites);
- entity_recall: gold entities (in the catalog) present in `entities`; entity_recall_all counts the ones
  the catalog lacks too;
- agent_agreement: assigned published events naming an acceptable agent, among those whose gold names one;
- core_recall_dated_with_candidates: core_recall_dated counting the unconfirmed `candidate_events` too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = Path(__file__).resolve().parent / "gold"
TOLERANCE = dt.timedelta(days=31)

TERRITORY_TYPES = frozenset(
    {"government-regains-territory", "non-state-actor-overtakes-territory", "territory-changes-hands"})
TYPE_FAMILY = {
    **{t: "territory" for t in TERRITORY_TYPES},
    "armed-clash": "battle",
    "siege": "siege",
    "air-strike": "strike",
    "shelling": "strike",
    "violence-against-civilians": "violence",
    "arms-supply": "supply",
    "capture-of-materiel": "materiel-capture",
    "destruction-of-materiel": "materiel-destruction",
    "weapons-use": "weapons-use",
    "deployment": "deployment",
    "intervention": "intervention",
    "destruction-of-heritage": "heritage",
    "cultural-event": "cultural",
}
FAMILIES = frozenset(TYPE_FAMILY.values())
AGENT_ROLES = frozenset({"agent", "also acting"})

# (key, label, format) of the metrics main() prints, in order.
TABLE = (
    ("core_recall_dated", "core events found with the right date", "ratio"),
    ("core_recall_dated_strict", "  ... and, for territory, with the right holder", "ratio"),
    ("core_recall", "core events found (compatible date)", "ratio"),
    ("core_recall_any_date", "core events found, ignoring dates", "ratio"),
    ("recall_dated_all", "all gold events found with the right date", "ratio"),
    ("core_recall_dated_with_candidates", "core right-date recall, counting candidates", "ratio"),
    ("precision", "published events matching a gold event", "ratio"),
    ("agent_agreement", "matched events naming an acceptable agent", "ratio"),
    ("false_claims", "false territorial claims", "count"),
    ("control_violations", "holders never in control of the place", "count"),
    ("control_timeline_errors", "holders not in control at the event's date", "count"),
    ("duplicates", "core events published more than once", "count"),
    ("undated_placeless", "published events with no date and no place", "count"),
    ("entity_recall", "gold entities found (catalogued ones)", "ratio"),
    ("entity_recall_all", "gold entities found (incl. missing from catalog)", "ratio"),
    ("junk_pages", "pages for names that are not names (not_names.yml)", "count"),
    ("unreviewed_pages", "unreviewed pages (names the rules found)", "count"),
)


# ---- dates -----------------------------------------------------------------------------------------------

def _date(value, *, end: bool = False) -> dt.date | None:
    """A date from ISO text (YYYY, YYYY-MM or YYYY-MM-DD; the last day of the period when end) or a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parts = str(value).strip()[:10].split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    month = int(parts[1])
    if len(parts) == 2:
        if not end:
            return dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(year, month, int(parts[2]))


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else "-"


# ---- the answer key --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GoldEvent:
    id: str
    core: bool
    families: frozenset[str]
    places: tuple[str | None, ...]
    start: dt.date
    end: dt.date
    agents: frozenset[str]
    holders: frozenset[str]
    taken_from: frozenset[str]
    evidence: frozenset[tuple[str, int]]
    note: str

    @property
    def territory(self) -> bool:
        return "territory" in self.families


@dataclass(frozen=True)
class Period:
    holders: frozenset[str]
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Gold:
    events: tuple[GoldEvent, ...]
    control: dict[str, tuple[Period, ...]]
    entities: tuple[tuple[str, bool], ...]  # (id, missing_from_catalog)
    not_names: tuple[str, ...] = ()  # words in the seeds that must never get a page (bylines, readers...)


def _ids(value) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(v for v in value if v)


def _evidence_ref(ref: str) -> tuple[str, int]:
    article, _, para = str(ref).partition("#")
    if not para.startswith("p") or not para[1:].isdigit():
        raise ValueError(f"evidence {ref!r}: expected article-id#pN")
    return article, int(para[1:])


def load_gold(gold_dir: Path = GOLD_DIR) -> Gold:
    """Read and check events.yml, control.yml and entities.yml; a malformed entry raises ValueError."""
    gold_dir = Path(gold_dir)
    raw = yaml.safe_load((gold_dir / "events.yml").read_text(encoding="utf-8")) or {}
    items = raw.get("events", []) if isinstance(raw, dict) else raw
    events, seen = [], set()
    for item in items:
        gid = item.get("id")
        if not gid or gid in seen:
            raise ValueError(f"events.yml: missing or repeated id {gid!r}")
        seen.add(gid)
        fam = item.get("family")
        families = frozenset([fam] if isinstance(fam, str) else fam or [])
        if not families or not families <= FAMILIES:
            raise ValueError(f"events.yml {gid}: family {fam!r} not among {sorted(FAMILIES)}")
        window = item.get("window") or []
        if len(window) != 2:
            raise ValueError(f"events.yml {gid}: window must be [earliest, latest]")
        start, end = _date(window[0]), _date(window[1], end=True)
        if start is None or end is None or end < start:
            raise ValueError(f"events.yml {gid}: bad window {window!r}")
        places = item.get("place")
        places = tuple([places] if places is None or isinstance(places, str) else places)
        holders = _ids(item.get("holder_after"))
        if "territory" in families and not holders:
            raise ValueError(f"events.yml {gid}: a territory event needs holder_after")
        events.append(GoldEvent(
            id=gid, core=bool(item.get("core")), families=families, places=places, start=start, end=end,
            agents=_ids(item.get("agent")), holders=holders, taken_from=_ids(item.get("taken_from")),
            evidence=frozenset(_evidence_ref(r) for r in item.get("evidence") or []),
            note=str(item.get("note") or "").strip()))

    control: dict[str, tuple[Period, ...]] = {}
    control_path = gold_dir / "control.yml"
    if control_path.exists():
        raw_control = yaml.safe_load(control_path.read_text(encoding="utf-8")) or {}
        for place, periods in raw_control.items():
            control[place] = tuple(
                Period(_ids(p.get("holder")), _date(p.get("from")), _date(p.get("to"), end=True))
                for p in periods)
            if any(not p.holders for p in control[place]):
                raise ValueError(f"control.yml {place}: a period without holder")

    entities: list[tuple[str, bool]] = []
    entities_path = gold_dir / "entities.yml"
    if entities_path.exists():
        raw_entities = yaml.safe_load(entities_path.read_text(encoding="utf-8")) or []
        if isinstance(raw_entities, dict):
            raw_entities = raw_entities.get("entities", [])
        for e in raw_entities:
            if isinstance(e, dict):
                entities.append((e["id"], bool(e.get("missing_from_catalog"))))
            else:
                entities.append((str(e), False))
    not_names_path = gold_dir / "not_names.yml"
    not_names = yaml.safe_load(not_names_path.read_text(encoding="utf-8")) if not_names_path.exists() else []
    if not isinstance(not_names, list) or not all(isinstance(n, str) for n in not_names):
        raise ValueError("not_names.yml: expected a list of names")
    return Gold(tuple(events), control, tuple(entities), tuple(not_names))


# ---- the build's events ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SysEvent:
    id: str
    type: str
    family: str | None
    place: str | None
    start: dt.date | None
    end: dt.date | None
    report: dt.date | None  # undated events: when it was reported
    precision: str
    agents: frozenset[str]
    taken_from: frozenset[str]
    holder: str | None
    sources: frozenset[tuple[str, int]]

    def describe(self) -> str:
        when = (f"{_iso(self.start)}..{_iso(self.end)}" if self.start
                else f"undated (reported {_iso(self.report)})")
        holder = f" holder={self.holder}" if self.family == "territory" else ""
        taken = f" taken_from={','.join(sorted(self.taken_from))}" if self.taken_from else ""
        agents = ",".join(sorted(self.agents)) or "-"
        return f"{self.id} [{self.type}] place={self.place} {when} agent={agents}{holder}{taken}"


def _sys_event(e: dict) -> SysEvent:
    date = e.get("date") or {}
    start = _date(date.get("start"))
    end = _date(date.get("end"), end=True)
    report = None
    if start is None:
        reported = [_date(s.get("reported")) for s in e.get("sources") or []]
        report = end or max((r for r in reported if r), default=None)
        end = None
    elif end is None or end < start:
        end = start
    roles: dict[str, set[str]] = {}
    for p in e.get("participants") or []:
        roles.setdefault(p.get("role"), set()).add(p.get("entity"))
    return SysEvent(
        id=str(e.get("id")), type=str(e.get("type")), family=TYPE_FAMILY.get(e.get("type")),
        place=e.get("place"), start=start, end=end, report=report,
        precision=str(date.get("precision") or "unknown"),
        agents=frozenset(set().union(*(roles.get(r, set()) for r in AGENT_ROLES))),
        taken_from=frozenset(roles.get("taken from", set())), holder=e.get("holder_after"),
        sources=frozenset((s.get("article"), s.get("paragraph")) for s in e.get("sources") or []))


# ---- matching --------------------------------------------------------------------------------------------

def family_place_match(s: SysEvent, g: GoldEvent) -> bool:
    """Same family and one of the gold's place ids; an event with no place matches a gold that accepts
    none (`null` in its places) only if it cites one of the gold's evidence paragraphs."""
    if s.family not in g.families or s.place not in g.places:
        return False
    return s.place is not None or bool(s.sources & g.evidence)


def date_compatible(s: SysEvent, g: GoldEvent) -> bool:
    if s.start is not None:
        return s.start <= g.end and s.end >= g.start
    return s.report is None or s.report >= g.start


def right_date(s: SysEvent, g: GoldEvent) -> bool:
    return s.start is not None and s.start >= g.start - TOLERANCE and s.end <= g.end + TOLERANCE


def matches(s: SysEvent, g: GoldEvent) -> bool:
    return family_place_match(s, g) and date_compatible(s, g)


def _distance(s: SysEvent, g: GoldEvent) -> int:
    if s.start is not None:
        return max(0, (g.start - s.end).days, (s.start - g.end).days)
    if s.report is None:
        return 0
    return max(0, (s.report - g.end).days)


def _agent_ok(s: SysEvent, g: GoldEvent) -> bool:
    return not g.agents or bool(s.agents & g.agents)


def best_gold(s: SysEvent, gold: tuple[GoldEvent, ...]) -> GoldEvent | None:
    """The gold event a published event stands for: cites its evidence, right date, right agent, nearest."""
    candidates = [g for g in gold if matches(s, g)]
    if not candidates:
        return None
    return max(candidates, key=lambda g: (bool(s.sources & g.evidence), right_date(s, g), _agent_ok(s, g),
                                          -_distance(s, g), g.core))


def _previous_holders(g: GoldEvent, control: dict[str, tuple[Period, ...]]) -> set[str]:
    """Holders whose period at the gold's places ends within its window (widened by the tolerance)."""
    out: set[str] = set()
    for place in g.places:
        for p in control.get(place, ()):
            if p.end is not None and g.start - TOLERANCE <= p.end <= g.end + TOLERANCE:
                out |= p.holders
    return out


def holder_consistent(s: SysEvent, g: GoldEvent, control: dict[str, tuple[Period, ...]]) -> bool:
    """A territory event agrees with the gold change of hands on who holds the place afterwards (or, with
    no holder, on who lost it); other families always agree."""
    if s.family != "territory":
        return True
    if s.holder:
        return s.holder in g.holders
    if s.taken_from:
        return bool(s.taken_from & (g.taken_from | _previous_holders(g, control)))
    return True


def false_claim(s: SysEvent, gold: Gold) -> bool:
    """A published territory event that no gold change of hands supports (see the module docstring)."""
    fitting = [g for g in gold.events if g.territory and s.place in g.places and date_compatible(s, g)]
    return not any(holder_consistent(s, g, gold.control) for g in fitting)


def _holds_after(holder: str, s: SysEvent, periods: tuple[Period, ...]) -> bool:
    """holder held the place at some time in the month after the event: (end, end + tolerance]."""
    hi = s.end + TOLERANCE
    return any(holder in p.holders and (p.start is None or p.start <= hi) and (p.end is None or p.end > s.end)
               for p in periods)


# ---- evaluation ------------------------------------------------------------------------------------------

def _ratio(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def _core_status(g: GoldEvent, events: list[SysEvent]) -> tuple[str, list[str]]:
    compatible = [s for s in events if matches(s, g)]
    if any(right_date(s, g) for s in compatible):
        return "right date", [s.id for s in compatible]
    if compatible:
        return "found, date not right", [s.id for s in compatible]
    other = [s for s in events if family_place_match(s, g)]
    if other:
        return "found only at a wrong date", [s.id for s in other]
    return "missed", []


def evaluate(knowledge: dict, gold_dir: Path = GOLD_DIR) -> dict:
    """Score one knowledge.json export against the answer key in gold_dir; see the module docstring."""
    gold = load_gold(gold_dir)
    published = [_sys_event(e) for e in knowledge.get("events") or []]
    candidates = [_sys_event(e) for e in knowledge.get("candidate_events") or []]
    core = [g for g in gold.events if g.core]

    # recall
    core_rows = []
    for g in core:
        status, ids = _core_status(g, published)
        core_rows.append({"id": g.id, "status": status, "events": ids, "family": "/".join(sorted(g.families)),
                          "place": list(g.places), "window": [_iso(g.start), _iso(g.end)],
                          "holder_after": sorted(g.holders)})
    dated = sum(r["status"] == "right date" for r in core_rows)
    found = sum(r["status"] in ("right date", "found, date not right") for r in core_rows)
    any_date = sum(r["status"] != "missed" for r in core_rows)
    strict = sum(any(matches(s, g) and right_date(s, g) and holder_consistent(s, g, gold.control)
                     for s in published) for g in core)
    all_dated = sum(any(matches(s, g) and right_date(s, g) for s in published) for g in gold.events)
    pool = published + candidates
    dated_with_candidates = sum(any(matches(s, g) and right_date(s, g) for s in pool) for g in core)

    # precision, assignment, duplicates, agents
    assigned: dict[str, list[str]] = {}
    unmatched, agent_pairs, agent_hits = [], 0, 0
    for s in published:
        g = best_gold(s, gold.events)
        if g is None:
            unmatched.append(s.describe())
            continue
        assigned.setdefault(g.id, []).append(s.id)
        if g.agents:
            agent_pairs += 1
            agent_hits += bool(s.agents & g.agents)
    matched = len(published) - len(unmatched)
    duplicates = {g.id: assigned[g.id] for g in core if len(assigned.get(g.id, ())) > 1}

    # territorial claims and control history
    territory = [s for s in published if s.family == "territory"]
    false = [s.describe() for s in territory if false_claim(s, gold)]
    control_rows, violations, timeline_errors = {}, [], []
    for place, periods in gold.control.items():
        at_place = sorted((s for s in territory if s.place == place),
                          key=lambda s: (s.start or s.report or dt.date.max, s.id))
        if not at_place:
            continue
        known = set().union(*(p.holders for p in periods))
        control_rows[place] = [f"{_iso(s.start or s.report)} {s.holder}" for s in at_place]
        for s in at_place:
            if s.holder is None:
                continue
            if s.holder not in known:
                violations.append(f"{place}: {s.describe()}")
            elif s.start is not None and not _holds_after(s.holder, s, periods):
                timeline_errors.append(f"{place}: {s.describe()}")

    # entities
    present = {e.get("id") for e in knowledge.get("entities") or []}
    not_names = {" ".join(n.lower().split()) for n in gold.not_names}

    def spellings(e: dict) -> set[str]:
        return {" ".join(str(n).lower().split()) for n in [e.get("name", ""), *(e.get("aliases") or [])]}

    all_entities = knowledge.get("entities") or []
    junk = sorted(e.get("name", "") for e in all_entities if spellings(e) & not_names)
    unreviewed = sorted(e.get("name", "") for e in all_entities if not e.get("reviewed", True))
    catalogued = [eid for eid, missing in gold.entities if not missing]
    missing_entities = [eid for eid, _ in gold.entities if eid not in present]

    # evidence references that no longer point at a paragraph (the paragraph split may have changed)
    paragraphs = {a.get("id"): {p.get("n") for p in a.get("paragraphs") or []}
                  for a in knowledge.get("articles") or []}
    warnings = [f"{g.id}: evidence {a}#p{n} is not a paragraph of the build"
                for g in gold.events for a, n in sorted(g.evidence)
                if paragraphs and n not in paragraphs.get(a, set())]

    return {
        "published": len(published),
        "candidates": len(candidates),
        "gold_events": len(gold.events),
        "gold_core": len(core),
        "core_recall_dated": _ratio(dated, len(core)),
        "core_recall_dated_strict": _ratio(strict, len(core)),
        "core_recall": _ratio(found, len(core)),
        "core_recall_any_date": _ratio(any_date, len(core)),
        "recall_dated_all": _ratio(all_dated, len(gold.events)),
        "core_recall_dated_with_candidates": _ratio(dated_with_candidates, len(core)),
        "precision": _ratio(matched, len(published)),
        "matched_published": matched,
        "agent_agreement": _ratio(agent_hits, agent_pairs),
        "false_claims": len(false),
        "control_violations": len(violations),
        "control_timeline_errors": len(timeline_errors),
        "duplicates": len(duplicates),
        "undated_placeless": sum(s.start is None and s.place is None for s in published),
        "entity_recall": _ratio(sum(eid in present for eid in catalogued), len(catalogued)),
        "entity_recall_all": _ratio(len(gold.entities) - len(missing_entities), len(gold.entities)),
        "junk_pages": len(junk),
        "unreviewed_pages": len(unreviewed),
        "details": {
            "junk": junk,
            "unreviewed": unreviewed,
            "core": core_rows,
            "unmatched": unmatched,
            "false_claims": false,
            "control": control_rows,
            "control_violations": violations,
            "control_timeline_errors": timeline_errors,
            "duplicates": duplicates,
            "assigned": assigned,
            "missing_entities": missing_entities,
            "gold_warnings": warnings,
        },
    }


# ---- command line ----------------------------------------------------------------------------------------

def build_knowledge(root: Path = ROOT) -> dict:
    """The export the build would write, made in memory from root's seeds and catalog (nothing is written)."""
    try:
        from tadmur.paths import Project
        from tadmur.pipeline import generate
    except ImportError:  # not installed in the venv: use the source tree
        sys.path.insert(0, str(ROOT / "scripts"))
        from tadmur.paths import Project
        from tadmur.pipeline import generate
    return json.loads(generate(Project(Path(root))).files["data/knowledge.json"])


def format_report(result: dict) -> str:
    d = result["details"]
    lines = [f"{result['published']} published events ({result['candidates']} candidates); answer key: "
             f"{result['gold_events']} events, {result['gold_core']} core", ""]
    width = max(len(label) for _, label, _ in TABLE)
    for key, label, kind in TABLE:
        value = result[key]
        shown = f"{value:6.1%}" if kind == "ratio" else f"{value:6d}"
        lines.append(f"  {label:<{width}}  {shown}")
    lines.append("")
    for row in d["core"]:
        if row["status"] != "right date":
            events = f" <- {', '.join(row['events'])}" if row["events"] else ""
            places = "|".join(map(str, row["place"]))
            lines.append(f"MISSED   {row['id']} ({row['status']}): {row['family']} at {places} "
                         f"{row['window'][0]}..{row['window'][1]}{events}")
    lines += [f"FALSE    {x}" for x in d["false_claims"]]
    lines += [f"UNMATCHED {x}" for x in d["unmatched"]]
    lines += [f"DUPLICATE {gid}: {', '.join(ids)}" for gid, ids in d["duplicates"].items()]
    lines += [f"CONTROL  never held: {x}" for x in d["control_violations"]]
    lines += [f"CONTROL  not held then: {x}" for x in d["control_timeline_errors"]]
    if d["missing_entities"]:
        lines.append(f"ENTITIES missing: {', '.join(d['missing_entities'])}")
    if d["junk"]:
        lines.append(f"JUNK pages: {', '.join(d['junk'])}")
    if d["unreviewed"]:
        lines.append(f"UNREVIEWED pages: {', '.join(d['unreviewed'])}")
    lines += [f"WARNING  {x}" for x in d["gold_warnings"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the build against the answer key in tests/gold/.")
    parser.add_argument("--knowledge", type=Path, help="a knowledge.json to score (default: build in memory)")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="answer key folder (default: tests/gold)")
    parser.add_argument("--root", type=Path, default=ROOT, help="project to build (default: this one)")
    parser.add_argument("--json", action="store_true", help="print the metrics and details as JSON")
    args = parser.parse_args(argv)
    if args.knowledge:
        knowledge = json.loads(args.knowledge.read_text(encoding="utf-8"))
    else:
        knowledge = build_knowledge(args.root)
    result = evaluate(knowledge, args.gold)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
