"""Discovery rules (data/rules/discovery.yml): names the catalog lacks, and what must never be a name."""

from __future__ import annotations

import pytest
from conftest import ROOT
from tadmur.discover import discover, load_discovery_rules

RULES = load_discovery_rules(ROOT / "data" / "rules" / "discovery.yml")


def findings(sentence: str, masked: list[tuple[int, int]] | None = None) -> list[tuple[str, str]]:
    found, _weak = discover(sentence, masked or [], RULES)
    for f in found:
        assert sentence[f.start:f.end] in (f.name, f.name.replace("-", ""))
    return [(f.kind, f.name) for f in found]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Soon after, the now-defunct Hazm Movement posted a video of its fighters.", ("actor", "Hazm Movement")),
    ("The Chechen group Jaish al Muhajireen wal Ansar also used them.",
     ("actor", "Jaish al Muhajireen wal Ansar")),
    ("Militants seized the Jazal oil field last week.", ("place", "Jazal oil field")),
    ("President Vladimir Putin said the city was liberated.", ("actor", "Vladimir Putin")),
    ("The group said new T62 tanks arrived at the front.", ("weapon", "T-62")),
    ("They captured the S-125 surface-to-air missile site.", ("weapon", "S-125")),
    ("Fighters reached the Tiyas Air Base on Monday.", ("place", "Tiyas Air Base")),
    ("Troops entered the town of al-Qaryatayn after a week.", ("place", "al-Qaryatayn")),
])
def test_strong_rules_find_one_name(sentence, expected):
    assert findings(sentence) == [expected]


def test_finding_details():
    (f,), _ = discover("President Vladimir Putin said the city was liberated.", [], RULES)
    assert (f.kind, f.type, f.rule) == ("actor", "person", "title before name")
    (f,), _ = discover("The group said new T62 tanks arrived at the front.", [], RULES)
    assert (f.kind, f.name, f.rule) == ("weapon", "T-62", "designation")
    assert "T62" == "The group said new T62 tanks arrived at the front."[f.start:f.end]


def test_two_people_in_one_sentence():
    s = ("Russian Defense Minister Sergey Shoigu has reported to the commander-in-chief, President Vladimir "
         "Putin, that the city is free.")
    assert findings(s) == [("actor", "Sergey Shoigu"), ("actor", "Vladimir Putin")]


@pytest.mark.parametrize("sentence", [
    "On Sunday the Russian press reported gains.",
    "Thursday, March 2, 2017",
    "It happened on Thursday, March 2, the ministry said.",
    "It is unclear how long the Russian base had been abandoned.",
    "Moscow insists its air force only targets rebels.",
    "Palmyra fell again.",
    "Meanwhile, fighters moved west.",
    "Images posted online Tuesday by the group also depict fighters.",
    "Russian and Syrian troops held the line.",
])
def test_no_findings(sentence):
    found, weak = discover(sentence, [], RULES)
    assert found == []
    assert weak == []


def test_possessive_is_not_part_of_a_place_name():
    for apostrophe in ("’", "'"):
        s = f"The militants were forced from the major cities of Iraq{apostrophe}s Anbar province – Ramadi."
        assert findings(s) == [("place", "Anbar province")]


def test_masked_spans_are_not_discovered_again():
    s = "Soon after, the now-defunct Hazm Movement posted a video."
    start = s.index("Hazm")
    assert findings(s, [(start, start + len("Hazm Movement"))]) == []
    assert findings(s, [(0, 4)]) == [("actor", "Hazm Movement")]


def test_weak_candidates_are_not_findings():
    found, weak = discover("Fighters were seen near Jisr al Daif yesterday.", [], RULES)
    assert found == []
    assert [w[2] for w in weak] == ["Jisr al Daif"]


def test_designation_stop_words_and_non_weapons():
    assert findings("Leaders of the G-20 met in Hamburg.") == []
    # A designation followed by "highway" is a road (a place), never a weapon.
    assert findings("The convoy drove along the M5 highway.") == [("place", "M5 highway")]
    assert findings("Two T-62 tanks and 20 percent of the M5 road.") == [("weapon", "T-62")]


@pytest.mark.parametrize(("sentence", "person", "role", "group"), [
    ("Brigadier Karim Nadir of the Desert Hawks Brigade told reporters the road was cut.",
     "Karim Nadir", "Brigadier", "Desert Hawks Brigade"),
    ("Researcher Lina Haddad of the Levant Policy Institute called the report credible.",
     "Lina Haddad", "Researcher", "Levant Policy Institute"),
    ("The raid was confirmed by spokesman Omar bin Talal of the Northern Shield Forces on Friday.",
     "Omar bin Talal", "spokesman", "Northern Shield Forces"),
    ("Commander Yasin al-Harbi of the Liwa al-Fursan said the hill was taken.",
     "Yasin al-Harbi", "Commander", "Liwa al-Fursan"),
])
def test_a_titled_person_of_a_group_is_two_names(sentence, person, role, group):
    """A title, a name, then "of the" and a group or organisation: the person and the group they speak
    for, never one actor named "Brigadier Karim Nadir of the Desert Hawks Brigade"."""
    assert sorted(findings(sentence)) == sorted([("actor", person), ("actor", group)])
    found = {f.name: f for f in discover(sentence, [], RULES)[0]}
    assert (found[person].type, found[person].role) == ("person", role)
    assert found[group].type in ("armed group", "organisation")


@pytest.mark.parametrize("sentence", [
    "The Army of the Men of the Naqshbandi Order claimed the attack.",
    "General Staff of the Syrian Forces issued a statement.",
])
def test_a_group_named_with_of_stays_one_name(sentence):
    """Without a title and a name of two words or more before "of", the chain is not cut."""
    assert all(f.type != "person" for f in discover(sentence, [], RULES)[0])
