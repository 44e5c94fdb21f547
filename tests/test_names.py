"""Names nobody catalogued: people without a title, sites, institutions and waters, on sentences written
for these tests; and when two spellings of one name are one page (tadmur.names.translit_key)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from tadmur.discover import discover, load_discovery_rules
from tadmur.finding import Context
from tadmur.names import read_given_names, translit_key

RULES = load_discovery_rules(ROOT / "data" / "rules" / "discovery.yml")
# A tiny stand-in for the catalog: two towns, and "Jordan", which is a country before it is a name.
PLACES = {"Qasr Tahir": "qasr-tahir", "Dumayr": "dumayr", "Jordan": "jordan"}


def context(sentence: str, role: str = "body", doc_place: tuple[str, str] | None = None) -> tuple:
    spans = []
    for name, pid in PLACES.items():
        at = sentence.find(name)
        if at >= 0 and pid != "jordan":
            spans.append((at, at + len(name), pid, name))
    spans.sort()

    def known(name: str):
        return (PLACES[name], "place") if name in PLACES else None

    return Context(role=role, known=known, places=tuple(spans), doc_place=doc_place), [s[:2] for s in spans]


def found(sentence: str, **kw) -> list:
    ctx, masked = context(sentence, **kw)
    return discover(sentence, masked, RULES, ctx=ctx)[0]


def people(sentence: str, **kw) -> list[tuple[str, str]]:
    return [(f.name, f.rule) for f in found(sentence, **kw) if f.type == "person"]


# ---- people ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "name", "rule", "role"), [
    ("Farid Kassab, the governor of Tarsa province, said the road was open.",
     "Farid Kassab", "apposition", "governor of Tarsa province"),
    ("Nadia Azoury, head of the regional antiquities board, says the damage is limited.",
     "Nadia Azoury", "apposition", "head of the regional antiquities board"),
    ("“We have counted 40 dead,” said the executive director of that Geneva-based group, Tomas Ferreira.",
     "Tomas Ferreira", "apposition", "executive director of that Geneva-based group"),
    ("Bakhtiyar Xelil, 52, a spokesman for the border militia, denied the report.",
     "Bakhtiyar Xelil", "apposition", "spokesman for the border militia"),
])
def test_apposition_gives_the_person_and_role(sentence, name, rule, role):
    (f,) = [f for f in found(sentence) if f.type == "person"]
    assert (f.name, f.rule, f.role) == (name, rule, role)
    assert sentence[f.role_span[0]:f.role_span[1]] == role


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The convoy was stopped, said Yusuf Barakat on Monday.", [("Yusuf Barakat", "speaker")]),
    ("Yusuf Barakat said the convoy was stopped.", [("Yusuf Barakat", "speaker")]),
    ("Yusuf Barakat told reporters the convoy was stopped.", [("Yusuf Barakat", "speaker")]),
    ("According to Yusuf Barakat, the convoy was stopped.", [("Yusuf Barakat", "speaker")]),
    ("The choir under Elena Sorokina sang in the square.", [("Elena Sorokina", "role word")]),
    ("A brigade led by Karim Dabbagh entered the town.", [("Karim Dabbagh", "role word")]),
    ("The concert was led by conductor Elena Sorokina.", [("Elena Sorokina", "title before name")]),
    ("Archaeologist Karim Dabbagh mapped the graves.", [("Karim Dabbagh", "title before name")]),
    ("Among the dead were Khalil Nassar, Rania Hamdan and Fadi Aboud.",
     [("Khalil Nassar", "given name"), ("Rania Hamdan", "given name"), ("Fadi Aboud", "given name")]),
    ("Rania Hamdan's house was hit twice.", [("Rania Hamdan", "given name")]),
])
def test_people_in_speaker_role_word_and_list_positions(sentence, expected):
    assert people(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Local sources said the city was quiet.",
    "Russian specialists cleared the mines.",
    "Syrian State Television said the road was open.",  # an institution, not a person
    "Will Russia Hold The Town After The Second Assault",  # a headline in title case
    "Farid Kassab and Nadia Azoury contributed reporting.",  # a credit line
    "Photo by Tomas Ferreira/AFP via Getty Images.",
    "Jordan Valley farmers sold their land.",  # Jordan is catalogued: a country before a given name
    "The Hope Street bakery reopened.",  # not a given name on the list: an English word
])
def test_no_person(sentence):
    assert people(sentence) == []


@pytest.mark.parametrize(("sentence", "name", "role"), [
    ("Tarsa Secretary of State Yusuf Barakat resigned.", "Yusuf Barakat", "Tarsa Secretary of State"),
    ("Director-General Rania Hamdan condemned the attack.", "Rania Hamdan", "Director-General"),
    ("Engineer Karim Dabbagh said 300 mines were found.", "Karim Dabbagh", None),
    ("Elena Sorokina, the U.N. relief chief, warned of hunger.", "Elena Sorokina", "U.N. relief chief"),
    ("Syrian archaeologist Fadi Aboud, the 82-year-old retired head of antiquities, was killed.",
     "Fadi Aboud", "82-year-old retired head of antiquities"),
])
def test_titles_and_roles(sentence, name, role):
    (f,) = [f for f in found(sentence) if f.type == "person"]
    assert f.name == name
    if role is not None:
        assert f.role == role


def test_kunya_and_place_words():
    assert people("Abu Bakr al-Baghdadi was reported dead.") == [("Abu Bakr al-Baghdadi", "given name")]
    # Arabic words that begin place names are not given names, nor is Abu before a non-name.
    assert people("Jets hit Tal Hamis and Ras Zuweira, then Abu Dhabi Street.") == []


def test_no_person_in_readers_comments_or_headlines():
    sentence = "Yusuf Barakat is right about the convoy."
    assert people(sentence) == [("Yusuf Barakat", "given name")]
    assert people(sentence, role="comment") == []
    assert people(sentence, role="headline") == []


def test_given_names_list_is_names_only():
    names = read_given_names(ROOT / "data" / "names" / "given-names.txt")
    assert {"Talal", "Rania", "Valery", "Khaled"} <= names
    # Lowercase English words were left out when the list was made: they start sentences too often.
    assert not {"Will", "Mark", "Said", "Hope", "Grant"} & names


# ---- sites, buildings, institutions, waters ----------------------------------------------------------


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The Temple of Nabu was blown up.", ("place", "temple", "Temple of Nabu")),
    ("Crowds gathered at the Arch of Hadrian.", ("place", "arch", "Arch of Hadrian")),
    ("The Lion of Ishtar was smashed.", ("place", "statue", "Lion of Ishtar")),
    ("The Valley of the Kings was closed.", ("place", "valley", "Valley of the Kings")),
    ("Fighters occupied the Qasr Tahir theatre.", ("place", "theatre", "Qasr Tahir Theatre")),

    ("The Bolshoi Theatre sent dancers.", ("actor", "theatre company", "Bolshoi Theatre")),
    ("Experts from the Oriental Institute came.", ("actor", "organisation", "Oriental Institute")),
    ("Looters emptied the National Museum.", ("place", "museum", "National Museum")),
    ("Rebels held the Shayzar castle for a week.", ("place", "castle", "Shayzar castle")),
    ("Inmates fled Sednaya prison.", ("place", "prison", "Sednaya prison")),
    ("The Omar oil field was bombed.", ("place", "oil field", "Omar oil field")),
    ("The ferry crossed the Orontes River.", ("place", "river", "Orontes River")),
    ("The ferry crossed the Orontes river.", ("place", "river", "Orontes river")),
    ("Water levels fell in Lake Qattinah.", ("place", "lake", "Lake Qattinah")),
])
def test_sites_institutions_and_waters(sentence, expected):
    assert [(f.kind, f.type, f.name) for f in found(sentence)] == [expected]


def test_a_site_is_linked_to_the_place_it_stands_in():
    (f,) = found("The Temple of Nabu in Qasr Tahir was blown up.")
    assert (f.name, f.within) == ("Temple of Nabu", "qasr-tahir")
    # An ancient monument with no place beside it stands in the place the article is about ...
    (f,) = found("The Temple of Nabu was blown up.", doc_place=("qasr-tahir", "Qasr Tahir"))
    assert f.within == "qasr-tahir"
    # ... but a museum or a river only in a place named beside it.
    (f,) = found("Looters emptied the National Museum.", doc_place=("qasr-tahir", "Qasr Tahir"))
    assert f.within is None
    (f,) = found("The ferry crossed the Orontes River.", doc_place=("qasr-tahir", "Qasr Tahir"))
    assert f.within is None


def test_a_site_named_after_its_place_replaces_the_place_mention():
    (f,) = found("Looters emptied the Qasr Tahir Museum.")
    assert (f.name, f.type, f.within, f.absorbs) == ("Qasr Tahir Museum", "museum", "qasr-tahir", True)
    (f,) = found("Looters emptied the Museum of Qasr Tahir.")
    assert (f.name, f.within, f.absorbs) == ("Museum of Qasr Tahir", "qasr-tahir", True)
    assert f.rule == "place and head"
    (f,) = found("Looters emptied Qasr Tahir's museum.")
    assert (f.name, f.within, f.rule) == ("Qasr Tahir Museum", "qasr-tahir", "place and head")


def test_a_described_monument_is_a_name_only_with_its_place():
    sentence = "The orchestra played in the Ancient Amphitheatre on Thursday."
    assert found(sentence) == []
    (f,) = found(sentence, doc_place=("qasr-tahir", "Qasr Tahir"))
    assert (f.name, f.type, f.within) == ("Ancient Amphitheatre of Qasr Tahir", "theatre", "qasr-tahir")
    assert "Qasr Tahir Ancient Amphitheatre" in f.lookups


def test_headlines_make_no_sites():
    doc = ("qasr-tahir", "Qasr Tahir")
    assert found("Syrian Army Recaptures Ancient City Gate After Long Siege", doc_place=doc) == []
    assert found("Russian Orchestra Plays In Ancient Amphitheatre", doc_place=doc) == []


def test_monument_type_is_the_monument_of_the_place():
    (f,) = found("The militants blew up the tetrapylon last week.", doc_place=("qasr-tahir", "Qasr Tahir"))
    assert (f.kind, f.type, f.name, f.within, f.rule) == (
        "place", "tetrapylon", "Tetrapylon of Qasr Tahir", "qasr-tahir", "monument type")
    assert "Qasr Tahir tetrapylon" in f.lookups
    # With no place to anchor it, "the tetrapylon" is no name at all.
    assert found("The militants blew up the tetrapylon last week.") == []


def test_facility_near_a_place():
    (f,) = found("Jets took off from the airbase near Dumayr at dawn.")
    assert (f.name, f.type, f.within, f.rule) == ("Airbase near Dumayr", "airbase", "dumayr",
                                                  "facility near place")


def test_rejected_names_are_never_found(tmp_path):
    rules_dir = tmp_path / "data" / "rules"
    rules_dir.mkdir(parents=True)
    (tmp_path / "data" / "names").mkdir()
    (tmp_path / "data" / "names" / "given-names.txt").write_text("Yusuf\n", encoding="utf-8")
    (rules_dir / "discovery.yml").write_text(
        (ROOT / "data" / "rules" / "discovery.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (rules_dir / "rejected.yml").write_text('names:\n  - "yusuf barakat"\n', encoding="utf-8")
    rules = load_discovery_rules(rules_dir / "discovery.yml")
    assert discover("Yusuf Barakat said the convoy was stopped.", [], rules)[0] == []


# ---- spellings of one name ---------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("Gergiev", "Gergiyev"),
    ("Abdulkarim", "Abdelkarim"),
    ("Rami Abdurrahman", "Rami Abdel Rahman"),
    ("Rami Abdulrahman", "Rami Abd al-Rahman"),
    ("Maamoun Abdulkarim", "Mamoun Abdelkarim"),
    ("Valery Gergiev", "Valeri Gergiyev"),
    ("Khaled al-Asaad", "Khaled Asaad"),
    ("Mohammed", "Mohammad"),
])
def test_transliterations_that_merge(a, b):
    assert translit_key(a) == translit_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("Hassan", "Hussein"),  # two names that differ only in vowels: never merged
    ("Omar", "Amer"),
    ("Khaled", "Khalid"),  # the same rule keeps these apart: an alias joins them
    ("Alexander", "Xander"),
])
def test_names_that_stay_apart(a, b):
    assert translit_key(a) != translit_key(b)
