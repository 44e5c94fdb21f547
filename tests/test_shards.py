"""A large site is built by several MkDocs processes over disjoint parts of docs/ (tadmur.shards), and
Pagefind reads only the pages it indexes (pipeline.index_search with docs/). Both must give the very
site one MkDocs process and a full Pagefind run give."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pathspec
import pytest
from conftest import snapshot
from siteutil import pagefind_records
from tadmur import shards
from tadmur.pipeline import index_search, searched_pages

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TADMUR_OFFLINE": "false"}
MKDOCS = [sys.executable, "-m", "tadmur.mkdocs_quiet", "build", "--clean", "--strict"]


def _project(built: Path, dest: Path) -> Path:
    dest.mkdir()
    shutil.copy(built / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(built / "docs", dest / "docs")
    shutil.copytree(built / "overrides", dest / "overrides")
    return dest


def _force_shards(monkeypatch: pytest.MonkeyPatch, docs: Path, n: int) -> None:
    """Make even the seed site split into n shards."""
    pages = shards.buckets(docs)[1]
    monkeypatch.setattr(shards, "SINGLE_BELOW", 0)
    monkeypatch.setattr(shards, "PAGES_PER_SHARD", -(-pages // n))


@pytest.mark.parametrize("site", ["site", "site-offline"])
def test_sharded_build_equals_one_mkdocs_build(built_site: Path, tmp_path: Path, monkeypatch, site) -> None:
    """site-offline/ is the same site with Material's offline plugin on (links end in index.html)."""
    root = _project(built_site, tmp_path / "p")
    _force_shards(monkeypatch, root / "docs", 3)
    units, pages = shards.buckets(root / "docs")
    assert shards.shard_count(pages, 2) == 3
    out = root / ".site-test"
    env = {**ENV, "TADMUR_OFFLINE": "true" if site == "site-offline" else "false"}
    assert shards.build(root, root / "docs", MKDOCS, out, env, "https://tadmur.example.org/", cores=2) == 0
    # Same files, same bytes: every page (links to pages of other shards included), the sitemap and
    # its gzip, and Material's tags export. Only Pagefind's bundle is not MkDocs' work.
    single = {k: v for k, v in snapshot(built_site / site).items() if not k.startswith("pagefind/")}
    got = snapshot(out)
    assert sorted(got) == sorted(single)
    different = [k for k in single if got[k] != single[k]]
    assert different == []
    # Nothing of the shards is left behind: no configs, no folders.
    assert sorted(p.name for p in root.iterdir()) == [".site-test", "docs", "mkdocs.yml", "overrides"]


def test_a_failing_shard_fails_the_build_and_leaves_nothing(built_site: Path, tmp_path: Path,
                                                            monkeypatch) -> None:
    root = _project(built_site, tmp_path / "p")
    _force_shards(monkeypatch, root / "docs", 2)
    about = root / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[broken](no-such-page.md)\n", encoding="utf-8")
    out = root / ".site-test"
    status = shards.build(root, root / "docs", MKDOCS, out, ENV, "https://tadmur.example.org/", cores=2)
    assert status != 0  # --strict: the broken link is a warning in the shard that has about.md
    assert sorted(p.name for p in root.iterdir()) == ["docs", "mkdocs.yml", "overrides"]


@pytest.mark.parametrize("n", [2, 3, 5])
def test_every_file_is_in_exactly_one_shard(tmp_path: Path, n: int) -> None:
    docs = tmp_path / "docs"
    names = [f"{c}{i}" for c in "abcxyz019" for i in range(12)] + ["-dash", "Upper", "ünï", "_x", "#hash"]
    for name in names:
        (docs / "events").mkdir(parents=True, exist_ok=True)
        (docs / "events" / f"{name}.md").write_text("x" * len(name), encoding="utf-8")
    (docs / "events" / "abc").mkdir()
    (docs / "events" / "abc" / "mentions-2.md").write_text("m", encoding="utf-8")
    for top in ("index.md", "about.md", "[odd]!.md", "feed.xml"):
        (docs / top).write_text("t", encoding="utf-8")
    (docs / "assets").mkdir()
    (docs / "assets" / "site.css").write_text("c", encoding="utf-8")
    # Names that share a long start (dated source pages), and names that are a start of others.
    dated = [f"201{y}-0{m}-1{d}-{w}.md" for y in (4, 5, 6) for m in (1, 2, 3) for d in (1, 2, 3)
             for w in "ab-"]
    (docs / "sources").mkdir()
    for name in [*dated, "2014", "2014-", "2014-0", "20", "2-"]:
        (docs / "sources" / name).write_text("s" * 900, encoding="utf-8")
    units, pages = shards.buckets(docs)
    prefixes = [prefix for top, prefix in units if top == "sources"]
    assert "2014" + shards._OTHER + shards._END in prefixes and len(max(prefixes, key=len)) >= 5, prefixes
    parts = shards.assign(units, n)
    assert all(parts)
    specs = [pathspec.GitIgnoreSpec.from_lines(shards.exclude_patterns(units, part)) for part in parts]
    files = [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()]
    assert pages == sum(f.endswith(".md") for f in files)
    for f in files:
        owners = [k for k, spec in enumerate(specs) if not spec.match_file(f)]
        assert len(owners) == 1, (f, owners)


def test_shards_share_a_folder_of_dated_pages_heavy_in_links(tmp_path: Path) -> None:
    """Source pages all start with a date ("2016-…") and hold many links, which cost MkDocs more than
    their text: they are cut into several units and spread so the shards' estimated times are close."""
    docs = tmp_path / "docs"
    (docs / "sources").mkdir(parents=True)
    (docs / "events").mkdir()
    link = "[Palmyra](../places/palmyra.md) "
    for i in range(240):
        name = f"201{4 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}-outlet-{i}.md"
        (docs / "sources" / name).write_text(link * 60, encoding="utf-8")
    for i in range(600):
        (docs / "events" / f"{'abcdefghkmst'[i % 12]}event-{i}.md").write_text(link * 3, encoding="utf-8")
    units, pages = shards.buckets(docs)
    assert pages == 840
    with_links = shards._cost(docs / "sources" / name)
    assert with_links > shards._PAGE_COST + len(link) * 60  # its links count, not only its text
    parts = shards.assign(units, 4)
    loads = [sum(units[u] for u in part) for part in parts]
    assert max(loads) <= 1.1 * min(loads), loads
    assert sum(any(top == "sources" for top, _ in part) for part in parts) >= 2


def test_searched_pages_follow_the_front_matter(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    pages = {
        "index.md": "# Home\n",
        "about.md": "---\ntitle: About\n---\ntext\n",
        "actors/x.md": "---\ntitle: X\nsearch:\n  boost: 4\ntags:\n  - a\n---\n",
        "actors/x/mentions-2.md": "---\nsearch:\n  exclude: true\n---\n",
        "events/e.md": "---\ntitle: E\nsearch:\n  boost: 1\n  exclude: true\n# note\n---\n",
        "events/inline.md": "---\nsearch: {exclude: true}\n---\n",
        "events/no.md": "---\nsearch:\n  exclude: false\n---\n",
        "events/yes.md": "---\nsearch:\n  boost: 2\n  exclude: yes\n---\n",  # YAML 1.1: true
        "events/quoted.md": "---\nsearch:\n  exclude: \"true\"\n---\n",  # a string: true to the theme too
        "events/one.md": "---\nsearch:\n  exclude: 1\n---\n",
        "events/zero.md": "---\nsearch:\n  exclude: 0\n---\n",
        "events/null.md": "---\nsearch:\n  exclude: null\n---\n",
        "broken.md": "---\nsearch:\n  exclude: [unclosed\n---\n",
        "long.md": "---\ntags:\n" + "  - alias\n" * 3000 + "search:\n  exclude: true\n---\n",
        "sub/index.md": "---\ntitle: Sub\n---\n",
    }
    for rel, text in pages.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    assert searched_pages(docs) == [  # in MkDocs' order: a folder's index first
        "index.html", "about/index.html", "broken/index.html", "actors/x/index.html",
        "events/no/index.html", "events/null/index.html", "events/zero/index.html", "sub/index.html",
    ]
    (docs / "long.md").unlink()
    for rel in ("actors/x/mentions-2.md", "events/e.md", "events/inline.md", "events/yes.md",
                "events/quoted.md", "events/one.md"):
        (docs / rel).unlink()
    assert searched_pages(docs) is None  # nothing left out: Pagefind reads the site itself


def test_pagefind_on_searched_pages_equals_pagefind_on_the_whole_site(built_site: Path,
                                                                      tmp_path: Path) -> None:
    whole, part = tmp_path / "whole", tmp_path / "part"
    for site in (whole, part):
        shutil.copytree(built_site / "site", site, ignore=shutil.ignore_patterns("pagefind"))
    index_search(whole)
    index_search(part, built_site / "docs")
    assert snapshot(part / "pagefind") == snapshot(whole / "pagefind")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["part", "whole"]  # the hard links are gone


def test_pagefind_leaves_out_the_builds_notices(tmp_path: Path) -> None:
    """An element of class tadmur-notice (the admonitions templates/ mark so) is shown but not indexed."""
    page = tmp_path / "site" / "actors" / "zorzor-front" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Zorzor Front</title></head><body>'
        '<div data-pagefind-body><h1>Zorzor Front</h1>'
        '<div class="admonition warning tadmur-notice"><p class="admonition-title">Unreviewed name</p>'
        "<p>Nobody has reviewed it yet: run tadmur promote.</p></div>"
        "<p>An armed group in the hills.</p></div></body></html>",
        encoding="utf-8",
    )
    index_search(tmp_path / "site")
    record = pagefind_records(tmp_path / "site")["/actors/zorzor-front/"]
    assert "armed group in the hills" in record["content"]
    assert "Unreviewed" not in record["content"] and "promote" not in record["content"]


def _job(code: int, fail: bool = False) -> int:
    print("made docs/ ü")
    print("a warning", file=sys.stderr)
    if fail:
        raise ValueError("a bug in a stage")
    return code


@pytest.mark.parametrize("code", [0, 1])
def test_docs_in_a_child_process_report_here(code: int, capsys) -> None:
    """`tadmur site` makes docs/ in a forked child (so its memory is freed before MkDocs): its exit code
    and its output, even when this process's output is captured, come back."""
    from tadmur.cli import _in_child

    assert _in_child(_job, code) == code
    out, err = capsys.readouterr()
    assert out == "made docs/ ü\n" and err == "a warning\n"


def test_a_crash_in_the_child_is_an_error_with_its_traceback(capsys) -> None:
    from tadmur.cli import _in_child

    assert _in_child(_job, 0, True) == 1
    out, err = capsys.readouterr()
    assert "made docs/" in out and "ValueError: a bug in a stage" in err


def test_strict_fails_on_a_warning(built_site: Path, tmp_path: Path, capfd) -> None:
    """`tadmur site` runs `mkdocs build --strict`: a broken link in a contributor's text stops it, names
    the page, and leaves the last site/ as it was. (With `mkdocs -q`, MkDocs hid the warning and passed.)"""
    from tadmur.paths import Project
    from tadmur.pipeline import build_site

    root = _project(built_site, tmp_path / "p")
    shutil.copytree(built_site / "site", root / "site")
    before = snapshot(root / "site")
    about = root / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [the notes](notes.md).\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="mkdocs build failed"):
        build_site(Project(root))
    assert "about.md" in capfd.readouterr().err
    assert snapshot(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == ["docs", "mkdocs.yml", "overrides", "site"]
