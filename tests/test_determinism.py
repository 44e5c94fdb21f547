"""Rebuilds are byte-identical and incremental; hand-made files survive; removed seeds leave no page."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_project, run_cli, snapshot

MANIFEST = ".tadmur-generated"


def build_docs(root: Path) -> dict[str, int]:
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    m = re.search(r"docs/: (\d+) written, (\d+) unchanged, (\d+) removed", out)
    assert m, out
    return dict(zip(("written", "unchanged", "removed"), map(int, m.groups()), strict=True))


def mtimes(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): p.stat().st_mtime_ns for p in directory.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    root = copy_project(tmp_path_factory.mktemp("det") / "a")
    stats = build_docs(root)
    assert stats["written"] > 20 and stats["removed"] == 0
    return root, snapshot(root / "docs")


@pytest.fixture
def fresh(first_build, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """A copy of the once-built project (docs/ included, timestamps preserved) to change at will."""
    src, snap = first_build
    root = tmp_path / "project"
    shutil.copytree(src, root)
    return root, snap


def test_second_build_writes_nothing(fresh):
    root, snap = fresh
    # Age every file so that any rewrite, even within the same clock tick, shows in the mtimes.
    for p in (root / "docs").rglob("*"):
        if p.is_file():
            os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    before = mtimes(root / "docs")
    stats = build_docs(root)
    assert stats["written"] == 0 and stats["removed"] == 0
    assert stats["unchanged"] == len([k for k in snap if k != MANIFEST and not k.startswith("assets/")])
    assert mtimes(root / "docs") == before
    assert snapshot(root / "docs") == snap


def test_knowledge_json_is_identical_on_rebuild(fresh):
    root, snap = fresh
    build_docs(root)
    assert (root / "docs" / "data" / "knowledge.json").read_bytes() == snap["data/knowledge.json"]


def test_two_copies_build_identical_docs(first_build, tmp_path):
    _src, snap = first_build
    other = copy_project(tmp_path / "b")
    build_docs(other)
    assert snapshot(other / "docs") == snap


def test_deleted_generated_file_is_restored(fresh):
    root, snap = fresh
    (root / "docs" / "index.md").unlink()
    stats = build_docs(root)
    assert stats["written"] == 1
    assert snapshot(root / "docs") == snap


def test_generated_file_overwritten_by_hand_is_refused_then_regenerated_once_deleted(fresh):
    root, snap = fresh
    about = root / "docs" / "about.md"
    about.write_text("changed by hand\n", encoding="utf-8")  # markers gone: whose text is it?
    code, _out, err = run_cli("--root", str(root), "docs")
    assert code == 1 and "error: docs/about.md:1:" in err, err
    assert about.read_text(encoding="utf-8") == "changed by hand\n"
    about.unlink()
    stats = build_docs(root)
    assert stats["written"] == 1
    assert snapshot(root / "docs") == snap


def test_hand_written_file_survives_rebuild(fresh):
    root, snap = fresh
    notes = root / "docs" / "notes.md"
    notes.write_text("# My notes\n\nKept by hand.\n", encoding="utf-8")
    extra = root / "docs" / "actors" / "my-own-page.md"
    extra.write_text("# Mine\n", encoding="utf-8")
    stats = build_docs(root)
    assert stats["removed"] == 0
    assert notes.read_text(encoding="utf-8") == "# My notes\n\nKept by hand.\n"
    assert extra.read_text(encoding="utf-8") == "# Mine\n"
    assert (root / "docs" / "assets" / "tadmur.css").is_file()
    assert MANIFEST in snap
    listed = (root / "docs" / MANIFEST).read_text(encoding="utf-8").split()
    assert "notes.md" not in listed and "actors/my-own-page.md" not in listed


def test_removing_a_seed_removes_its_source_page(first_build, fresh):
    root, snap = fresh
    seeds = sorted(p for p in (root / "seeds").glob("*.md") if p.name.lower() != "readme.md")
    victim = next(p for p in seeds if "war-news-updates" in p.name)
    art_id = victim.stem
    page = root / "docs" / "sources" / f"{art_id}.md"
    assert page.is_file()
    victim.unlink()
    stats = build_docs(root)
    assert not page.exists()
    assert stats["removed"] >= 1
    listed = (root / "docs" / MANIFEST).read_text(encoding="utf-8").split()
    assert f"sources/{art_id}.md" not in listed
    assert art_id not in (root / "docs" / "sources" / "index.md").read_text(encoding="utf-8")
    assert art_id not in (root / "docs" / "data" / "knowledge.json").read_text(encoding="utf-8")
    # Names only that article gave (its commenters' and listed outlets' mentions) lose their pages too.
    for rel in snap:
        if rel.startswith(("actors/", "weapons/", "places/")) and not (root / "docs" / rel).exists():
            assert rel not in listed
    # Putting it back restores the same bytes.
    shutil.copy2(first_build[0] / "seeds" / victim.name, victim)
    build_docs(root)
    assert snapshot(root / "docs") == snap
