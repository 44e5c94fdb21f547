"""`tadmur add`: one command writes a validated seed, or writes nothing and names the problem's file:line."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_cli, snapshot
from tadmur.seeds import load_seeds, parse_seed

TEXT = (
    "Fighters entered the town of Sukhnah on Sunday, a monitor said.\n"
    "The Syrian Observatory for Human Rights said the town was taken after two days of fighting.\n"
)
META = ("--title", "Fighters enter Sukhnah", "--outlet", "The Test Times", "--published", "2017-05-01")
EXISTING = "2016-12-12-rudaw-palmyra-fall-propaganda-coup"
MESSAGE = re.compile(r"^error: (?P<file>[^\n]+?):(?P<line>\d+): (?P<message>\S.*)$")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """What `add` needs of a project: its seeds and schemas (a full copy only where a build runs)."""
    root = tmp_path / "project"
    for d in ("seeds", "schema"):
        shutil.copytree(ROOT / d, root / d)
    return root


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def add(root: Path, *argv: str) -> tuple[int, str, str]:
    return run_cli("--root", str(root), "add", *argv)


def stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def body_of(seed: Path) -> str:
    """The seed's text after its front matter, exactly as stored."""
    text = seed.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return text.split("\n---\n", 1)[1]


def seeds_of(root: Path):
    return {a.id: a for a in load_seeds(root / "seeds", root / "schema" / "seed.schema.json", root)}


# ---- success -------------------------------------------------------------------------------------------


def test_add_from_file_writes_a_seed_the_build_accepts(root, article):
    code, out, err = add(root, str(article), *META, "--author", "A. Reporter", "--added", "2024-02-03")
    assert code == 0, err
    seed = root / "seeds" / "2017-05-01-test-times-fighters-enter-sukhnah.md"
    assert seed.is_file()
    assert "seeds/2017-05-01-test-times-fighters-enter-sukhnah.md" in out
    assert "make docs" in out and "tadmur docs" in out
    assert body_of(seed) == TEXT
    a = seeds_of(root)["2017-05-01-test-times-fighters-enter-sukhnah"]
    assert (a.title, a.outlet, a.author, str(a.published)) == (
        "Fighters enter Sukhnah",
        "The Test Times",
        "A. Reporter",
        "2017-05-01",
    )
    assert (a.published_certainty, a.language, str(a.added)) == ("exact", "en", "2024-02-03")
    assert not [p.name for p in (root / "seeds").iterdir() if not p.name.endswith(".md")]
    assert seed.stat().st_mode == (root / "seeds" / f"{EXISTING}.md").stat().st_mode  # not mkstemp's 0600


def test_add_defaults_added_to_today_and_takes_meta_file_overridden_by_options(root, article, tmp_path):
    meta = tmp_path / "meta.yml"
    meta.write_text(
        'title: "From the meta file"\noutlet: Meta Outlet\npublished: 2016-01-02\ncertainty: approximate\n'
        'published_note: "Within a week."\nid: meta-article\nurl: https://example.org/a?b=1\n',
        encoding="utf-8",
    )
    code, _out, err = add(root, str(article), "--meta", str(meta), "--outlet", "Option Outlet")
    assert code == 0, err
    a = seeds_of(root)["meta-article"]
    assert (a.title, a.outlet, a.published_certainty) == (
        "From the meta file",
        "Option Outlet",
        "approximate",
    )
    assert (a.published_note, a.url) == ("Within a week.", "https://example.org/a?b=1")
    import datetime as dt

    assert a.added is not None and abs((dt.date.today() - a.added).days) <= 1


def test_add_from_stdin(root, monkeypatch):
    stdin(monkeypatch, b"\xef\xbb\xbfFirst line.\r\nSecond line, no final newline.")
    code, out, err = add(root, "-", *META, "--id", "from-stdin")
    assert code == 0, err
    seed = root / "seeds" / "from-stdin.md"
    assert body_of(seed) == "First line.\nSecond line, no final newline.\n"
    assert seeds_of(root)["from-stdin"].body.startswith("First line.")


HOSTILE_BODY = (
    "---\n"
    "id: evil\n"
    "title: injected\n"
    "---\n"
    "Click [here](javascript:alert(1)) or <script>alert('x')</script> and <img src=x onerror=alert(2)>.\n"
    '--8<-- "/etc/passwd"\n'
    "...\n"
    '!!! danger "admonition"\n'
    "    {: onclick=alert(3) }\n"
    "  trailing spaces and a tab\t\n"
    "\n"
    "Fighters entered Palmyra on Sunday, a monitor said.\n"
)
HOSTILE_TITLE = 'Title: "quoted" # not a comment {a: b} [x] & <b>tags</b>\u2028 line sep \x85 nel'


def test_hostile_text_round_trips_unchanged_and_builds(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "full")
    stdin(monkeypatch, HOSTILE_BODY.encode("utf-8"))
    code, _out, err = add(
        root,
        "-",
        "--title",
        HOSTILE_TITLE,
        "--outlet",
        "Outlet: {x}\n---",
        "--published",
        "2017-05-01",
        "--author",
        "null",
        "--note",
        "'single' \"double\" \\ backslash",
        "--id",
        "hostile",
    )
    assert code == 0, err
    seed = root / "seeds" / "hostile.md"
    assert body_of(seed) == HOSTILE_BODY
    a = parse_seed(seed, root / "schema" / "seed.schema.json")
    assert a.title == HOSTILE_TITLE and a.outlet == "Outlet: {x}\n---" and a.author == "null"
    assert a.note == "'single' \"double\" \\ backslash"
    assert a.body == HOSTILE_BODY.rstrip("\n")
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    page = (root / "docs" / "sources" / "hostile.md").read_text(encoding="utf-8")
    assert "<script>" not in page and "](javascript:" not in page and "\n--8<--" not in page


def test_derived_id_looks_like_the_existing_ones():
    from tadmur.add import derive_id

    assert derive_id(
        "2016-12-13",
        "The Washington Post",
        "ISIS is on the offensive and may have just picked up a surface-to-air missile system",
    ).startswith("2016-12-13-washington-post-isis-offensive")
    long = derive_id("2016-12-13", "Outlet " * 30, "Title " * 30)
    assert len(long) <= 80 and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", long)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", derive_id("2016-12-13", "تدمر", "تدمر"))


# ---- refusals: exit 1, one file:line message, nothing written ----------------------------------------------


def refused(root: Path, *argv: str, file: str, line: int | None = None, says: str = "") -> str:
    before = snapshot(root / "seeds")
    code, out, err = add(root, *argv)
    assert code == 1, (out, err)
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    m = MESSAGE.match(lines[0])
    assert m and m["file"] == file, err
    if line is not None:
        assert int(m["line"]) == line, err
    assert says in m["message"], err
    assert snapshot(root / "seeds") == before  # no seed, no temporary file
    return m["message"]


def test_impossible_date(root, article):
    msg = refused(root, str(article), *META[:4], "--published", "2017-02-30", file=str(article), line=1)
    assert "'published' is not a real date: 2017-02-30" in msg and "--published" in msg


def test_malformed_date_and_impossible_added(root, article):
    refused(root, str(article), *META[:4], "--published", "1 May 2017", file=str(article), says="published")
    refused(
        root,
        str(article),
        *META,
        "--added",
        "2024-13-01",
        file=str(article),
        says="'added' is not a real date",
    )


def test_bad_date_in_meta_file_names_its_line(root, article, tmp_path):
    meta = tmp_path / "meta.yml"
    meta.write_text("title: A title\noutlet: An outlet\npublished: 2017-02-30\n", encoding="utf-8")
    refused(root, str(article), "--meta", str(meta), file=str(meta), line=3, says="not a real date")
    meta.write_text(
        "title: A title\noutlet: An outlet\npublished: 2017-02-03\nlanguge: en\n", encoding="utf-8"
    )
    refused(root, str(article), "--meta", str(meta), file=str(meta), line=4, says="unknown field 'languge'")
    meta.write_text("title: [a, b]\noutlet: An outlet\npublished: 2017-02-03\n", encoding="utf-8")
    refused(root, str(article), "--meta", str(meta), file=str(meta), line=1, says="'title' must be text")


def test_missing_title(root, article):
    refused(root, str(article), *META[2:], file=str(article), line=1, says="no title")


def test_bad_url_and_certainty(root, article):
    refused(root, str(article), *META, "--url", "javascript:alert(1)", file=str(article), says="url")
    refused(root, str(article), *META, "--certainty", "sure", file=str(article), says="'sure'")


def test_duplicate_id(root, article):
    msg = refused(root, str(article), *META, "--id", EXISTING, file=str(article), line=1)
    assert f"seeds/{EXISTING}.md" in msg


def test_duplicate_derived_id(root, article, tmp_path):
    assert add(root, str(article), *META)[0] == 0
    other = tmp_path / "other.txt"
    other.write_text("A different text entirely.\n", encoding="utf-8")
    msg = refused(root, str(other), *META, file=str(other), line=1)
    assert "seeds/2017-05-01-test-times-fighters-enter-sukhnah.md" in msg and "--id" in msg


def test_duplicate_text_ignoring_whitespace(root, tmp_path):
    existing = (ROOT / "seeds" / f"{EXISTING}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    copy = tmp_path / "copy.txt"
    copy.write_text("\n\n" + "  \r\n".join(existing.split("\n")) + "\n\n", encoding="utf-8")
    msg = refused(root, str(copy), *META, file=str(copy), line=1)
    assert f"seeds/{EXISTING}.md" in msg


def test_empty_text(root, tmp_path, monkeypatch):
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\t\n", encoding="utf-8")
    refused(root, str(empty), *META, file=str(empty), line=1, says="empty")
    stdin(monkeypatch, b"")
    refused(root, "-", *META, file="<stdin>", line=1, says="empty")


def test_not_utf8(root, tmp_path, monkeypatch):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("First line.\nCaf\u00e9 in Latin-1.\n".encode("latin-1"))
    refused(root, str(bad), *META, file=str(bad), line=2, says="UTF-8")
    stdin(monkeypatch, b"ok\n\xff\n")
    refused(root, "-", *META, file="<stdin>", line=2, says="UTF-8")
