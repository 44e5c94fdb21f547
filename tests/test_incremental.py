"""A rebuild makes again only the pages whose inputs changed (emit/keys.py, stamps.py), and its docs/ is
what a build without any cache gives: after an article is added, edited or removed, a catalog entry or
a template changed, or a contributor wrote on a page.

TADMUR_VERIFY_PAGES=1 makes every page the build would keep anyway and fails on any difference. After an
article is added, docs/ must also equal a cold build in another folder; after other edits only a build
from the same docs/ compares, since event ids are kept from the last build (events/identity.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_cli, snapshot
from synthetic import write_corpus
from tadmur.paths import Project
from tadmur.pipeline import generate

pytestmark = pytest.mark.e2e

N = 40
MADE = re.compile(r"render \((\d+) of (\d+) files made\)")


def build(root: Path) -> tuple[int, int]:
    """tadmur docs; returns (files made, files in all)."""
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err + out
    m = MADE.search(out)
    assert m, out
    return int(m.group(1)), int(m.group(2))


def cold_docs(root: Path, tmp: Path) -> dict[str, bytes]:
    """docs/ of a build from nothing (no cache, no earlier docs/) of root's current inputs."""
    cold = copy_project(tmp)
    for part in ("seeds", "data", "templates"):
        shutil.rmtree(cold / part)
        shutil.copytree(root / part, cold / part)
    build(cold)
    out = snapshot(cold / "docs")
    shutil.rmtree(cold)
    return out


def same_as_uncached(root: Path) -> None:
    """docs/ holds what a build with no cache at all makes of the same inputs and the same docs/."""
    files = generate(Project(root), cache=False).files
    differ = [rel for rel, data in files.items() if (root / "docs" / rel).read_bytes() != data]
    assert not differ, differ[:10]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    write_corpus(root / "seeds", N, ROOT / "data" / "catalog", which=range(N - 1))
    build(root)
    return root


def test_every_change_gives_the_docs_of_a_cold_build(project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TADMUR_VERIFY_PAGES", "1")
    root = project
    made, total = build(root)  # nothing changed: only the pages without a key are made
    assert made < total / 4, (made, total)

    # One more article: its pages and the pages of what it names, not the rest.
    write_corpus(root / "seeds", N, ROOT / "data" / "catalog", which=[N - 1])
    made, total = build(root)
    assert made < total / 2, (made, total)
    assert snapshot(root / "docs") == cold_docs(root, tmp_path / "c1")

    # An article's text edited: a name and a date change in its first paragraph.
    seed = sorted((root / "seeds").glob("*.md"))[3]
    text = seed.read_text(encoding="utf-8")
    body_at = text.index("\n---\n", 4) + 5
    seed.write_text(text[:body_at] + "Palmyra was shelled on Monday, officials said.\n\n" + text[body_at:],
                    encoding="utf-8")
    build(root)
    same_as_uncached(root)

    # A catalog entry's name and description: every page that links it shows the new name.
    actors = root / "data" / "catalog" / "actors.yml"
    cat = actors.read_text(encoding="utf-8")
    cat = re.sub(r"(\n\s*description: )(.*)", r"\1Edited, \2", cat, count=1)
    actors.write_text(cat, encoding="utf-8")
    build(root)
    same_as_uncached(root)

    # A template: every page that uses it is made again.
    tpl = root / "templates" / "event.md.j2"
    tpl.write_text(tpl.read_text(encoding="utf-8") + "\n<!-- edited -->\n", encoding="utf-8")
    build(root)
    same_as_uncached(root)

    # A contributor's note above a page's generated part: that page is made again, with the editors' mark.
    page = next((root / "docs" / "actors").glob("*.md"))
    lines = page.read_text(encoding="utf-8").split("\n")
    closing = lines.index("---", 1)
    lines.insert(closing + 1, "A note from the editors about this actor.")
    page.write_text("\n".join(lines), encoding="utf-8")
    build(root)
    same_as_uncached(root)
    assert "A note from the editors" in page.read_text(encoding="utf-8")
    assert "not drawn from the articles" in page.read_text(encoding="utf-8")

    # An article removed: its source page goes, and what it named no longer cites it.
    removed = sorted((root / "seeds").glob("*.md"))[5]
    removed.unlink()
    build(root)
    same_as_uncached(root)
    assert not (root / "docs" / "sources" / removed.name).exists()


def test_the_pages_a_build_wrote_are_known_parsed_to_the_next(tmp_path):
    """After a cold build, the parse cache of docs/ already holds every generated page as read_pages would
    parse it from the file (pages.remember_pages), so the first article added after a cold build does
    not read and parse the whole site again."""
    from tadmur.cachefile import read_pickle
    from tadmur.pages import parse

    root = copy_project(tmp_path / "project")  # a cold build: no page in docs/ before it
    manifest = root / "docs" / ".tadmur-generated"
    build(root)
    cached = read_pickle(root / ".tadmur-cache" / "parsed-pages.pickle", {})
    generated = [ln for ln in manifest.read_text().split("\n") if ln.endswith(".md")]
    assert generated and set(generated) <= set(cached)
    for rel in generated:
        path = root / "docs" / rel
        st = path.stat()
        mtime, size, page = cached[rel]
        assert (mtime, size) == (st.st_mtime_ns, st.st_size), rel
        fresh = parse(rel, path.read_text(encoding="utf-8"), generated=True)
        assert page == type(page)(**{**fresh.__dict__, "body": None, "problems": []}), rel


def test_the_last_export_is_read_from_the_cache_only_while_the_file_is_unchanged(tmp_path, monkeypatch):
    """The build keeps its knowledge.json slimmed (pipeline._data_files); the next build takes that
    instead of reading the file, but only while the file has the digest it was kept with."""
    import json

    import tadmur.pipeline as pipeline
    from tadmur.export import read_slim

    root = copy_project(tmp_path / "project")
    build(root)
    path = root / "docs" / "data" / "knowledge.json"
    from_file = read_slim(path)
    assert from_file and from_file["events"]

    def unread(_path):
        raise AssertionError("knowledge.json was read although the cache holds it")

    monkeypatch.setattr(pipeline, "read_slim", unread)
    assert pipeline._previous_export(Project(root)) == from_file
    monkeypatch.undo()

    # An edit by hand (the file is a contributor's as much as the build's): the file is read again.
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"][0]["title"] = "Retitled by hand"
    path.write_text(json.dumps(data), encoding="utf-8")
    previous = pipeline._previous_export(Project(root))
    assert previous["events"][0]["title"] == "Retitled by hand"
    assert pipeline._previous_export(Project(root), cache=False) == previous


def test_pages_read_without_a_cache_are_held_without_their_body(tmp_path):
    """A large committed docs/ read with no .tadmur-cache/ (a fresh clone) must not be held in memory
    whole: a clean page keeps its parts but not its body, which Page.loaded reads again when needed."""
    from tadmur.pages import BEGIN, read_pages
    from tadmur.writer import read_manifest

    root = copy_project(tmp_path / "project")
    build(root)
    docs = root / "docs"
    page = next((docs / "actors").glob("*.md"))
    rel = f"actors/{page.name}"
    lines = page.read_text(encoding="utf-8").split("\n")
    begin = next(i for i, ln in enumerate(lines) if ln.startswith(BEGIN))
    lines.insert(begin + 3, "A sentence typed inside the build's part.")
    page.write_text("\n".join(lines), encoding="utf-8")

    pages = read_pages(docs, read_manifest(docs), None)
    clean = [p for r, p in pages.items() if r != rel]
    assert clean and all(p.body is None and not p.edited() for p in clean)
    assert pages[rel].body is not None and pages[rel].edited()  # kept whole, to say where the edit is
    some = clean[0]
    assert some.loaded(docs).body  # read again on demand


def test_each_articles_mention_records_are_copied_only_while_made_from_the_same(tmp_path, monkeypatch):
    """knowledge.json's mention lines and mentions.csv's rows of an article whose mentions, text and
    excerpt are as last time are copied from the last build's files (mentionchunks.py); the files are
    what a build without a cache makes. The real seeds' outlets are excerpts, so quotes are cut."""
    import tadmur.mentionchunks as mc
    from tadmur.pipeline import build_docs

    reused: list[str] = []
    real_get = mc.MentionChunks.get

    def get(self, aid, key):
        kept = real_get(self, aid, key)
        if kept is not None:
            reused.append(aid)
        return kept

    monkeypatch.setattr(mc.MentionChunks, "get", get)
    root = copy_project(tmp_path / "project")
    data = root / "docs" / "data"

    def rebuild() -> list[str]:
        reused.clear()
        build_docs(Project(root))
        uncached = generate(Project(root), cache=False).files
        for name in ("knowledge.json", "mentions.csv"):
            assert (data / name).read_bytes() == uncached[f"data/{name}"], name
        return sorted(reused)

    assert rebuild() == []
    articles = sorted(p.stem for p in (root / "seeds").glob("*.md"))
    assert rebuild() == articles

    # One article's text edited: its records are made again, the others' copied.
    seed = root / "seeds" / f"{articles[2]}.md"
    text = seed.read_text(encoding="utf-8")
    body_at = text.index("\n---\n", 4) + 5
    seed.write_text(text[:body_at] + "Palmyra was shelled on Monday, officials said.\n\n" + text[body_at:],
                    encoding="utf-8")
    assert rebuild() == [a for a in articles if a != articles[2]]

    # mentions.csv edited by hand: nothing is copied from files the index does not describe.
    with (data / "mentions.csv").open("a", encoding="utf-8") as f:
        f.write("x,y\n")
    assert rebuild() == []
    assert rebuild() == articles
