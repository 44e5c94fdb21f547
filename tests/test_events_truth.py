"""What the event extractor should get right, one failure class at a time, on short invented sentences.

Each test builds a throwaway copy of the project holding only its own article(s) and reads the JSON
export (docs/data/knowledge.json as `generate` makes it). The target contract:

* `events` are published (confirmed) events, `candidate_events` unconfirmed ones (same shape);
* territorial events have `holder_after`, and participants with roles agent / also acting / target /
  taken from / supporting;
* `date` is {start, end, precision, disputed}; `date_claims` keep each source's own claim.

Tests about the correctness of a role or a date look at published and candidate events alike (a wrong
claim is wrong wherever it is published); tests about what is published look at `events` only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_project, write_seed
from tadmur.pages import FIELDS_MARK
from tadmur.paths import Project
from tadmur.pipeline import build_docs, generate

TERRITORIAL = {
    "government-regains-territory",
    "non-state-actor-overtakes-territory",
    "territory-changes-hands",
}
RUSSIAN_AIR = {"russian-aerospace-forces", "russia", "russian-armed-forces"}
US_ACTORS = {
    "united-states",
    "us-armed-forces",
    "us-air-force",
    "us-army",
    "us-special-operations-forces",
    "us-central-command",
    "us-department-of-defense",
    "cjtf-oir",
}
# A headline with no trigger word, place or actor in it: it must not add an event of its own.
HEADLINE = "Dispatch from a correspondent covering the war in the region"


# ---- helpers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Art:
    """A test article: its slug, its publication date and its body (one paragraph a line)."""

    slug: str
    published: str
    body: str

    @property
    def id(self) -> str:
        return f"{self.published}-test-{self.slug}"


def add_articles(root: Path, *arts: Art) -> None:
    for a in arts:
        write_seed(
            root,
            f"{a.slug}.md",
            f"{HEADLINE}\n{a.body.strip()}\n",
            id=a.id,
            title=HEADLINE,
            published=a.published,
            outlet="Test Outlet",
        )


def make_project(dest: Path, *arts: Art) -> Path:
    """A project copy whose only articles are `arts`."""
    root = copy_project(dest)
    for f in (root / "seeds").glob("*.md"):
        f.unlink()
    add_articles(root, *arts)
    return root


def knowledge(root: Path) -> dict:
    return json.loads(generate(Project(root)).files["data/knowledge.json"])


def build(dest: Path, *arts: Art) -> dict:
    """The export of a project holding only `arts`."""
    return knowledge(make_project(dest, *arts))


def everything(data: dict) -> list[dict]:
    """Published and candidate events."""
    return list(data["events"]) + list(data.get("candidate_events", []))


def territorial(data: dict, place: str | None = None, *, published_only: bool = False) -> list[dict]:
    pool = data["events"] if published_only else everything(data)
    return [e for e in pool if e["type"] in TERRITORIAL and (place is None or e["place"] == place)]


def from_article(events: list[dict], article: str) -> list[dict]:
    return [e for e in events if any(s["article"] == article for s in e["sources"])]


def role(event: dict, name: str) -> set[str]:
    return {p["entity"] for p in event["participants"] if p["role"] == name}


def day(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def interval(event: dict) -> tuple[dt.date | None, dt.date | None]:
    return day(event["date"]["start"]), day(event["date"]["end"])


def show(events: list[dict]) -> list:
    """A compact view of events for assertion messages."""
    return [
        (
            e["type"],
            e["place"],
            e.get("holder_after"),
            e["date"]["start"],
            e["date"]["end"],
            sorted((p["role"], p["entity"]) for p in e["participants"]),
            [s["quote"][:60] for s in e["sources"]],
        )
        for e in events
    ]


def the_only(events: list[dict]) -> dict:
    assert len(events) == 1, show(events)
    return events[0]


def add_fields(page: Path, text: str) -> None:
    """Contributor fields right below the '# == Your fields' line of a generated page."""
    lines = page.read_text(encoding="utf-8").split("\n")
    mark = lines.index(FIELDS_MARK)
    lines[mark + 1 : mark + 1] = text.split("\n")
    page.write_text("\n".join(lines), encoding="utf-8")


def single(tmp_path: Path, published: str, body: str, slug: str = "a") -> tuple[dict, Art]:
    art = Art(slug, published, body)
    return build(tmp_path / "p", art), art


# ---- dates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Last May Iraqi troops retook Rutba, and the previous July Islamic State had overrun Baiji.",
        "Last May, Iraqi troops retook Rutba; Islamic State had overrun Baiji the previous July.",
    ],
    ids=["and-the-previous-july", "the-previous-july-after"],
)
def test_01_the_previous_month_counts_back_from_the_last_one(tmp_path: Path, body: str):
    data, _ = single(tmp_path, "2016-12-12", body)
    baiji = territorial(data, "baiji")
    assert baiji, show(everything(data))
    for e in baiji:
        assert interval(e) == (dt.date(2015, 7, 1), dt.date(2015, 7, 31)), show([e])
    for e in territorial(data, "rutba"):
        assert interval(e) == (dt.date(2016, 5, 1), dt.date(2016, 5, 31)), show([e])


def test_02_a_bare_month_takes_the_year_the_paragraph_is_set_in(tmp_path: Path):
    data, _ = single(
        tmp_path,
        "2016-11-20",
        "Islamic State first overran Ramadi back in May 2015. "
        "On that occasion the Iraqi army had just retaken Tikrit in April.",
    )
    tikrit = territorial(data, "tikrit")
    assert tikrit, show(everything(data))
    for e in tikrit:
        assert interval(e) == (dt.date(2015, 4, 1), dt.date(2015, 4, 30)), show([e])


@pytest.mark.parametrize(
    "published, body, place, lo, hi",
    [
        pytest.param(
            "2015-05-19",
            "Islamic State has released photographs from Anbar province.\n"
            "The group on Sunday forced Iraqi troops out of Ramadi.",
            "ramadi",
            "2015-05-17",
            "2015-05-17",
            id="on-sunday-mid-sentence",
        ),
        pytest.param(
            "2015-05-19",
            "Islamic State on Sunday captured Ramadi from Iraqi troops.",
            "ramadi",
            "2015-05-17",
            "2015-05-17",
            id="on-sunday-captured",
        ),
        pytest.param(
            "2016-04-14",
            "Iraqi troops recaptured Rutba at the end of March.",
            "rutba",
            "2016-03-15",
            "2016-03-31",
            id="end-of-march",
        ),
        pytest.param(
            "2015-06-19",  # a Friday: earlier in the week is Monday 15 to Thursday 18 June
            "Earlier in the week, the YPG captured Tell Abyad from Islamic State.",
            "tell-abyad",
            "2015-06-15",
            "2015-06-18",
            id="earlier-in-the-week",
        ),
    ],
)
def test_03_relative_phrases_date_their_event(tmp_path, published, body, place, lo, hi):
    data, _ = single(tmp_path, published, body)
    events = territorial(data, place)
    assert events, show(everything(data))
    for e in events:
        start, end = interval(e)
        assert start and end, show([e])
        assert day(lo) <= start <= end <= day(hi), show([e])
        if lo == hi:
            assert e["date"]["precision"] == "day", show([e])


def test_04_a_phrase_without_a_date_gives_no_date(tmp_path: Path):
    data, _ = single(
        tmp_path,
        "2015-06-10",
        "Since its humiliating loss of Mosul, the Iraqi army's only big success has been "
        "the recapture of Tikrit in April.",
    )
    mosul = territorial(data, "mosul")
    assert mosul, show(everything(data))
    for e in mosul:
        # No start; an end at the report's date (it happened before it was reported) is fine.
        assert e["date"]["start"] is None, show([e])
        assert not [c for c in e["date_claims"] if (c["start"] or "").startswith("2015")], show([e])
    tikrit = territorial(data, "tikrit")
    assert tikrit, show(everything(data))
    for e in tikrit:
        assert interval(e) == (dt.date(2015, 4, 1), dt.date(2015, 4, 30)), show([e])


def test_05_a_precise_report_narrows_a_vague_one(tmp_path: Path):
    month = Art("khanasir-month", "2016-04-15", "Islamic State captured Khanasir in March, residents said.")
    exact = Art("khanasir-day", "2016-03-27", "On Friday 25 March Islamic State captured Khanasir.")
    data = build(tmp_path / "p", month, exact)
    e = the_only(territorial(data, "khanasir"))
    assert e["holder_after"] == "islamic-state", show([e])
    assert {s["article"] for s in e["sources"]} == {month.id, exact.id}, show([e])
    assert interval(e) == (dt.date(2016, 3, 25), dt.date(2016, 3, 25)), show([e])


def test_06_conflicting_dates_stay_side_by_side(tmp_path: Path):
    year = Art(
        "sinjar-year", "2015-10-01", "Islamic State seized the town of Sinjar in 2014, residents said."
    )
    month = Art(
        "sinjar-month", "2015-09-15", "Islamic State seized the town of Sinjar in May 2015, residents said."
    )
    data = build(tmp_path / "p", year, month)
    e = the_only([x for x in territorial(data, "sinjar") if x["holder_after"] == "islamic-state"])
    assert e["date"]["disputed"] is True, show([e])
    claims = {(c["start"], c["end"], a["article"]) for c in e["date_claims"] for a in c["sources"]}
    assert ("2014-01-01", "2014-12-31", year.id) in claims, e["date_claims"]
    assert ("2015-05-01", "2015-05-31", month.id) in claims, e["date_claims"]


# ---- roles ----------------------------------------------------------------------------------------------


def assert_taken(data: dict, place: str, taker: str, loser: str | None = None) -> None:
    events = territorial(data, place)
    assert events, show(everything(data))
    for e in events:
        assert e["holder_after"] == taker, show([e])
        if loser:
            assert loser in role(e, "taken from"), show([e])
            assert loser != e["holder_after"], show([e])


@pytest.mark.parametrize(
    "body, place, taker, loser",
    [
        ("The YPG forced Islamic State out of Kobani.", "kobani", "ypg", "islamic-state"),
        (
            "The Syrian Democratic Forces drove Islamic State from Manbij.",
            "manbij",
            "syrian-democratic-forces",
            "islamic-state",
        ),
        (
            "The Syrian army drove the Free Syrian Army from Qusayr.",
            "qusayr",
            "syrian-arab-army",
            "free-syrian-army",
        ),
    ],
    ids=["forced-out-of", "drove-from", "drove-government-from"],
)
def test_07_x_forced_or_drove_y_out_of_z(tmp_path, body, place, taker, loser):
    data, _ = single(tmp_path, "2016-08-20", body)
    assert_taken(data, place, taker, loser)


@pytest.mark.parametrize(
    "body, place, loser",
    [
        ("Islamic State withdrew from Tell Abyad on Tuesday.", "tell-abyad", "islamic-state"),
        ("The Iraqi army withdrew from Ramadi on Sunday.", "ramadi", "iraqi-army"),
    ],
    ids=["group-withdrew", "army-withdrew"],
)
def test_08_y_withdrew_from_z_loses_it(tmp_path, body, place, loser):
    data, _ = single(tmp_path, "2015-06-17", body)
    events = territorial(data, place)
    assert events, show(everything(data))
    for e in events:
        assert loser in role(e, "taken from") | role(e, "target"), show([e])
        assert e["holder_after"] != loser, show([e])


@pytest.mark.parametrize(
    "body, place, taker",
    [
        ("Ramadi fell to Islamic State on Sunday.", "ramadi", "islamic-state"),
        ("Jarabulus fell to the Free Syrian Army on Wednesday.", "jarabulus", "free-syrian-army"),
    ],
    ids=["fell-to-group", "fell-to-rebels"],
)
def test_09_z_fell_to_x(tmp_path, body, place, taker):
    data, _ = single(tmp_path, "2016-08-26", body)
    assert_taken(data, place, taker)


@pytest.mark.parametrize(
    "body, place, taker",
    [
        (
            "Manbij was liberated by the Syrian Democratic Forces in August.",
            "manbij",
            "syrian-democratic-forces",
        ),
        (
            "Tikrit was liberated by the Popular Mobilization Forces in April.",
            "tikrit",
            "popular-mobilization-forces",
        ),
    ],
    ids=["liberated-by-sdf", "liberated-by-pmf"],
)
def test_10_z_was_liberated_by_x(tmp_path, body, place, taker):
    data, _ = single(tmp_path, "2016-09-30", body)
    assert_taken(data, place, taker)


@pytest.mark.parametrize(
    "body, place, taker, supporter",
    [
        (
            "The Iraqi army recaptured Ramadi with support from the US-led coalition.",
            "ramadi",
            "iraqi-army",
            "cjtf-oir",
        ),
        (
            "The Syrian army, backed by Hezbollah, recaptured Qusayr.",
            "qusayr",
            "syrian-arab-army",
            "hezbollah",
        ),
        (
            "The Syrian army recaptured Deir Hafer with support from the Russian military.",
            "deir-hafer",
            "syrian-arab-army",
            "russian-armed-forces",
        ),
    ],
    ids=["with-support-from-coalition", "backed-by-hezbollah", "with-support-from-russia"],
)
def test_11_a_supporter_supports_and_never_holds(tmp_path, body, place, taker, supporter):
    data, _ = single(tmp_path, "2016-04-10", body)
    events = territorial(data, place)
    assert events, show(everything(data))
    for e in events:
        assert e["holder_after"] == taker, show([e])
        assert supporter in role(e, "supporting"), show([e])
    held = [e for e in everything(data) if e.get("holder_after") == supporter]
    assert not held, show(held)


@pytest.mark.parametrize(
    "body, place, taker",
    [
        (
            "Tabqa came under the control of the Syrian Democratic Forces in May.",
            "tabqa",
            "syrian-democratic-forces",
        ),
        ("Kobani came under the control of the YPG in January.", "kobani", "ypg"),
    ],
    ids=["came-under-control-sdf", "came-under-control-ypg"],
)
def test_12_z_came_under_the_control_of_x(tmp_path, body, place, taker):
    data, _ = single(tmp_path, "2017-06-01", body)
    assert_taken(data, place, taker)


@pytest.fixture(scope="module")
def metonymy(tmp_path_factory: pytest.TempPathFactory):
    arts = (
        Art("baghdad", "2016-06-30", "Losing Fallujah was a heavy blow for Baghdad."),
        Art("moscow", "2016-12-14", "The setback is humiliating for Moscow and Damascus."),
        Art("damascus", "2016-12-15", "Damascus is concentrating on Aleppo."),
    )
    return build(tmp_path_factory.mktemp("metonymy") / "p", *arts), arts


def test_13_a_capital_standing_for_its_government_is_not_where_anything_happens(metonymy):
    data, _ = metonymy
    there = [e for e in everything(data) if e["place"] in {"baghdad", "damascus", "moscow"}]
    assert not there, show(there)


def test_13_metonymic_sentences_take_no_territory(metonymy):
    data, arts = metonymy
    for a in arts[1:]:
        taken = from_article(territorial(data), a.id)
        assert not taken, show(taken)


@pytest.mark.parametrize(
    "body, place",
    [
        (
            "Islamic State had held Deir Hafer for a year.\n"
            "Russian air power drove the militants out of Deir Hafer in March.",
            "deir-hafer",
        ),
        ("Russian warplanes drove Islamic State out of Qaryatayn.", "qaryatayn"),
    ],
    ids=["air-power-drove", "warplanes-drove"],
)
def test_14_an_air_force_does_not_hold_ground(tmp_path, body, place):
    data, _ = single(tmp_path, "2016-04-10", body)
    held = [e for e in territorial(data) if e.get("holder_after") in RUSSIAN_AIR]
    assert not held, show(held)


# ---- clustering and identity ----------------------------------------------------------------------------


def test_15_fighting_reported_with_a_capture_is_part_of_it(tmp_path: Path):
    data, art = single(
        tmp_path,
        "2016-08-26",
        "After heavy fighting at Jarabulus on Wednesday, the Free Syrian Army captured the town.\n"
        "Clashes in Jarabulus continued on Wednesday night, residents said.",
    )
    there = [e for e in from_article(data["events"], art.id) if e["place"] == "jarabulus"]
    e = the_only(there)
    assert e["type"] in TERRITORIAL, show([e])


def test_16_a_strike_on_captured_weapons_is_its_own_event_by_its_own_agent(tmp_path: Path):
    data, _ = single(
        tmp_path,
        "2016-12-16",  # a Friday: Monday is 12 December, Thursday 15 December
        "Islamic State fighters captured tanks and artillery at Kuweires air base on Monday.\n"
        "On Thursday the US-led coalition destroyed the captured tanks in an air strike "
        "near Kuweires air base.",
    )
    events = everything(data)
    captures = [e for e in events if e["type"] == "capture-of-materiel"]
    strikes = [
        e
        for e in events
        if e["type"] in {"destruction-of-materiel", "air-strike"}
        and any("Thursday" in s["quote"] for s in e["sources"])
    ]
    assert captures and strikes, show(events)
    for e in captures:
        assert interval(e) == (dt.date(2016, 12, 12), dt.date(2016, 12, 12)), show([e])
        assert "islamic-state" in role(e, "agent"), show([e])
    for e in strikes:
        assert interval(e) == (dt.date(2016, 12, 15), dt.date(2016, 12, 15)), show([e])
        assert role(e, "agent") & US_ACTORS, show([e])
        assert "islamic-state" not in role(e, "agent"), show([e])
    assert not {e["id"] for e in captures} & {e["id"] for e in strikes}


def test_17_a_siege_and_a_deployment_at_one_base_are_not_two_sieges(tmp_path: Path):
    data, _ = single(
        tmp_path,
        "2016-09-08",
        "Islamic State fighters besieged the Deir ez-Zor air base on Tuesday.\n"
        "On Wednesday the Syrian army sent reinforcements to the Deir ez-Zor air base.",
    )
    week = (dt.date(2016, 9, 5), dt.date(2016, 9, 11))
    fights = []
    for e in data["events"]:
        if e["place"] == "deir-ez-zor-air-base" and e["type"] in {"siege", "armed-clash"}:
            start, end = interval(e)
            if start is None or (start <= week[1] and (end or start) >= week[0]):
                fights.append(e)
    assert len(fights) <= 1, show(fights)


BAIJI_MONTH = Art(
    "baiji-month", "2015-11-05", "The Iraqi army recaptured Baiji from Islamic State in October."
)
BAIJI_DAY = Art(
    "baiji-day", "2015-10-22", "The Iraqi army recaptured Baiji from Islamic State on 20 October."
)


@pytest.fixture(scope="module")
def stable_ids(tmp_path_factory: pytest.TempPathFactory):
    """Three builds: article A; A and B (same event, exact day); then iraqi-army merged by a contributor."""
    root = make_project(tmp_path_factory.mktemp("ids") / "p", BAIJI_MONTH)
    first = json.loads(build_docs(Project(root)).files["data/knowledge.json"])
    add_articles(root, BAIJI_DAY)
    second = json.loads(build_docs(Project(root)).files["data/knowledge.json"])
    add_fields(root / "docs" / "actors" / "iraqi-army.md", "merge_into: iraqi-security-forces")
    third = json.loads(build_docs(Project(root)).files["data/knowledge.json"])
    return first, second, third


def test_18_a_second_report_keeps_the_event_id(stable_ids):
    first, second, _ = stable_ids
    before = the_only(territorial(first, "baiji"))
    after = the_only(territorial(second, "baiji"))
    assert {s["article"] for s in after["sources"]} == {BAIJI_MONTH.id, BAIJI_DAY.id}, show([after])
    assert after["id"] == before["id"]


def test_18_an_entity_merge_keeps_or_redirects_every_event_id(stable_ids):
    _, second, third = stable_ids
    now = {e["id"] for e in everything(third)}
    moved = {
        r["from"].removeprefix("events/").rstrip("/"): r["to"].removeprefix("events/").rstrip("/")
        for r in third["redirects"]
        if r["from"].startswith("events/")
    }
    lost = [e["id"] for e in second["events"] if e["id"] not in now and moved.get(e["id"]) not in now]
    assert not lost, (lost, moved, sorted(now))


HAZM = Art(
    "hazm",
    "2015-03-11",
    "Islamic State has expanded east of Aleppo this winter. Islamic State commanders have boasted of "
    "new recruits, and Islamic State media published a video.\n"
    "The Hazm Movement said it was regrouping near Atarib. The Free Syrian Army said the Hazm Movement "
    "would receive ammunition from the Free Syrian Army.\n"
    "On Tuesday the jihadist group captured Deir Hafer.",
)


@pytest.fixture(scope="module")
def hazm_merge(tmp_path_factory: pytest.TempPathFactory):
    """The article built, then built again with hazm-movement merged into free-syrian-army."""
    root = make_project(tmp_path_factory.mktemp("hazm") / "p", HAZM)
    before = json.loads(build_docs(Project(root)).files["data/knowledge.json"])
    add_fields(root / "docs" / "actors" / "hazm-movement.md", "merge_into: free-syrian-army")
    after = knowledge(root)
    return before, after


@pytest.mark.parametrize("which", [0, 1], ids=["before-merge", "after-merge"])
def test_19_an_unrelated_merge_does_not_change_who_took_the_town(hazm_merge, which):
    data = hazm_merge[which]
    events = territorial(data, "deir-hafer")
    assert events, show(everything(data))
    for e in events:
        assert e["holder_after"] == "islamic-state", show([e])
        assert "islamic-state" in role(e, "agent"), show([e])


# ---- confidence -----------------------------------------------------------------------------------------


def test_20_a_vague_report_is_a_candidate_and_a_precise_one_is_published(tmp_path: Path):
    vague = Art("vague", "2016-05-10", "Fighting continued near Homs.")
    precise = Art(
        "precise",
        "2016-08-16",
        "On 14 August 2016 the Syrian Democratic Forces captured the town of Manbij from Islamic State.",
    )
    data = build(tmp_path / "p", vague, precise)
    assert not from_article(data["events"], vague.id), show(from_article(data["events"], vague.id))
    candidates = from_article(data.get("candidate_events", []), vague.id)
    assert candidates, show(everything(data))
    published = [e for e in from_article(data["events"], precise.id) if e["place"] == "manbij"]
    assert published, show(everything(data))
    for e in candidates + published:
        assert 0 <= e["confidence"] <= 1, show([e])
    assert min(e["confidence"] for e in published) > max(e["confidence"] for e in candidates)


def test_21_a_background_clause_joins_and_narrows_the_earlier_event(tmp_path: Path):
    news = Art(
        "safira-news",
        "2016-04-04",
        "The Syrian army recaptured Al-Safira from Islamic State last month, state media said.",
    )
    later = Art(
        "safira-later",
        "2016-06-20",
        "Al-Safira, liberated by the Syrian army at the end of March with support from the Russian "
        "military, is calm again.",
    )
    data = build(tmp_path / "p", news, later)
    e = the_only(territorial(data, "al-safira"))
    assert {s["article"] for s in e["sources"]} == {news.id, later.id}, show([e])
    assert e["holder_after"] == "syrian-arab-army", show([e])
    start, end = interval(e)
    assert start and end and dt.date(2016, 3, 15) <= start <= end <= dt.date(2016, 3, 31), show([e])
    assert "russian-armed-forces" in role(e, "supporting"), show([e])
    held = [x for x in everything(data) if x.get("holder_after") in RUSSIAN_AIR]
    assert not held, show(held)


# ---- the place a change of hands names --------------------------------------------------------------


@pytest.mark.parametrize(
    "body, place",
    [
        ("The army lost hundreds of fighters in Palmyra last week.", "palmyra"),
        ("In Aleppo, the rebels lost 20 men on Monday.", "aleppo"),
        ("Islamic State took 40 minutes to cross into Raqqa on Friday.", "raqqa"),
    ],
    ids=["casualties-in-a-place", "place-before-an-active-verb", "took-time"],
)
def test_a_place_that_is_not_the_object_does_not_change_hands(tmp_path, body, place):
    data, _ = single(tmp_path, "2016-05-20", body)
    assert not territorial(data, place), show(territorial(data, place))


def test_took_with_a_place_as_its_object_is_a_taking(tmp_path):
    data, _ = single(tmp_path, "2014-09-01", "Islamic State took the Tabqa air base in August 2014.")
    assert_taken(data, "tabqa-air-base", "islamic-state")
