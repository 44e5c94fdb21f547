"""Per-article results are cached by content hash (.tadmur-cache/) and may be computed in a process pool;
either way docs/ is byte-identical to a build from scratch, and a rules or catalog change recomputes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_project, run_cli, snapshot, write_seed
from tadmur import articlecache
from tadmur.paths import Project
from tadmur.pipeline import generate

STAGE = re.compile(r"ingest\+extract \((\d+) of (\d+) articles\)")
EVENTS = re.compile(r"events \((\d+) of (\d+) articles\)")


def docs(root: Path, stage=STAGE) -> tuple[int, int]:
    """Build docs/; return (articles computed, articles in all) by a stage of the build report."""
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    m = stage.search(out)
    assert m, out
    return int(m.group(1)), int(m.group(2))


def same_as_without_cache(root: Path) -> None:
    files = generate(Project(root), cache=False).files
    assert all((root / "docs" / rel).read_bytes() == data for rel, data in files.items())


@pytest.fixture
def root(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def test_a_warm_cache_gives_the_same_docs_and_only_new_articles_are_computed(root):
    assert docs(root) == (5, 5)
    cold = snapshot(root / "docs")
    assert len(list((root / ".tadmur-cache" / "articles").glob("*.pickle"))) == 5
    shutil.rmtree(root / "docs")
    shutil.copytree(copy_project(root.parent / "fresh") / "docs", root / "docs")
    assert docs(root) == (0, 5)
    assert snapshot(root / "docs") == cold
    assert generate(Project(root), cache=False).files == generate(Project(root)).files
    write_seed(root, "2020-01-01-test-article.md", "The Islamic State captured Palmyra on Monday.\n")
    assert docs(root) == (1, 6)
    same_as_without_cache(root)
    write_seed(root, "2020-01-01-test-article.md", "The Syrian Army recaptured Palmyra on Monday.\n")
    assert docs(root, EVENTS) == (1, 6)  # its event reports too; the other articles' come from the cache
    same_as_without_cache(root)
    for part in ("articles", "reports"):  # stale entries go
        assert len(list((root / ".tadmur-cache" / part).glob("*.pickle"))) == 6


@pytest.mark.parametrize(
    "path, old, new",
    [
        ("data/rules/discovery.yml", "stop_words: [", "stop_words: [Zzyzx, "),
        ("data/rules/ingest.yml", "\n", "\n# a comment changes the file, so every article is redone\n"),
        ("data/catalog/actors.yml", "aliases: [IS, ISIS,", "aliases: [IS, ISIS, Zzyzx State,"),
    ],
)
def test_a_rules_or_catalog_change_recomputes_every_article(root, path, old, new):
    assert docs(root) == (5, 5)
    text = (root / path).read_text(encoding="utf-8")
    assert old in text
    (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    assert docs(root) == (5, 5)
    assert docs(root) == (0, 5)
    same_as_without_cache(root)


def test_an_events_vocabulary_change_recomputes_the_reports(root):
    assert docs(root, EVENTS) == (5, 5)
    path = root / "data" / "events.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert docs(root, EVENTS) == (5, 5)
    assert docs(root, EVENTS) == (0, 5)


def test_a_contributors_alias_recomputes_every_article(root):
    assert docs(root) == (5, 5)
    page = root / "docs" / "actors" / "islamic-state.md"
    text = page.read_text(encoding="utf-8")
    mark = "# == Your fields below this line are kept by the build (see CONTRIBUTING.md) ==\n"
    page.write_text(text.replace(mark, mark + "aliases: [Zzyzx State]\n", 1), encoding="utf-8")
    assert docs(root) == (5, 5)


def test_a_damaged_cache_entry_is_computed_again(root):
    docs(root)
    for path in (root / ".tadmur-cache").glob("*/*.pickle"):
        path.write_bytes(b"not a pickle")
    before = snapshot(root / "docs")
    assert docs(root) == (5, 5)
    assert snapshot(root / "docs") == before


def test_the_process_pool_gives_what_one_process_gives(root, monkeypatch):
    serial = generate(Project(root), cache=False).files
    monkeypatch.setattr(articlecache, "POOL_MIN", 1)
    monkeypatch.setattr(articlecache, "CHUNK", 1)
    calls = []
    real = articlecache.ProcessPoolExecutor

    def pool(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(articlecache, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(articlecache.os, "cpu_count", lambda: 2)
    assert generate(Project(root), cache=False).files == serial
    assert len(calls) == 2, "the pool was not used for both per-article stages"
