"""Long lists are split over pages, so no page grows with the corpus: the timeline by year (and month),
an entity's mentions and events on numbered pages beside it, index pages and the review queue.

The seeds are too few to fill a page, so these tests lower the page sizes; the links must still
resolve (`mkdocs build --strict`) and nothing may be lost or listed twice.
"""

from __future__ import annotations

import posixpath
import re

import pytest
from conftest import copy_project, run_cli
from tadmur.emit import common
from tadmur.paths import Project
from tadmur.pipeline import generate

LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


@pytest.fixture
def small_pages(monkeypatch):
    small = common.Limits(mention_articles=2, list_limit=2, event_rows=2, index_rows=4, page_events=3)
    monkeypatch.setattr(common, "LIMITS", small)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("long") / "project")


def test_long_lists_go_to_numbered_pages_and_every_link_resolves(small_pages, project):
    files = {rel: data.decode("utf-8") for rel, data in generate(Project(project)).files.items()}
    assert files == {rel: data.decode("utf-8") for rel, data in generate(Project(project)).files.items()}
    for path, text in files.items():
        for target in LINK.findall(text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            assert resolved in files, (path, target)

    # The timeline: an index of years (months for a busy year), each event on exactly one page.
    assert "](events/" not in files["timeline.md"]  # only the filter, filled from data/ by timeline.js
    pages = sorted(p for p in files if p.startswith("timeline/"))
    assert pages and all(re.fullmatch(r"timeline/(\d{4}|\d{4}-\d\d|\d{4}-month-not-given)(-\d+)?\.md", p)
                         for p in pages), pages
    knowledge = generate(Project(project)).events
    listed = [m for p in pages for m in re.findall(r"\]\(\.\./events/([a-z0-9-]+)\.md\)", files[p])]
    assert sorted(listed) == sorted(e.id for e in knowledge)

    # An entity's mentions: the first articles on its page, the rest on mentions-2.md, ...
    page = files["actors/islamic-state.md"]
    assert "[2](islamic-state/mentions-2.md)" in page
    assert "actors/islamic-state/mentions-2.md" in files
    mention_pages = sorted(p for p in files if p.startswith("actors/islamic-state/mentions-"))
    quoted = []
    for p in ["actors/islamic-state.md", *mention_pages]:
        quoted += re.findall(r"^### \[.*\]\([./]*sources/([a-z0-9-]+)\.md\)", files[p], re.M)
    assert len(quoted) == len(set(quoted)) == 5  # every seed names it, quoted on exactly one page
    assert "actors/islamic-state/events-2.md" in files
    assert "more pages" in page  # "Linked from" is capped

    # Index pages and the review queue.
    assert "actors/pages/2.md" in files and "[2](pages/2.md)" in files["actors/index.md"]
    assert "sources/pages/2.md" in files
    assert "review/unconfirmed/2.md" in files and "[2](review/unconfirmed/2.md)" in files["review.md"]


def test_split_pages_build_with_mkdocs_strict(small_pages, tmp_path):
    root = copy_project(tmp_path / "project")
    try:
        code, out, err = run_cli("--root", str(root), "site")
    except SystemExit as exc:
        pytest.fail(f"mkdocs failed: {exc}")
    assert code == 0, err
    site = root / "site"
    assert (site / "timeline" / "index.html").is_file()
    assert (site / "actors" / "islamic-state" / "mentions-2" / "index.html").is_file()
    assert (site / "actors" / "pages" / "2" / "index.html").is_file()
