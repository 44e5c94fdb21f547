"""Bad inputs stop the build with one clear file:line message and leave docs/ exactly as it was."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DEFAULT_META, copy_project, front_matter, run_cli, snapshot, write_seed

BODY = "Fighters entered the city on Sunday, a monitor said.\n"
NAME = "2020-01-01-bad.md"


@pytest.fixture(scope="module")
def _docs_built_once(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    root = copy_project(tmp_path_factory.mktemp("errors") / "project")
    code, _out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    snap = snapshot(root / "docs")
    assert any(k.startswith("sources/") for k in snap)
    return root, snap


@pytest.fixture
def built_docs(_docs_built_once, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """A fresh project copy whose docs/ was built from the real inputs, and a snapshot of its docs/."""
    src, snap = _docs_built_once
    root = tmp_path / "project"
    shutil.copytree(src, root)
    assert snapshot(root / "docs") == snap
    return root, snap


def fails_cleanly(root: Path, snap: dict[str, bytes], file_name: str, line: int | None = None) -> str:
    """Run `tadmur docs`; check exit 1, one message naming the file (and line), docs/ untouched."""
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 1, (out, err)
    assert "Traceback" not in err
    lines = [x for x in err.splitlines() if x.strip()]
    naming = [x for x in lines if file_name in x]
    assert len(naming) == 1, err
    message = naming[0]
    assert lines[0] == message and message.startswith("error: "), err
    assert len(lines) <= 2, err
    if line is not None:
        assert re.search(rf"{re.escape(file_name)}:{line}: \S", message), message
    assert snapshot(root / "docs") == snap
    return message


def line_of(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, x in enumerate(lines, 1) if x.startswith(prefix))


def test_not_utf8(built_docs):
    root, snap = built_docs
    raw = front_matter(DEFAULT_META).encode() + b"First line is fine.\nSecond \xff\xfe line is not UTF-8.\n"
    write_seed(root, NAME, raw=raw)
    msg = fails_cleanly(root, snap, NAME, line=10)
    assert "UTF-8" in msg


def test_not_utf8_from_the_first_byte(built_docs):
    root, snap = built_docs
    write_seed(root, NAME, raw=b"\xff\xfe-\x00-\x00-\x00\n")
    assert "UTF-8" in fails_cleanly(root, snap, NAME, line=1)


def test_empty_file(built_docs):
    root, snap = built_docs
    write_seed(root, NAME, raw="")
    assert "empty" in fails_cleanly(root, snap, NAME, line=1)


def test_no_front_matter(built_docs):
    root, snap = built_docs
    write_seed(root, NAME, raw="Just an article.\nWith two lines.\n")
    assert "front matter" in fails_cleanly(root, snap, NAME, line=1)


def test_unclosed_front_matter(built_docs):
    root, snap = built_docs
    write_seed(root, NAME, raw=front_matter(DEFAULT_META).removesuffix("---\n") + BODY)
    assert "not closed" in fails_cleanly(root, snap, NAME, line=1)


def test_wrong_type(built_docs):
    root, snap = built_docs
    path = write_seed(root, NAME, BODY, published=12)
    msg = fails_cleanly(root, snap, NAME, line=line_of(path, "published:"))
    assert "published" in msg


def test_unknown_field(built_docs):
    root, snap = built_docs
    path = write_seed(root, NAME, BODY, publisher="Someone")
    msg = fails_cleanly(root, snap, NAME, line=line_of(path, "publisher:"))
    assert "publisher" in msg


def test_missing_required_field(built_docs):
    root, snap = built_docs
    write_seed(root, NAME, BODY, drop=("outlet",))
    assert "outlet" in fails_cleanly(root, snap, NAME)


def test_impossible_date(built_docs):
    root, snap = built_docs
    path = write_seed(root, NAME, BODY, published="2016-02-30")
    msg = fails_cleanly(root, snap, NAME, line=line_of(path, "published:"))
    assert "2016-02-30" in msg


def test_yaml_syntax_error_has_the_file_line(built_docs):
    root, snap = built_docs
    text = front_matter(DEFAULT_META).replace('outlet: "Test Outlet"', 'outlet: [unclosed') + BODY
    path = write_seed(root, NAME, raw=text)
    msg = fails_cleanly(root, snap, NAME)
    m = re.search(rf"{re.escape(NAME)}:(\d+):", msg)
    assert m and abs(int(m.group(1)) - line_of(path, "outlet:")) <= 1, msg


def test_empty_body(built_docs):
    root, snap = built_docs
    write_seed(root, NAME, "\n\n")
    assert "empty" in fails_cleanly(root, snap, NAME)


def test_two_seeds_with_one_id(built_docs):
    root, snap = built_docs
    write_seed(root, "2020-01-01-a.md", BODY)
    write_seed(root, "2020-01-01-b.md", BODY)
    msg = fails_cleanly(root, snap, "2020-01-01-b.md")
    assert "2020-01-01-a.md" in msg and DEFAULT_META["id"] in msg


@pytest.mark.parametrize("bad_id", ["../escape", "../../etc/passwd", "UPPER", "a/b", ""])
def test_invalid_id(built_docs, bad_id):
    root, snap = built_docs
    path = write_seed(root, NAME, BODY, id=bad_id)
    msg = fails_cleanly(root, snap, NAME, line=line_of(path, "id:"))
    assert "id" in msg
    assert not (root / "escape.md").exists() and not (root / "docs" / "escape.md").exists()


# ---- catalog -------------------------------------------------------------------------------------------

CATALOG = "zz-test.yml"


def write_catalog(root: Path, text: str) -> Path:
    path = root / "data" / "catalog" / CATALOG
    path.write_text(text, encoding="utf-8")
    return path


def test_alias_shared_by_two_entities(built_docs):
    root, snap = built_docs
    path = write_catalog(root, """kind: actor
entities:
  - id: zz-qwerty-brigade
    name: Qwerty Brigade
    description: Made up for a test.
    aliases: [Qwertyans]

  - id: zz-asdfgh-brigade
    name: Asdfgh Brigade
    description: Made up for a test.
    aliases: [Asdfghans, qwertyans]
""")
    msg = fails_cleanly(root, snap, CATALOG, line=line_of(path, "  - id: zz-asdfgh-brigade"))
    assert "zz-qwerty-brigade" in msg


def test_alias_already_owned_by_a_catalogued_entity(built_docs):
    root, snap = built_docs
    path = write_catalog(root, """kind: actor
entities:
  - id: zz-other-state
    name: Zz Other State
    description: Claims a name the Islamic State already has.
    aliases: [Daesh]
""")
    msg = fails_cleanly(root, snap, CATALOG, line=line_of(path, "  - id: zz-other-state"))
    assert "Daesh" in msg


def test_affiliation_to_an_unknown_id(built_docs):
    root, snap = built_docs
    path = write_catalog(root, """kind: actor
entities:
  - id: zz-qwerty-brigade
    name: Qwerty Brigade
    description: Made up for a test.

  - id: zz-asdfgh-brigade
    name: Asdfgh Brigade
    description: Made up for a test.
    affiliation:
      - {id: zz-no-such-group, relation: part of}
""")
    msg = fails_cleanly(root, snap, CATALOG, line=line_of(path, "  - id: zz-asdfgh-brigade"))
    assert "zz-no-such-group" in msg


def test_duplicate_entity_id(built_docs):
    root, snap = built_docs
    path = write_catalog(root, """kind: weapon
entities:
  - id: zz-thing
    name: Zz Thing
    description: Made up for a test.
  - id: zz-thing
    name: Zz Other Thing
    description: Made up for a test.
""")
    fails_cleanly(root, snap, CATALOG, line=line_of(path, "  - id: zz-thing") + 3)


def test_catalog_schema_error(built_docs):
    root, snap = built_docs
    path = write_catalog(root, """kind: place
entities:
  - id: zz-somewhere
    name: Zz Somewhere
    description: Made up for a test.
    coordinates: [134.5, 38.2]
""")
    fails_cleanly(root, snap, CATALOG, line=line_of(path, "    coordinates:"))


def test_a_good_seed_still_builds(built_docs):
    """The fixture itself is sound: a valid extra seed builds and adds its source page."""
    root, snap = built_docs
    write_seed(root, NAME, BODY)
    code, _out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    assert (root / "docs" / "sources" / f"{DEFAULT_META['id']}.md").is_file()
    assert snapshot(root / "docs") != snap
