"""The committed docs/ is what the build makes from the committed seeds/, data/ and templates/."""

from __future__ import annotations

from pathlib import Path

from tadmur.paths import Project
from tadmur.pipeline import generate
from tadmur.writer import MANIFEST

ROOT = Path(__file__).resolve().parents[1]


def test_committed_docs_are_not_stale():
    files = generate(Project(ROOT)).files
    stale = [
        rel
        for rel, text in sorted(files.items())
        if not (ROOT / "docs" / rel).is_file() or (ROOT / "docs" / rel).read_bytes() != text
    ]
    listed = (ROOT / "docs" / MANIFEST).read_text(encoding="utf-8").split()
    leftover = sorted(set(listed) - set(files))
    assert not stale and not leftover, (
        f"docs/ is stale: run `make docs` and commit. Differs: {stale[:10]}; "
        f"no longer generated: {leftover[:10]}"
    )
