"""The event stage's own pieces: its vocabulary file is checked with file:line, and event ids are
kept across builds (with redirects for ids that two events merging retired)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ROOT
from tadmur.errors import BuildError
from tadmur.events import load_vocabulary
from tadmur.events.identity import settle_ids
from tadmur.events.model import Event, Report

VOCAB = ROOT / "data" / "events.yml"
SCHEMA = ROOT / "schema" / "events.schema.json"


def _vocab_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = VOCAB.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "events.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    "old, new, says",
    [
        ("    family: battle\n", "    family: battle\n    colour: red\n", "unknown field 'colour'"),
        ("'massacre(d|s)?'", "'massacre(d|s?'", "bad regular expression"),
        ("    family: siege\n", "    family: sieges\n", "unknown family 'sieges'"),
        ("    strength: 0.4\n", "    strength: high\n", "strength': 'high' is not of type 'number'"),
    ],
)
def test_a_mistake_in_the_vocabulary_names_its_line(tmp_path, old, new, says):
    path, line = _vocab_with(tmp_path, old, new)
    with pytest.raises(BuildError) as err:
        load_vocabulary(path, SCHEMA)
    message = str(err.value)
    assert says in message and str(path) in message
    assert f":{line}" in message or f":{line + 1}" in message, message


def test_the_shipped_vocabulary_loads():
    vocab = load_vocabulary(VOCAB, SCHEMA)
    assert {t.family for t in vocab.types} <= set(vocab.families)
    assert vocab.confidence["publish_at"] > 0


def _report(article: str, paragraph: int, sentence: int = 0) -> Report:  # trigger "fighting"
    return Report(
        "armed-clash",
        "battle",
        article,
        paragraph,
        sentence,
        0,
        "q",
        "fighting",
        "body",
        None,
        dt.date(2016, 1, 1),
    )


def _event(eid: str, *reports: Report) -> Event:
    return Event(
        eid,
        "armed-clash",
        "battle",
        "Battles",
        "Armed clash",
        "Fighting",
        list(reports),
        None,
        {},
        [],
        [],
        [],
        None,
        None,
        "unknown",
        False,
        False,
    )


def _old(eid: str, *keys: tuple[str, int]) -> dict:
    return {
        "id": eid,
        "sources": [{"article": a, "paragraph": p, "sentence": 1, "trigger": "fighting"} for a, p in keys],
    }


def test_an_event_keeps_the_id_it_had_whatever_its_new_made_up_id():
    events = [_event("fresh-id-aaaaaa", _report("a", 1), _report("b", 4))]
    moves = settle_ids({"events": [_old("first-id", ("a", 1))], "redirects": []}, events)
    assert events[0].id == "first-id" and moves == {}


def test_when_two_events_become_one_the_other_id_redirects_to_the_survivor():
    events = [_event("x-111111", _report("a", 1), _report("a", 2), _report("b", 3))]
    previous = {"events": [_old("big", ("a", 1), ("a", 2)), _old("small", ("b", 3))], "redirects": []}
    moves = settle_ids(previous, events)
    assert events[0].id == "big" and moves == {"small": ("big", "joined")}


def test_redirects_are_carried_on_and_followed():
    events = [_event("x-111111", _report("a", 1), _report("b", 3))]
    previous = {
        "events": [_old("big", ("a", 1)), _old("small", ("b", 3))],
        "redirects": [
            {"from": "events/older/", "to": "events/small/", "why": "joined"},
            {"from": "actors/x/", "to": "actors/y/", "why": "renamed"},
        ],
    }
    moves = settle_ids(previous, events)
    assert moves == {"older": ("big", "joined"), "small": ("big", "joined")}


def test_a_new_event_never_takes_an_id_an_old_one_keeps():
    events = [_event("same-222222", _report("a", 1)), _event("same-222222", _report("z", 9))]
    settle_ids({"events": [_old("same-222222", ("a", 1))], "redirects": []}, events)
    assert events[0].id == "same-222222" and events[1].id == "same-222222-2"


def test_corrections_follow_an_event_that_joined_another(tmp_path):
    """The last build had two events where this one finds one: the page of the retired one redirects
    to the survivor, which records it in merged_from, and the date an editor set there still applies."""
    import json
    import shutil

    from conftest import copy_project
    from tadmur.pages import FIELDS_MARK
    from tadmur.paths import Project
    from tadmur.pipeline import build_docs

    root = copy_project(tmp_path / "p")
    build_docs(Project(root))
    path = root / "docs" / "data" / "knowledge.json"
    kn = json.loads(path.read_text(encoding="utf-8"))

    def sentences(e):
        return sorted({(s["article"], s["paragraph"], s["sentence"]) for s in e["sources"]})

    ev = next(e for e in kn["events"] if len(sentences(e)) >= 3)
    keys = sentences(ev)
    small = [s for s in ev["sources"] if (s["article"], s["paragraph"], s["sentence"]) == keys[-1]]
    big = [s for s in ev["sources"] if (s["article"], s["paragraph"], s["sentence"]) != keys[-1]]
    kn["events"] = [e for e in kn["events"] if e is not ev] + [
        {**ev, "id": "big-old", "sources": big},
        {**ev, "id": "small-old", "sources": small},
    ]
    path.write_text(json.dumps(kn), encoding="utf-8")
    page = root / "docs" / "events" / "small-old.md"
    shutil.copy(root / "docs" / "events" / f"{ev['id']}.md", page)
    lines = page.read_text(encoding="utf-8").split("\n")
    mark = lines.index(FIELDS_MARK)
    lines[mark + 1 : mark + 1] = ["date: 2016-12-11", "reason: The day the wire gives."]
    page.write_text("\n".join(lines), encoding="utf-8")
    manifest = root / "docs" / ".tadmur-generated"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "events/small-old.md\n", encoding="utf-8")

    build_docs(Project(root))
    after = json.loads(path.read_text(encoding="utf-8"))
    (survivor,) = [e for e in after["events"] if e["id"] == "big-old"]
    assert sentences(survivor) == keys
    assert "small-old" in survivor["merged_from"]
    assert (survivor["date"]["start"], survivor["date"]["end"]) == ("2016-12-11", "2016-12-11")
    assert {"field": "date", "set_at": f"docs/events/small-old.md:{mark + 2}"} in survivor["corrections"]
    assert {"from": "events/small-old/", "to": "events/big-old/", "why": "joined"} in after["redirects"]
    assert "data-tadmur-redirect" in page.read_text(encoding="utf-8")


# The direct tests, one report against each report of a group: what the indexes in cluster.py
# (_Reach, _Holdings) must answer, written the plain way.


def _part_of(r: Report, t: list, how: str) -> bool:
    from tadmur.events.cluster import _overlaps

    if r.date and r.date.relation == "after":
        return False
    if r.date:
        return any(_overlaps(r, y) for y in t if y.date)
    if how == "paragraph":
        return any((y.article, y.paragraph) == (r.article, r.paragraph) for y in t)
    return any((y.article, y.paragraph, y.sentence) == (r.article, r.paragraph, r.sentence) for y in t)


def _taken_by_other_since(groups: list, g, r: Report) -> bool:
    from tadmur.events.cluster import _articles, _days, holder

    days = _days(g)
    start = days[-1] if days else min(x.published for x in g)
    own_days = [d for o in groups if r.article in _articles(o) for d in _days(o)]

    def rival_of_own(other) -> bool:
        return any(abs((d - o).days) <= 3 for d in _days(other) for o in own_days)

    return any(
        other is not g
        and holder(other) not in (None, holder(g))
        and r.article not in _articles(other)
        and any(start < d <= r.published for d in _days(other))
        and not rival_of_own(other)
        for other in groups
    )


def _random_report(rng, i: int) -> Report:
    from tadmur.temporal import TimeExpr

    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(400))
    date = None
    if rng.random() < 0.7:
        relation = rng.choice(["at", "at", "since", "after"])
        date = TimeExpr(0, 1, "x", day, day + dt.timedelta(days=rng.choice([0, 0, 1, 6, 30])), "day", day,
                        relation)
    return Report(
        type="clash", family="fighting", article=f"a{rng.randrange(5)}", paragraph=rng.randrange(3),
        sentence=rng.randrange(3), start=i, quote="", trigger="", role="body", speaker=None,
        published=day + dt.timedelta(days=rng.randrange(60)), date=date,
    )


def test_absorb_index_answers_as_the_direct_test():
    """absorb keeps, per change of hands, the union of its reports' days and where they are told; it must
    give the same answer as testing each report of the group, as the group grows."""
    import random

    from tadmur.events.cluster import _Reach

    rng = random.Random(5)
    for _ in range(200):
        group = [_random_report(rng, i) for i in range(rng.randrange(1, 6))]
        reach = _Reach(group)
        for j in range(30):
            r = _random_report(rng, 100 + j)
            for how in ("paragraph", "sentence"):
                assert reach.part_of(r, how) == _part_of(r, group, how)
            if rng.random() < 0.5:
                group.append(r)
                reach.add(r)


def test_holdings_answer_as_the_direct_test():
    """group_territorial asks, for each undated report, which groups it could join by holder and, for
    each of those, whether someone else took the place in between; _Holdings answers from its indexes,
    kept up to date as reports join groups (a holder may change) and new groups are added, and must
    answer as the direct tests do."""
    import random

    from tadmur.events.cluster import (
        Group,
        _fits_holder,
        _Holdings,
        _recent_or_same_article,
        _taken_since,
    )

    rng = random.Random(7)
    holders = ["a", "b", "c", None]
    for _ in range(150):
        groups = []
        for _ in range(rng.randrange(1, 7)):
            reps = [_random_report(rng, i) for i in range(rng.randrange(1, 4))]
            for x in reps:
                x.holder = rng.choice(holders)
            groups.append(Group(reps))
        holdings = _Holdings(groups)
        for j in range(12):
            r = _random_report(rng, 200 + j)
            r.date = None
            r.article = rng.choice(["a0", "a1", "a9"])
            r.holder = rng.choice(holders)
            latest = holdings.latest(r)
            for g in groups:
                assert _taken_since(g, latest) == _taken_by_other_since(groups, g, r)
            def could_join(g, r=r):
                return _fits_holder(g, r) and (r.holder is not None or _recent_or_same_article(g, r))

            pool = holdings.pool(r)
            assert [id(g) for g in pool if could_join(g)] == [id(g) for g in groups if could_join(g)]
            if r.holder is not None:
                assert all(_fits_holder(g, r) for g in pool)
            if rng.random() < 0.6:
                holdings.join(rng.choice(groups), r)
            else:
                holdings.start(r)


def test_months_index_offers_every_group_a_dated_report_could_join():
    """group_other tests a dated report only against the groups _Months offers; every group whose
    dated days meet the report's, and every group with no dated report, must be among them, in order."""
    import dataclasses
    import random

    from tadmur.events.cluster import _Months, _Spans
    from tadmur.events.dates import report_range

    rng = random.Random(11)
    for _ in range(100):
        months, spans = _Months(), []
        for i in range(rng.randrange(1, 12)):
            spans.append(_Spans())
            months.undated.add(i)
            for _ in range(rng.randrange(0, 4)):
                r = _random_report(rng, i)
                if r.date is None:
                    continue
                if rng.random() < 0.1:  # now and then a range of years ("since 2011")
                    early = r.date.earliest.replace(year=rng.choice([2009, 2012, 2014]))
                    r.date = dataclasses.replace(r.date, earliest=early)
                spans[i].add(*report_range(r))
                months.add(i, *report_range(r))
        for j in range(20):
            r = _random_report(rng, 100 + j)
            offered = list(months.candidates(r, len(spans)))
            assert offered == sorted(offered)
            for i, s in enumerate(spans):
                if r.date is None or not s or s.overlaps(*report_range(r)):
                    assert i in offered, (i, r.date)


def test_the_place_index_finds_the_change_of_hands_a_scan_would():
    """absorb asks each place's index for the first change of hands a report is part of; it must be the
    one the direct test over every group at the place finds, as the groups grow."""
    import random

    from tadmur.events.cluster import Group, _AtPlace, _Reach

    rng = random.Random(13)
    for _ in range(150):
        groups = [Group([_random_report(rng, i) for i in range(rng.randrange(1, 4))]) for _ in range(6)]
        seen = {id(g): _Reach(g) for g in groups}
        at = _AtPlace(groups, seen)
        for j in range(25):
            r = _random_report(rng, 100 + j)
            for how in ("paragraph", "sentence"):
                direct = next((g for g in groups if _part_of(r, g, how)), None)
                assert at.first(r, how) is direct
            home = at.first(r, "paragraph")
            if home is not None:
                home.append(r)
                seen[id(home)].add(r)
                at.add(home, r)


def _contested_direct(groups: list) -> list:
    """_merge_contested as a scan: each group joins the first earlier one of another holder with a day-
    or week-precise report whose days meet one of its own."""
    from tadmur.events.cluster import _overlaps, holder

    def precise(x) -> bool:
        return bool(x.date) and x.date.precision in ("day", "week")

    out: list = []
    for g in groups:
        dated = [x for x in g if precise(x)]
        meets = (o for o in out if any(precise(y) and _overlaps(x, y) for x in dated for y in o))
        home = next((o for o in meets if holder(o) != holder(g)), None)
        if home is not None:
            home.extend(g)
        else:
            out.append(g)
    return out


def test_contested_index_merges_as_the_direct_scan():
    """_merge_contested finds the groups a group could merge with by the days of their precise reports;
    the merged groups must be the scan's, report for report, with long and imprecise ranges among them."""
    import dataclasses
    import random

    from tadmur.events.cluster import Group, _merge_contested

    rng = random.Random(17)
    for _ in range(200):
        made = []
        for _ in range(rng.randrange(1, 10)):
            reps = [_random_report(rng, i) for i in range(rng.randrange(1, 4))]
            for x in reps:
                x.holder = rng.choice(["a", "b", "c", None])
                if x.date is not None and rng.random() < 0.3:
                    x.date = dataclasses.replace(x.date, precision=rng.choice(["week", "month"]))
                if x.date is not None and rng.random() < 0.1:  # a range longer than the index keeps by day
                    x.date = dataclasses.replace(x.date, latest=x.date.earliest + dt.timedelta(days=90))
            made.append(reps)
        indexed = _merge_contested([Group(reps) for reps in made])
        direct = _contested_direct([Group(reps) for reps in made])
        assert [[x.start for x in g] for g in indexed] == [[x.start for x in g] for g in direct]


def test_sides_meet_exactly_when_actors_are_related():
    """group_other offers a report with an actor only the groups whose actors' sides meet its own (_Sides);
    that must be exactly the groups `related` would accept, on a random graph of parents."""
    import random
    from types import SimpleNamespace

    from tadmur.events.cluster import _Sides, related, sides

    rng = random.Random(19)
    names = [f"x{i}" for i in range(12)]
    for _ in range(100):
        entities = {
            n: SimpleNamespace(affiliation=[(rng.choice(names), rng.choice(["part_of", "led_by", "ally"]))
                                            for _ in range(rng.randrange(0, 3))])
            for n in names
        }
        kb = SimpleNamespace(entities=entities)
        vocab = SimpleNamespace(same_side={"part_of", "led_by"})
        for a in names:
            for b in names:
                assert related(kb, vocab, a, b) == bool(sides(kb, vocab, a) & sides(kb, vocab, b)), (a, b)
        index, groups = _Sides(), []
        for i in range(rng.randrange(1, 8)):
            actors = rng.sample(names, rng.randrange(0, 3))
            groups.append(actors)
            index.add(i, [])  # made without an actor, then given them one by one, as group_other does
            for a in actors:
                index.add(i, [sides(kb, vocab, a)])
        for a in names:
            direct = {
                i for i, actors in enumerate(groups)
                if not actors or any(related(kb, vocab, a, b) for b in actors)
            }
            assert index.agreeing(sides(kb, vocab, a)) == direct


def test_a_types_gate_matches_wherever_one_of_its_triggers_does():
    """The gate (vocabulary.gate) lets a clause with none of a type's triggers be skipped: it must
    match wherever any single trigger does, in the shipped vocabulary and in hostile patterns."""
    import random

    from tadmur.events.vocabulary import gate, words

    vocab = load_vocabulary(ROOT / "data" / "events.yml")
    rng = random.Random(3)
    pieces = ["captured", "retook", "the", "city", "shelled", "clashes", "-", "re-took", "x", ",",
              "advanced on", "air strikes", "fighting", "besieged", "Took", "taking", "seized"]
    texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(2000)]
    for et in vocab.types:
        assert et.any_trigger is not None
        for text in texts:
            c0 = rng.randint(0, len(text))
            c1 = rng.randint(c0, len(text))
            if any(t.pattern.search(text, c0, c1) for t in et.triggers):
                assert et.any_trigger.search(text, c0, c1), (et.id, text, c0, c1)
    hostile = ["(a)b\\1", "(?P<x>a)(?P=x)", "(?P<x>a)", "a(?(1)b|c)"]
    assert gate(hostile) is None  # back references and a group used twice: no gate, every trigger tried
    assert gate(["(?P<x>a)", "b"]).pattern == words(["(?P<x>a)", "b"]).pattern
