"""Names nobody catalogued, end to end: invented articles (tests/fixtures/unseen/, written for the tests)
are added to the real seeds and built with `tadmur docs`; their people, sites and institutions get
unreviewed pages, junk gets none, and the review page, `tadmur promote` and `tadmur reject` work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, run_cli, write_seed

FIXTURES = ROOT / "tests" / "fixtures" / "unseen"

# Two spellings of one person in two articles: one page.
SPELLINGS = {
    "2019-01-10-test-spelling-a.md": (
        "Demining resumes\nTarek Abdulkarim, the head of the demining unit, said the road was cleared.\n"
        "Engineer Sergei Vasiliyev said 300 mines were found. Looters had emptied the Aleppo museum.\n"
    ),
    "2019-01-12-test-spelling-b.md": (
        "Demining ends\nThe last field was cleared, Tarek Abdelkarim said on Saturday.\n"
        "Sergei Vasiliev told reporters the work was over. The Museum of Aleppo reopened.\n"
    ),
}

# Every name the rules must find in the fixtures (and nothing else: the rest would be junk).
EXPECTED = {
    "layla-salman": ("actor", "person"),
    "qais-rashid": ("actor", "person"),
    "omar-haddad": ("actor", "person"),
    "nasser-haj-mansour": ("actor", "person"),
    "sipan-hemo": ("actor", "person"),
    "tarek-abdulkarim": ("actor", "person"),
    "sergei-vasiliyev": ("actor", "person"),
    "nabi-yunus-shrine": ("place", "shrine"),
    "british-museum": ("place", "museum"),
    "oriental-institute": ("actor", "organisation"),
    "meydanki-dam": ("place", "site"),
    "afrin-river": ("place", "river"),
    "church-of-saint-simeon": ("place", "church"),
    "airbase-near-aleppo": ("place", "airbase"),
    "aleppo-museum": ("place", "museum"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("names") / "project")
    for f in FIXTURES.glob("*.md"):
        shutil.copy2(f, root / "seeds" / f.name)
    for name, body in SPELLINGS.items():
        write_seed(root, name, body, id=name[:-3], published=name[:10])
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    return root


def knowledge(root: Path) -> dict:
    return json.loads((root / "docs" / "data" / "knowledge.json").read_text(encoding="utf-8"))


def unreviewed(root: Path) -> dict[str, dict]:
    return {e["id"]: e for e in knowledge(root)["entities"] if not e["reviewed"]}


def test_every_name_gets_one_page_and_junk_none(root: Path):
    found = unreviewed(root)
    assert {k: (e["kind"], e["type"]) for k, e in found.items()} == EXPECTED
    # Bylines, photo credits, contributors, readers and generic phrases got nothing.
    names = {e["name"] for e in knowledge(root)["entities"]}
    assert not names & {"Dana Whitfield", "Marwan Ibrahim", "Sarah Collins", "John Peters", "Local sources",
                        "Russian specialists", "Great"}


def test_spellings_in_two_articles_are_one_page(root: Path):
    found = unreviewed(root)
    assert found["tarek-abdulkarim"]["aliases"] == ["Tarek Abdelkarim"]
    assert found["tarek-abdulkarim"]["article_count"] == 2
    assert found["sergei-vasiliyev"]["aliases"] == ["Sergei Vasiliev"]
    assert not {"tarek-abdelkarim", "sergei-vasiliev"} & set(found)
    # A site named only by its place and type is one page however it is written.
    assert (found["aleppo-museum"]["within"], found["aleppo-museum"]["article_count"]) == ("aleppo", 2)


def test_known_spellings_reach_the_catalogued_person(root: Path):
    # The catalog has "Rami Abdulrahman" (aliases "Rami Abdel Rahman"...): no new page for a variant.
    seed = root / "seeds" / "2019-02-01-test-monitor.md"
    write_seed(root, seed.name, "Monitor\nThe toll rose to 12, said Rami Abdurrahman. Abdurrahman added "
               "that the count was early.\nRami Abdel-Rahman later said 14. Abdel Rahman was sure.\n",
               id="2019-02-01-test-monitor", published="2019-02-01")
    try:
        code, _out, err = run_cli("--root", str(root), "docs")
        assert code == 0, err
        data = knowledge(root)
        surfaces = [m["surface"] for m in data["mentions"]
                    if m["article"] == "2019-02-01-test-monitor" and m["entity"] == "rami-abdulrahman"]
        assert surfaces == ["Rami Abdurrahman", "Abdurrahman", "Rami Abdel-Rahman", "Abdel Rahman"]
        assert "rami-abdurrahman" not in {e["id"] for e in data["entities"]}
    finally:
        seed.unlink()
        run_cli("--root", str(root), "docs")


def test_role_affiliation_and_surname_mentions(root: Path):
    data = knowledge(root)
    person = unreviewed(root)["nasser-haj-mansour"]
    assert "adviser to the Syrian Democratic Forces" in person["description"]
    assert person["affiliation"] == [{"id": "syrian-democratic-forces", "relation": "adviser to"}]
    page = (root / "docs" / "actors" / "nasser-haj-mansour.md").read_text(encoding="utf-8")
    assert "| Affiliation | adviser to [Syrian Democratic Forces](syrian-democratic-forces.md) |" in page
    # "Hemo later told a local radio station ...": the surname alone is a mention of the person.
    hemo = [m["surface"] for m in data["mentions"] if m["entity"] == "sipan-hemo"]
    assert hemo == ["Sipan Hemo", "Hemo"]


def test_site_is_listed_on_its_place_page(root: Path):
    church = unreviewed(root)["church-of-saint-simeon"]
    assert church["within"] is None  # "north of Aleppo" is not "in Aleppo", and churches need a place named
    airbase = unreviewed(root)["airbase-near-aleppo"]
    assert airbase["within"] == "aleppo"
    page = (root / "docs" / "places" / "aleppo.md").read_text(encoding="utf-8")
    assert "airbase-near-aleppo.md" in page.split("**Places within:**", 1)[1].split("\n", 1)[0]


def test_a_capital_standing_for_its_government_credits_the_government(root: Path):
    data = knowledge(root)
    article = "2018-04-02-test-wire-afrin-dam"
    said = [m for m in data["mentions"] if m["article"] == article and m["surface"] == "Moscow"]
    assert [m["entity"] for m in said] == ["russia"]  # "Moscow said it had no troops in the area"
    baghdad = [m["entity"] for m in data["mentions"]
               if m["article"] == "2017-07-20-test-wire-mosul-museum" and m["surface"] == "Baghdad"]
    assert baghdad == ["baghdad", "iraqi-government"]  # "moved to Baghdad" / "Baghdad said it would pay"


def test_review_page_shows_rule_sentence_and_both_commands(root: Path):
    review = (root / "docs" / "review.md").read_text(encoding="utf-8")
    assert 'tadmur promote "Name"' in review and 'tadmur reject "Name"' in review
    row = next(line for line in review.splitlines() if "layla-salman.md" in line)
    assert "| apposition |" in row
    assert "Layla Salman\\, the director of the museum\\, said" in row  # the sentence, escaped
    assert "2017-07-20-test-wire-mosul-museum.md#p3" in row


def test_reject_and_promote(root: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    code, out, err = run_cli("--root", str(copy), "reject", "Omar Haddad")
    assert code == 0, err
    assert "data/rules/rejected.yml:" in out
    assert yaml.safe_load((copy / "data" / "rules" / "rejected.yml").read_text())["names"] == ["Omar Haddad"]
    # The kind and type come from the rule that found the name: no --kind needed.
    # The role, affiliation and place the articles gave go into the catalog entry.
    code, out, err = run_cli("--root", str(copy), "promote", "Nasser Haj Mansour")
    assert code == 0, err
    assert "data/catalog/actors.yml:" in out
    code, out, err = run_cli("--root", str(copy), "promote", "Airbase near Aleppo")
    assert code == 0, err
    assert "data/catalog/places.yml:" in out
    code, out, err = run_cli("--root", str(copy), "docs")
    assert code == 0, err
    ents = {e["id"]: e for e in knowledge(copy)["entities"]}
    assert "omar-haddad" not in ents
    person = ents["nasser-haj-mansour"]
    assert (person["reviewed"], person["type"]) == (True, "person")
    assert person["description"] == "Adviser to the Syrian Democratic Forces (as the articles describe them)."
    assert person["affiliation"] == [{"id": "syrian-democratic-forces", "relation": "adviser to"}]
    airbase = ents["airbase-near-aleppo"]
    assert (airbase["reviewed"], airbase["within"]) == (True, "aleppo")
    review = (copy / "docs" / "review.md").read_text(encoding="utf-8")
    assert "omar-haddad" not in review and "nasser-haj-mansour" not in review


def test_hostile_role_and_names_stay_text(tmp_path: Path):
    root = copy_project(tmp_path / "hostile")
    for seed in (root / "seeds").glob("*.md"):
        seed.unlink()
    body = (
        "Hostile\nYusuf Barakat, the head of <img src=x onerror=alert(1)> [x](javascript:alert(1)) "
        "--8<-- \".env\" {: onclick=alert(1) }, said the road was open.\n"
        "The Temple of <b>Nabu</b> was blown up, said Rania Hamdan.\n"
    )
    write_seed(root, "2020-01-01-test-article.md", body)
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    page = (root / "docs" / "actors" / "yusuf-barakat.md").read_text(encoding="utf-8")
    review = (root / "docs" / "review.md").read_text(encoding="utf-8")
    for text in (page, review):
        assert "<img" not in text and "](javascript:" not in text and "--8<--" not in text
        assert "{: onclick" not in text
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in page or "&lt;img" in page


def test_bad_rejected_and_given_name_files_stop_the_build_and_name_the_file(tmp_path: Path):
    root = copy_project(tmp_path / "bad")
    before = {p: p.read_bytes() for p in (root / "seeds").glob("*.md")}
    (root / "data" / "rules" / "rejected.yml").write_text("names: 5\n", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 1
    assert "data/rules/rejected.yml" in err and "'names' must be a list" in err
    assert "nothing was written" in err and not (root / "docs" / "index.md").exists()
    (root / "data" / "rules" / "rejected.yml").unlink()
    names = root / "data" / "names" / "given-names.txt"
    names.write_text(names.read_text(encoding="utf-8") + "Two Words\n", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 1
    assert f"given-names.txt:{len(names.read_text().splitlines())}" in err and "'Two Words'" in err
    assert {p: p.read_bytes() for p in (root / "seeds").glob("*.md")} == before
