"""The catalog matcher: whole words, case rules, plurals, longest match, hyphen and apostrophe variants."""

from __future__ import annotations

import random
import string

from tadmur.catalog import Entity
from tadmur.matcher import Matcher


def ent(eid: str, name: str, *aliases: str, kind: str = "actor", plural: bool = False) -> Entity:
    return Entity(id=eid, kind=kind, name=name, description="test entity", aliases=tuple(aliases),
                  plural_suffix=plural)


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(m.entity_id, m.surface) for m in matcher.find(text)]


IS = Matcher([ent("islamic-state", "Islamic State", "IS")])
TOW = Matcher([ent("bgm-71-tow", "BGM-71 TOW", "TOW", kind="weapon", plural=True)])


def test_short_uppercase_alias_is_a_whole_word_in_exact_case():
    assert found(IS, "IS fighters took the city.") == [("islamic-state", "IS")]
    assert found(IS, "The city fell to IS.") == [("islamic-state", "IS")]
    assert found(IS, "the anti-IS coalition") == [("islamic-state", "IS")]
    assert found(IS, "it is what it is") == []
    assert found(IS, "It Is over") == []
    assert found(IS, "ISIS fighters took the city") == []
    assert found(IS, "THIS and ISLAND and DISARM") == []


def test_match_offsets_point_at_the_text():
    text = "Yesterday IS fighters and the Islamic State’s allies moved."
    ms = IS.find(text)
    assert [(text[m.start:m.end], m.surface) for m in ms] == [
        ("IS", "IS"), ("Islamic State", "Islamic State")]


def test_short_alias_is_ignored_in_an_all_caps_headline():
    assert found(IS, "IS FIGHTERS SEIZE ANCIENT CITY AGAIN") == []


def test_plural_suffix():
    assert found(TOW, "a TOW missile") == [("bgm-71-tow", "TOW")]
    assert found(TOW, "footage of TOWs being used") == [("bgm-71-tow", "TOWs")]
    assert found(TOW, "TOWs.") == [("bgm-71-tow", "TOWs")]
    assert found(TOW, "a tow truck") == []
    assert found(TOW, "Tow truck") == []
    assert found(TOW, "TOWsy TOWER") == []


def test_plural_needs_the_flag():
    no_plural = Matcher([ent("bgm-71-tow", "BGM-71 TOW", "TOW", kind="weapon", plural=False)])
    assert found(no_plural, "footage of TOWs being used") == []
    assert found(no_plural, "a TOW missile") == [("bgm-71-tow", "TOW")]


def test_longest_match_wins():
    m = Matcher([ent("free-syrian-army", "Free Syrian Army"), ent("syrian-army", "Syrian Army")])
    assert found(m, "The Free Syrian Army fought the Syrian Army.") == [
        ("free-syrian-army", "Free Syrian Army"), ("syrian-army", "Syrian Army")]
    m = Matcher([ent("tow", "TOW", kind="weapon", plural=True),
                 ent("bgm-71-tow", "BGM-71 TOW", kind="weapon", plural=True)])
    assert found(m, "one BGM-71 TOW anti-tank missile and two TOWs") == [
        ("bgm-71-tow", "BGM-71 TOW"), ("tow", "TOWs")]


def test_entity_list_order_does_not_matter():
    a, b = ent("free-syrian-army", "Free Syrian Army"), ent("syrian-army", "Syrian Army")
    text = "units of the Free Syrian Army and the Syrian Army"
    assert found(Matcher([a, b]), text) == found(Matcher([b, a]), text)


def test_hyphen_and_space_are_interchangeable():
    m = Matcher([ent("al-qaeda", "al Qaeda", "al-Qaeda")])
    for text in ("al Qaeda", "al-Qaeda", "al\u2011Qaeda", "al\u2013Qaeda", "Al-Qaeda"):
        assert found(m, f"an {text} branch") == [("al-qaeda", text)], text
    only_hyphen = Matcher([ent("al-qaeda", "al-Qaeda")])
    assert found(only_hyphen, "an al Qaeda branch") == [("al-qaeda", "al Qaeda")]
    assert found(only_hyphen, "a royal Qaeda branch") == []


def test_initial_capital_must_match():
    m = Matcher([ent("tiger-forces", "Tiger Forces")])
    assert found(m, "the elite Tiger Forces unit") == [("tiger-forces", "Tiger Forces")]
    assert found(m, "the tiger forces of the jungle") == []


def test_curly_and_straight_apostrophes():
    m = Matcher([ent("islamic-state", "Islamic State", "Da'esh")])
    assert found(m, "fighters of Da’esh") == [("islamic-state", "Da’esh")]
    assert found(m, "fighters of Da'esh") == [("islamic-state", "Da'esh")]
    curly = Matcher([ent("islamic-state", "Islamic State", "Da’esh")])
    assert found(curly, "fighters of Da'esh") == [("islamic-state", "Da'esh")]
    # A possessive after a name does not stop the match.
    assert found(m, "the Islamic State’s conquest") == [("islamic-state", "Islamic State")]


def test_no_match_inside_a_longer_word():
    m = Matcher([ent("palmyra", "Palmyra", kind="place")])
    assert found(m, "Palmyrans and PalmyraX") == []
    assert found(m, "near Palmyra, Syria") == [("palmyra", "Palmyra")]


def test_empty_matcher_finds_nothing():
    assert Matcher([]).find("Islamic State") == []


def _name(rng: random.Random) -> str:
    return " ".join(rng.choice(string.ascii_uppercase) + "".join(rng.choices(string.ascii_lowercase, k=6))
                    for _ in range(2))


def test_many_aliases_over_a_megabyte_of_text():
    """Sanity check at scale (speed is measured by the benchmark, not here)."""
    rng = random.Random(1)
    names = sorted({_name(rng) for _ in range(6000)})[:5000]
    assert len(names) == 5000
    entities = [ent(f"e{i}", "Entity Number " + f"{i:05d}", names[i]) for i in range(5000)]
    matcher = Matcher(entities)
    filler = "the fighters moved along the road near the river and then stopped for the night"
    parts, expected = [], []
    while sum(len(p) + 2 for p in parts) < 1_000_000:
        k = rng.randrange(5000)
        parts.append(f"{filler} {names[k]}")
        expected.append((f"e{k}", names[k]))
    text = ". ".join(parts)
    assert len(text) >= 1_000_000
    assert found(matcher, text) == expected
