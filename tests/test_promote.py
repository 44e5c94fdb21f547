"""`tadmur promote NAME`: a name from the review queue becomes a catalog entry, appended as text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import copy_project, run_cli, snapshot, write_seed
from tadmur.catalog import load_catalog
from tadmur.yamlio import load_yaml, yaml_quote

# Names no catalog file knows, each caught by a discovery rule (group head, place head), and a
# capitalised phrase seen twice that no rule classifies (a weak candidate: no page, kind unknown).
BODY = (
    "Fighters of the Qarmoush Brigade seized the Tell Zafran oil field last week.\n\n"
    "Later the Qarmoush Brigade left the Tell Zafran oilfield. Fighters were seen near Jisr Khanzir "
    "yesterday, then near Jisr Khanzir again.\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the project whose only seed names the unknown names above (small, so builds are fast)."""
    root = copy_project(tmp_path / "project")
    for seed in (root / "seeds").glob("*.md"):
        seed.unlink()
    write_seed(root, "2020-01-01-test-article.md", BODY)
    return root


def cli(root: Path, *argv: str) -> tuple[int, str, str]:
    return run_cli("--root", str(root), *argv)


def entities(root: Path) -> dict[str, dict]:
    data = json.loads((root / "docs" / "data" / "knowledge.json").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["entities"]}


def catalog(root: Path):
    return load_catalog(root / "data" / "catalog", root / "schema" / "catalog.schema.json", root)


def test_promote_keeps_the_page_and_marks_it_reviewed(root: Path):
    code, out, err = cli(root, "docs")
    assert code == 0, err
    before = entities(root)
    assert before["qarmoush-brigade"]["reviewed"] is False
    assert before["tell-zafran-oil-field"]["reviewed"] is False
    assert before["tell-zafran-oilfield"]["reviewed"] is False  # a second spelling, a second page
    page = root / "docs" / "actors" / "qarmoush-brigade.md"
    assert "Unreviewed name" in page.read_text(encoding="utf-8")

    actors, places = root / "data/catalog/actors.yml", root / "data/catalog/places.yml"
    actors_before, places_before = actors.read_bytes(), places.read_bytes()

    # By name, in any case: the id is the unreviewed page's, the type the discovered one.
    code, out, err = cli(root, "promote", "qarmoush BRIGADE")
    assert code == 0, err
    line = len(actors_before.decode("utf-8").splitlines()) + 2  # after one blank line
    assert f"promoted Qarmoush Brigade -> data/catalog/actors.yml:{line}" in out
    assert "make docs" in out
    text = actors.read_text(encoding="utf-8")
    assert actors.read_bytes().startswith(actors_before)
    assert text.splitlines()[line - 1].strip() == '- id: "qarmoush-brigade"'

    # By page id, with a type, a description and the other spelling as an alias: the two pages merge.
    code, out, err = cli(
        root,
        "promote",
        "tell-zafran-oil-field",
        "--type",
        "oil field",
        "--description",
        'Oil field "Tell Zafran"; a test entry.',
        "--alias",
        "Tell Zafran oilfield",
        "--alias",
        "Zafran",
    )
    assert code == 0, err
    assert "promoted Tell Zafran oil field -> data/catalog/places.yml:" in out
    assert places.read_bytes().startswith(places_before)

    cat = catalog(root)
    brigade = cat.entities["qarmoush-brigade"]
    assert (brigade.kind, brigade.name, brigade.type) == ("actor", "Qarmoush Brigade", "armed group")
    assert brigade.origin == f"data/catalog/actors.yml:{line}"
    assert "review queue" in brigade.description and "description" in brigade.description
    field = cat.entities["tell-zafran-oil-field"]
    assert (field.type, field.description) == ("oil field", 'Oil field "Tell Zafran"; a test entry.')
    assert set(field.aliases) == {"Tell Zafran oilfield", "Zafran"}

    code, out, err = cli(root, "docs")
    assert code == 0, err
    after = entities(root)
    assert after["qarmoush-brigade"]["reviewed"] is True
    assert after["qarmoush-brigade"]["page_url"] == before["qarmoush-brigade"]["page_url"]
    assert after["tell-zafran-oil-field"]["reviewed"] is True
    assert after["tell-zafran-oil-field"]["page_url"] == before["tell-zafran-oil-field"]["page_url"]
    assert "tell-zafran-oilfield" not in after
    assert after["tell-zafran-oil-field"]["mention_count"] == 2
    body = page.read_text(encoding="utf-8")
    assert "Qarmoush Brigade" in body
    assert "Unreviewed name" not in body
    assert not (root / "docs" / "places" / "tell-zafran-oilfield.md").exists()
    # The catalog files still hold every original byte, with the new entries after them.
    assert actors.read_bytes().startswith(actors_before)
    assert places.read_bytes().startswith(places_before)


def test_a_name_without_a_page_needs_a_kind(root: Path):
    before = snapshot(root / "data" / "catalog")
    code, out, err = cli(root, "promote", "Jisr Khanzir")
    assert code == 1
    assert "--kind" in err
    assert snapshot(root / "data" / "catalog") == before

    code, out, err = cli(root, "promote", "jisr khanzir", "--kind", "place", "--type", "crossing")
    assert code == 0, err
    assert "promoted Jisr Khanzir -> data/catalog/places.yml:" in out
    wadi = catalog(root).entities["jisr-khanzir"]
    assert (wadi.kind, wadi.type, wadi.aliases) == ("place", "crossing", ())


def test_a_catalogued_name_is_refused_and_nothing_changes(root: Path):
    before = snapshot(root / "data" / "catalog")
    palmyra = catalog(root).entities["palmyra"]
    for name in ("Palmyra", "tadmur", "palmyra"):
        code, out, err = cli(root, "promote", name, "--kind", "place")
        assert code == 1
        assert err.startswith(f"error: {palmyra.origin}: "), err
        assert "already catalogued" in err and "'palmyra'" in err
    code, out, err = cli(root, "promote", "Nowhere At All")
    assert code == 1
    assert "not on the review queue" in err
    assert snapshot(root / "data" / "catalog") == before
    assert out == ""


def test_an_alias_clash_restores_the_catalog_file(root: Path):
    before = snapshot(root / "data" / "catalog")
    code, out, err = cli(root, "promote", "Qarmoush Brigade", "--alias", "Palmyra")
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith("error: data/catalog/"), err
    assert ".yml:" in first and "alias 'Palmyra'" in first
    assert "data/catalog/actors.yml is exactly as it was" in err
    assert snapshot(root / "data" / "catalog") == before
    assert out == ""


def test_to_file_keeps_its_layout_and_must_hold_the_kind(root: Path):
    # A file in another layout (list not indented, no newline at the end) and of another kind.
    extra = root / "data" / "catalog" / "extra-actors.yml"
    original = (
        "# hand-written\nkind: actor\nentities:\n- id: zz-test-group\n  name: ZZ Test Group  # note\n"
        "  description: A group made up for a test."
    )
    extra.write_text(original, encoding="utf-8")
    code, out, err = cli(root, "promote", "Qarmoush Brigade", "--to", "data/catalog/places.yml")
    assert code == 1
    assert "not actor entities" in err
    code, out, err = cli(root, "promote", "Qarmoush Brigade", "--to", "seeds/2020-01-01-test-article.md")
    assert code == 1
    assert "not a catalog file" in err

    code, out, err = cli(
        root,
        "promote",
        "Qarmoush Brigade",
        "--to",
        "data/catalog/extra-actors.yml",
        "--id",
        "qarmoush",
        "--name",
        "Liwa Qarmoush",
    )
    assert code == 0, err
    assert "promoted Liwa Qarmoush -> data/catalog/extra-actors.yml:8" in out
    text = extra.read_text(encoding="utf-8")
    assert text.startswith(original + "\n")
    assert text.splitlines()[7] == '- id: "qarmoush"'
    assert text.splitlines()[8].startswith('  name: "Liwa Qarmoush"')
    ent = catalog(root).entities["qarmoush"]
    # The name found in the articles stays a spelling of it, so the articles still match.
    assert (ent.name, ent.aliases) == ("Liwa Qarmoush", ("Qarmoush Brigade",))


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        'a "quoted" \\ back',
        "tab\there\nnew line",
        "yes",
        "null",
        "123",
        "- [x]: #y",
        " lead",
        "ünïcödé € 😀",
        "\x00\x1b\x7f\x85\u2028\u2029\ufeff",
    ],
)
def test_yaml_quote_reads_back_exactly(value: str):
    text = f"k: {yaml_quote(value)}\nl: [{yaml_quote(value)}]\n"
    assert load_yaml(text, "x") == {"k": value, "l": [value]}
    assert yaml.safe_load(text) == {"k": value, "l": [value]}
