"""Merges of entity pages that cannot lie: one kind only, no link of an entity to itself, the merged
page's text moves to the page it joined, and the export says what was merged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import copy_project, run_cli, snapshot
from tadmur.pages import END, FIELDS_MARK


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("merges") / "p")
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    return root


@pytest.fixture
def proj(built, tmp_path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(built, root)
    return root


def _fields(page: Path, text: str) -> int:
    lines = page.read_text(encoding="utf-8").split("\n")
    mark = lines.index(FIELDS_MARK)
    lines[mark + 1 : mark + 1] = text.split("\n")
    page.write_text("\n".join(lines), encoding="utf-8")
    return mark + 2


def _knowledge(root: Path) -> dict:
    return json.loads((root / "docs" / "data" / "knowledge.json").read_text(encoding="utf-8"))


def test_a_merge_across_kinds_is_refused(proj):
    line = _fields(proj / "docs" / "actors" / "hazm-movement.md", "merge_into: palmyra")
    before = snapshot(proj / "docs")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 1 and "Traceback" not in err
    assert f"docs/actors/hazm-movement.md:{line}: " in err and "only pages of one kind" in err, err
    assert snapshot(proj / "docs") == before


def test_a_merge_leaves_no_entity_linked_to_itself(proj):
    _fields(
        proj / "docs" / "actors" / "syrian-government.md",
        "merge_into: syrian-arab-army\nmerge_events_ok: true",
    )
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 0, err
    kn = _knowledge(proj)
    (army,) = [e for e in kn["entities"] if e["id"] == "syrian-arab-army"]
    assert all(a["id"] != "syrian-arab-army" for a in army["affiliation"]), army["affiliation"]
    assert army["merged_from"] == ["syrian-government"]


def test_the_merged_pages_text_moves_to_the_page_it_joined(proj):
    old = proj / "docs" / "actors" / "hazm-movement.md"
    _fields(old, "merge_into: free-syrian-army")
    text = old.read_text(encoding="utf-8")
    old.write_text(
        text.replace(END + "\n", END + "\n\nHazm was vetted by the US in 2014.\n", 1), encoding="utf-8"
    )
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 0, err
    assert "your text moved to docs/actors/free-syrian-army.md" in out
    target = (proj / "docs" / "actors" / "free-syrian-army.md").read_text(encoding="utf-8")
    assert "Hazm was vetted by the US in 2014." in target
    assert "merge_into" not in target
    left = old.read_text(encoding="utf-8")
    assert "merge_into: free-syrian-army" in left and "Hazm was vetted" not in left
    assert "data-tadmur-redirect" in left
    # A second build changes nothing: the merge is stable.
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 0 and " 0 written" in out, out


def test_an_alias_given_twice_names_both_pages(proj):
    first = _fields(proj / "docs" / "actors" / "hezbollah.md", "aliases: [Daish]")
    second = _fields(proj / "docs" / "actors" / "tiger-forces.md", "aliases: [Daish]")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 1
    assert f"docs/actors/tiger-forces.md:{second}: " in err, err
    assert f"given at docs/actors/hezbollah.md:{first}" in err, err


def test_an_alias_the_catalog_owns_names_the_catalog_file(proj):
    line = _fields(proj / "docs" / "actors" / "tiger-forces.md", "aliases: [Daesh]")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 1
    assert f"docs/actors/tiger-forces.md:{line}: " in err and "given at data/catalog/actors.yml:" in err, err


def test_a_merge_that_changes_who_did_what_must_be_confirmed(proj):
    page = proj / "docs" / "actors" / "syrian-arab-army.md"
    line = _fields(page, "merge_into: islamic-state")
    before = snapshot(proj / "docs")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 1, out
    assert f"docs/actors/syrian-arab-army.md:{line}: " in err and "changes who did what" in err, err
    assert "merge_events_ok: true" in err
    assert snapshot(proj / "docs") == before
    _fields(page, "merge_events_ok: true")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 0, err


def test_a_merge_that_only_renames_needs_no_confirmation(proj):
    _fields(proj / "docs" / "actors" / "hazm-movement.md", "merge_into: free-syrian-army")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 0, err
    kn = _knowledge(proj)
    palmyra = [e for e in kn["events"] if e["place"] == "palmyra" and e["holder_after"]]
    assert {e["holder_after"] for e in palmyra} == {"islamic-state", "syrian-arab-army"}


def test_a_wrong_match_can_name_one_sentence(proj):
    kn = _knowledge(proj)
    seen: dict[tuple, set[int]] = {}
    for m in kn["mentions"]:
        seen.setdefault((m["entity"], m["article"], m["paragraph"], m["surface"]), set()).add(m["sentence"])
    (eid, art, para, surface), sentences = next((k, v) for k, v in sorted(seen.items()) if len(v) > 1)
    wrong, kept = min(sentences), max(sentences)
    folder = {e["id"]: e["page_url"].split("/")[0] for e in kn["entities"]}[eid]
    at = json.dumps({"at": f"{art}#p{para}", "text": surface, "sentence": wrong})
    _fields(proj / "docs" / folder / f"{eid}.md", f"wrong_matches: [{at}]")
    code, out, err = run_cli("--root", str(proj), "docs")
    assert code == 0, err
    left = {
        m["sentence"]
        for m in _knowledge(proj)["mentions"]
        if (m["entity"], m["article"], m["paragraph"], m["surface"]) == (eid, art, para, surface)
    }
    assert wrong not in left and kept in left
