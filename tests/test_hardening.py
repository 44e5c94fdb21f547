"""Hostile inputs found by a probe: each is refused quickly with file:line, or built inert."""

from __future__ import annotations

import time

import pytest
from conftest import DEFAULT_META, copy_project, front_matter, run_cli, snapshot, write_seed
from tadmur.pages import FIELDS_MARK

BODY = "Fighters entered the city on Sunday, a monitor said.\n"


def _bomb(levels: int = 9) -> str:
    lines = ["x0: &a0 [v, v, v, v, v, v, v, v, v]"]
    for i in range(1, levels + 1):
        lines.append(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines)


def _refused(root, name: str) -> str:
    before = snapshot(root / "docs")
    t = time.perf_counter()
    code, out, err = run_cli("--root", str(root), "check")
    assert time.perf_counter() - t < 30  # a bomb would run for minutes; this only guards the test itself
    assert code == 1 and "Traceback" not in err, (out, err)
    assert snapshot(root / "docs") == before
    (line,) = [x for x in err.splitlines() if name in x]
    return line


def test_a_yaml_alias_bomb_in_a_seed_is_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    raw = front_matter(DEFAULT_META)[:-4] + _bomb() + "\n---\n" + BODY
    write_seed(root, "bomb.md", raw=raw)
    assert "bomb.md:9: " in _refused(root, "bomb.md") and "aliases" in _refused(root, "bomb.md")


def test_a_yaml_alias_bomb_in_a_page_is_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    assert run_cli("--root", str(root), "docs")[0] == 0
    page = root / "docs" / "places" / "palmyra.md"
    lines = page.read_text(encoding="utf-8").split("\n")
    mark = lines.index(FIELDS_MARK)
    lines[mark + 1 : mark + 1] = _bomb(3).split("\n")
    page.write_text("\n".join(lines), encoding="utf-8")
    message = _refused(root, "docs/places/palmyra.md")
    assert f"docs/places/palmyra.md:{mark + 3}: " in message and "aliases" in message


@pytest.mark.parametrize("day", ["9999-12-31", "9999-11-15", "1066-10-14"])
def test_a_date_outside_the_years_of_any_article_is_refused(tmp_path, day):
    root = copy_project(tmp_path / "p")
    write_seed(root, "far.md", BODY, published=day)
    message = _refused(root, "far.md")
    assert "far.md:" in message and "the year must be" in message


@pytest.mark.parametrize(
    "field, value",
    [("id", "x\n"), ("id", "index"), ("language", "en\n"), ("published", "2016-12-12\n")],
)
def test_ids_and_codes_must_match_whole(tmp_path, field, value):
    root = copy_project(tmp_path / "p")
    write_seed(root, "odd.md", BODY, **{field: value})
    assert "odd.md:" in _refused(root, "odd.md")


def test_a_name_that_is_a_section_index_gets_its_own_page(tmp_path):
    root = copy_project(tmp_path / "p")
    write_seed(
        root, "index-town.md", "Rebels took the town of Index near Palmyra on Sunday, a monitor said.\n"
    )
    assert run_cli("--root", str(root), "docs")[0] == 0
    index = (root / "docs" / "places" / "index.md").read_text(encoding="utf-8")
    assert "\ntitle: Places\n" in index
    assert (root / "docs" / "places" / "index-name.md").is_file()


@pytest.mark.parametrize(
    "prose",
    [
        "<script>alert(1)</script>",
        "A picture <img src=x onerror=alert(2)>",
        "Bold text{: onclick=alert(3) }",
        "[go](javascript:alert(4))",
        "[next page](https://example.org/x){ data-tadmur-redirect }",
        'Palmyra Palmyra{: data-pagefind-weight="10" data-pagefind-meta="names:palmyra" }',
        "[x]: javascript:alert(5)",
    ],
)
def test_contributor_prose_cannot_carry_code(tmp_path, prose):
    root = copy_project(tmp_path / "p")
    assert run_cli("--root", str(root), "docs")[0] == 0
    page = root / "docs" / "places" / "palmyra.md"
    text = page.read_text(encoding="utf-8")
    end = text.index("<!-- tadmur:end -->")
    line = text[:end].count("\n") + 3
    page.write_text(
        text.replace("<!-- tadmur:end -->\n", f"<!-- tadmur:end -->\n\n{prose}\n", 1), encoding="utf-8"
    )
    assert f"docs/places/palmyra.md:{line}: " in _refused(root, "docs/places/palmyra.md")


def test_code_in_contributor_prose_is_quoted_not_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    assert run_cli("--root", str(root), "docs")[0] == 0
    page = root / "docs" / "places" / "palmyra.md"
    text = page.read_text(encoding="utf-8")
    prose = "The tag `<script>` is shown as code, and so is this:\n\n```\n<iframe src=x></iframe>\n```\n"
    page.write_text(
        text.replace("<!-- tadmur:end -->\n", f"<!-- tadmur:end -->\n\n{prose}", 1), encoding="utf-8"
    )
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    assert prose in page.read_text(encoding="utf-8")


def test_titles_lose_bidirectional_controls_and_are_capped(tmp_path):
    root = copy_project(tmp_path / "p")
    write_seed(root, "bidi.md", BODY, title="Army \u202eetaerter\u202c takes the town")
    assert run_cli("--root", str(root), "docs")[0] == 0
    page = (root / "docs" / "sources" / f"{DEFAULT_META['id']}.md").read_text(encoding="utf-8")
    assert "\u202e" not in page and "etaerter" in page
    write_seed(root, "bidi.md", BODY, title="A" * 301)
    assert "bidi.md:" in _refused(root, "bidi.md")


def _loaded(loader, text: str):
    """What a loader makes of the text, with every line it records, or the kind of error it raises."""
    import yaml
    from tadmur.yamlio import LineDict

    def plain(x):
        if isinstance(x, LineDict):
            return ("map", x.line, x.key_lines, x.item_lines, {k: plain(v) for k, v in x.items()})
        if isinstance(x, list):
            return [plain(v) for v in x]
        return (type(x).__name__, x)

    try:
        return plain(yaml.load(text, Loader=loader))  # noqa: S506 - the project's SafeLoader subclasses
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__)


YAML_TEXTS = [
    "id: a\ntitle: 'It''s: a \"title\"'\npublished: 2016-12-13\nn: 012\nf: 1e3\nb: yes\nnull_: ~\n",
    "title: >\n  folded\n  text\n\n  more\nlines: |-\n  kept\n   indented\n",
    "list:\n- a\n- [b, c]\n- {d: 1, e: [2, 3]}\n-\n  f: g\n",
    "title: line\u2028separator and\u0085next\ttab\n",
    "title: \"\\u00e9 \\x41 \\N\"\nother: caf\u00e9 \U0001f600\n",
    "key: [unclosed\n",
    "a: 1\na: 2\n",
    "? complex\n: key\n",
    "\tindented: with a tab\n",
    "a: b: c\n",
    "date: 2016-12-13 10:00:00\nversion: 1.10\noct: 0o17\nhex: 0x1F\nsexa: 1:30\n",
    "",
    "--- just a scalar\n",
    "- a\n- b\n",
]


@pytest.mark.parametrize("text", YAML_TEXTS)
def test_the_libyaml_loader_reads_yaml_as_the_python_one_does(text):
    """yamlio reads text without anchors or aliases with libyaml's parser: what it makes, lines
    included, must be what the Python parser makes (or both must refuse the text)."""
    from tadmur import yamlio

    assert yamlio._CLoader is not None  # (PyYAML's wheels ship libyaml)
    assert _loaded(yamlio._CLoader, text) == _loaded(yamlio._Loader, text)


def test_a_yaml_error_names_the_python_parsers_line(tmp_path):
    """A text libyaml refuses is read again by the Python parser, whose message and line are shown."""
    from tadmur.errors import BuildError
    from tadmur.yamlio import load_yaml

    with pytest.raises(BuildError) as err:
        load_yaml("id: a\ntitle: [unclosed\nnext: b\n", "x.md", line_offset=1)
    assert err.value.line == 4 and "YAML error" in str(err.value)
