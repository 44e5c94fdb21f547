"""What a contributor does, end to end: write on generated pages, correct the machine from their fields.

Every test works on its own copy of the project. To save a build per test, the copy is made from one
project copied with conftest's `copy_project` and built once per module with `tadmur docs` (`base`).
Scenarios whose single build serves several assertions are module-scoped fixtures. The outcomes read
are the files in docs/, docs/data/knowledge.json and, for a few key cases, the HTML that `tadmur site`
(MkDocs --strict) builds.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_cli, snapshot, write_seed
from siteutil import parse_file, resolve
from tadmur.pages import BEGIN, END, FIELDS_MARK
from tadmur.paths import Project
from tadmur.pipeline import generate


# Event ids are permanent but made from each event's first report, so the scenarios look them up by
# what the events are rather than spelling them out.
def _fresh_knowledge() -> dict:
    """The export of a first build of the seeds, as the scenarios' base copy makes it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return json.loads(generate(Project(copy_project(Path(tmp) / "p"))).files["data/knowledge.json"])


_REAL = _fresh_knowledge()


def _event_id(title: str, start: str | None = None, *, candidates: bool = False) -> str:
    pool = _REAL["candidate_events" if candidates else "events"]
    (ev,) = [
        e
        for e in pool
        if e["title"] == title and (start is None or (e["date"]["start"] or "").startswith(start))
    ]
    return ev["id"]


ANY_EVENT = _event_id("Killings at Roman amphitheater of Palmyra")

WAR_NEWS = "2017-03-02-war-news-updates-syrian-army-recaptures-palmyra"
NEW_SEED_ID = "2020-01-01-test-article"  # conftest.DEFAULT_META's id


# ---- helpers --------------------------------------------------------------------------------------------


@dataclass
class Build:
    code: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        """The `error: file:line: ...` lines, without the closing 'nothing was written' line."""
        return [
            ln
            for ln in self.err.splitlines()
            if ln.startswith("error: ") and not ln.startswith("error: nothing was written")
        ]


def build(root: Path, command: str = "docs") -> Build:
    try:
        code, out, err = run_cli("--root", str(root), command)
    except SystemExit as exc:  # build_site raises SystemExit when mkdocs fails
        pytest.fail(f"`tadmur {command}` failed: {exc}")
    return Build(code, out, err)


def build_ok(root: Path, command: str = "docs") -> Build:
    b = build(root, command)
    assert b.code == 0, f"`tadmur {command}` exited {b.code}:\n{b.err}\n{b.out}"
    return b


def clone(base: Path, dest: Path) -> Path:
    """A copy of an already built project (inputs and docs/), without the built sites."""
    shutil.copytree(base, dest, ignore=shutil.ignore_patterns("site", "site-offline", ".site-*"))
    return dest


def knowledge(root: Path) -> dict:
    return json.loads((root / "docs" / "data" / "knowledge.json").read_text(encoding="utf-8"))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def lines_of(path: Path) -> list[str]:
    return read(path).split("\n")


def line_no(path: Path, predicate) -> int:
    """1-based number of the only line of the file that satisfies predicate."""
    hits = [i + 1 for i, ln in enumerate(lines_of(path)) if predicate(ln)]
    assert len(hits) == 1, (path, hits)
    return hits[0]


def add_fields(page: Path, text: str) -> int:
    """Write contributor fields right below the '# == Your fields' line; the line of the first one."""
    lines = lines_of(page)
    mark = lines.index(FIELDS_MARK)
    lines[mark + 1 : mark + 1] = text.rstrip("\n").split("\n")
    page.write_text("\n".join(lines), encoding="utf-8")
    return mark + 2


def add_prose(page: Path, above: str | None = None, below: str | None = None) -> None:
    """Contributor text above the begin marker and/or below the end marker."""
    text = read(page)
    if above is not None:
        i = text.index(BEGIN)
        text = text[:i] + above + "\n\n" + text[i:]
    if below is not None:
        text = text.rstrip("\n") + "\n\n" + below + "\n"
    page.write_text(text, encoding="utf-8")


def contributor_parts(text: str) -> tuple[str, str, str]:
    """(fields below the mark, text above the begin marker, text below the end marker), exactly."""
    lines = text.split("\n")
    mark = lines.index(FIELDS_MARK)
    close = lines.index("---", mark)
    begin = next(i for i, ln in enumerate(lines) if ln.startswith(BEGIN))
    end = lines.index(END)
    return (
        "\n".join(lines[mark + 1 : close]),
        "\n".join(lines[close + 1 : begin]),
        "\n".join(lines[end + 1 :]),
    )


def build_part(text: str) -> str:
    """The body the build writes: between the markers."""
    return text[text.index(BEGIN) : text.index(END)]


def paragraph_md(source_page: str, n: int) -> str:
    """The Markdown of paragraph ¶n of a source page (the lines before its `{: #pN ...}` line)."""
    lines = source_page.split("\n")
    idx = next(i for i, ln in enumerate(lines) if ln.startswith(f"{{: #p{n} "))
    start = idx
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return "\n".join(lines[start:idx])


def entity(kn: dict, eid: str) -> dict | None:
    return next((e for e in kn["entities"] if e["id"] == eid), None)


def event(kn: dict, eid: str) -> dict | None:
    return next((e for e in kn["events"] if e["id"] == eid), None)


def candidate(kn: dict, eid: str) -> dict | None:
    return next((e for e in kn["candidate_events"] if e["id"] == eid), None)


def mentions_of(kn: dict, eid: str) -> list[dict]:
    return [m for m in kn["mentions"] if m["entity"] == eid]


def where(m: dict) -> tuple:
    return (m["article"], m["paragraph"], m["start"], m["end"])


def report_keys(ev: dict) -> set[tuple]:
    return {(s["article"], s["paragraph"], s["sentence"], s["quote"]) for s in ev["sources"]}


def html_of(root: Path, url: str) -> str:
    return read(root / "site" / url / "index.html")


# ---- the project, built once -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real seeds and catalog, built once with `tadmur docs`. Read only: tests build on clones."""
    root = copy_project(tmp_path_factory.mktemp("contrib-base") / "p")
    build_ok(root)
    return root


@pytest.fixture(scope="module")
def base_kn(base: Path) -> dict:
    return knowledge(base)


@pytest.fixture
def proj(base: Path, tmp_path: Path) -> Path:
    return clone(base, tmp_path / "p")


# ---- 1. contributor text and fields survive ------------------------------------------------------------

ABOVE = "Context **by a contributor** about the unit: see [its history](https://example.org/tigers)."
BELOW = "Closing words *by a contributor*."


@pytest.fixture(scope="module")
def prose_site(base: Path, tmp_path_factory: pytest.TempPathFactory):
    root = clone(base, tmp_path_factory.mktemp("prose") / "p")
    page = root / "docs" / "actors" / "tiger-forces.md"
    add_prose(page, above=ABOVE, below=BELOW)
    add_fields(page, "aliases: [Nimr Brigade]")
    parts = contributor_parts(read(page))
    first = build_ok(root, "site")
    after_first = snapshot(root / "docs")
    second = build_ok(root)
    return root, page, parts, first, after_first, second


def test_contributor_text_and_fields_survive_a_rebuild_byte_for_byte(prose_site):
    root, page, parts, first, _, _ = prose_site
    text = read(page)
    assert contributor_parts(text) == parts
    assert parts[0] == "aliases: [Nimr Brigade]"
    assert ABOVE in parts[1] and BELOW in parts[2]
    # The field was read, not just kept: the alias is now one of the entity's names, on the page too.
    assert "Nimr Brigade" in entity(knowledge(root), "tiger-forces")["aliases"]
    assert "Nimr Brigade" in build_part(text)
    assert "docs/: " in first.out


def test_a_second_rebuild_writes_nothing(prose_site):
    root, _, _, _, after_first, second = prose_site
    assert "docs/: 0 written" in second.out, second.out
    assert snapshot(root / "docs") == after_first


def test_contributor_text_is_on_the_built_page_under_its_title(prose_site):
    root, *_ = prose_site
    html = html_of(root, "actors/tiger-forces")
    top = re.search(r"<h1[^>]*>Tiger Forces</h1>\s*<p>(.*?)</p>", html, re.S)
    assert top, "the contributor's paragraph should directly follow the page's <h1>"
    assert top.group(1).startswith("Context <strong>by a contributor</strong> about the unit")
    assert 'href="https://example.org/tigers"' in top.group(1)
    assert html.index("<h1") < html.index("Context <strong>") < html.index("tadmur:begin")
    assert html.index("tadmur:end") < html.index("Closing words <em>by a contributor</em>.")


# ---- 2. edits inside the build's part are refused, nothing is written ----------------------------------


def _edit_description(lines: list[str]) -> int:
    i = next(i for i, ln in enumerate(lines) if ln.startswith("Elite Syrian Arab Army offensive unit"))
    lines[i] = "Elite unit of the Syrian army, as I would put it."
    return i + 1


def _edit_title(lines: list[str]) -> int:
    i = lines.index('title: "Tiger Forces"')
    lines[i] = 'title: "The Tigers"'
    return i + 1


def _edit_description_field(lines: list[str]) -> int:
    i = next(i for i, ln in enumerate(lines) if ln.startswith("description: "))
    lines[i] = 'description: "My own description."'
    return i + 1


def _delete_body_line(lines: list[str]) -> int:
    i = next(i for i, ln in enumerate(lines) if ln.startswith("## Also known as"))
    del lines[i]
    return i + 1  # the line that took its place is where the difference starts


def _edit_last_body_line(lines: list[str]) -> int:
    i = lines.index(END) - 2
    assert lines[i].strip()
    lines[i] += " (checked)"
    return i + 1


def _write_right_under_begin(lines: list[str]) -> int:
    i = next(i for i, ln in enumerate(lines) if ln.startswith(BEGIN))
    lines.insert(i + 1, "My note, written just under the marker.")
    return i + 2


def _write_right_above_end(lines: list[str]) -> int:
    i = lines.index(END)
    lines.insert(i, "My note, written just above the end marker.")
    return i + 1


@pytest.mark.parametrize(
    "edit",
    [
        _edit_description,
        _edit_title,
        _edit_description_field,
        _delete_body_line,
        _edit_last_body_line,
        _write_right_under_begin,
        _write_right_above_end,
    ],
)
def test_an_edit_in_the_build_part_is_refused_at_its_line_and_nothing_is_written(proj, edit):
    page = proj / "docs" / "actors" / "tiger-forces.md"
    lines = lines_of(page)
    line = edit(lines)
    page.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1, b.out
    assert len(b.errors) == 1, b.err
    assert b.errors[0].startswith(f"error: docs/actors/tiger-forces.md:{line}: "), (b.err, line)
    assert "nothing was written" in b.err
    assert snapshot(proj / "docs") == before


def test_tadmur_check_refuses_the_same_edit(proj):
    page = proj / "docs" / "actors" / "tiger-forces.md"
    lines = lines_of(page)
    line = _edit_description(lines)
    page.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(proj / "docs")
    b = build(proj, "check")
    assert b.code == 1
    assert b.errors[0].startswith(f"error: docs/actors/tiger-forces.md:{line}: ")
    assert snapshot(proj / "docs") == before


# ---- 3. damaged markers --------------------------------------------------------------------------------


REMOVE = {
    "begin": lambda ln: ln.startswith(BEGIN),
    "end": lambda ln: ln == END,
    "fields": lambda ln: ln == FIELDS_MARK,
}


@pytest.mark.parametrize("marker", sorted(REMOVE))
def test_a_removed_marker_is_refused_at_its_line(proj, marker):
    page = proj / "docs" / "actors" / "tiger-forces.md"
    add_prose(page, above="My context.")
    lines = [ln for ln in lines_of(page) if not REMOVE[marker](ln)]
    page.write_text("\n".join(lines), encoding="utf-8")
    # The line the error names, in the edited file: the marker that is left, or where the fields line belongs.
    line = {
        "begin": lambda: lines.index(END) + 1,
        "end": lambda: next(i for i, ln in enumerate(lines) if ln.startswith(BEGIN)) + 1,
        "fields": lambda: lines.index("---", 1) + 1,
    }[marker]()
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1, b.out
    (err,) = b.errors
    assert err.startswith(f"error: docs/actors/tiger-forces.md:{line}: "), (err, line)
    assert snapshot(proj / "docs") == before


def test_removing_every_marker_does_not_lose_the_contributor_text(proj):
    page = proj / "docs" / "actors" / "tiger-forces.md"
    add_prose(page, above="My precious context.")
    lines = [ln for ln in lines_of(page) if not (ln.startswith(BEGIN) or ln in (END, FIELDS_MARK))]
    page.write_text("\n".join(lines), encoding="utf-8")
    b = build(proj)
    assert "My precious context." in read(page)
    assert b.code == 1 and "docs/actors/tiger-forces.md:" in b.err


# ---- 4. pages whose subject left the articles -----------------------------------------------------------


@pytest.fixture(scope="module")
def orphans(base: Path, base_kn: dict, tmp_path_factory: pytest.TempPathFactory):
    """The war-news seed deleted (Putin and Peskov are only in it); Putin's page has a contributor's text.
    Mariinsky Theatre Orchestra, named once, gets a wrong_matches for that one mention."""
    for eid in ("vladimir-putin", "dmitry-peskov"):
        assert {m["article"] for m in mentions_of(base_kn, eid)} == {WAR_NEWS}, eid
    (only,) = mentions_of(base_kn, "mariinsky-theatre-orchestra")
    root = clone(base, tmp_path_factory.mktemp("orphans") / "p")
    (root / "seeds" / f"{WAR_NEWS}.md").unlink()
    add_prose(root / "docs" / "actors" / "vladimir-putin.md", below="Putin's role, by a contributor.")
    add_fields(
        root / "docs" / "actors" / "mariinsky-theatre-orchestra.md",
        f'wrong_matches: ["{only["article"]}#p{only["paragraph"]}"]',
    )
    b = build_ok(root, "site")
    return root, b


def test_a_page_without_contributor_words_is_deleted_with_its_subject(orphans):
    root, b = orphans
    kn = knowledge(root)
    assert not (root / "docs" / "actors" / "dmitry-peskov.md").exists()
    assert entity(kn, "dmitry-peskov") is None
    assert "docs/actors/dmitry-peskov.md" not in b.out
    assert "actors/dmitry-peskov.md" not in read(root / "docs" / ".tadmur-generated").split("\n")


@pytest.mark.parametrize("eid", ["vladimir-putin", "mariinsky-theatre-orchestra"])
def test_a_page_with_contributor_words_is_kept_with_a_notice(orphans, eid):
    root, b = orphans
    kn = knowledge(root)
    page = root / "docs" / "actors" / f"{eid}.md"
    assert page.is_file()
    assert entity(kn, eid) is None and not mentions_of(kn, eid)
    notes = [ln.strip() for ln in b.out.splitlines() if ln.strip().startswith("note: ")]
    assert any(ln.startswith(f"note: docs/actors/{eid}.md: ") and "kept" in ln for ln in notes), b.out
    text = read(page)
    assert "Kept for its contributors' text" in build_part(text)
    if eid == "vladimir-putin":
        assert contributor_parts(text)[2] == "\nPutin's role, by a contributor.\n"
    else:
        assert contributor_parts(text)[0].startswith("wrong_matches: ")
    html = html_of(root, f"actors/{eid}")  # `tadmur site` (--strict) passed with the kept pages
    assert "Kept for its contributors" in html
    if eid == "vladimir-putin":
        assert "Putin's role, by a contributor." in html


def test_a_kept_page_goes_once_its_words_are_removed(proj):
    (proj / "seeds" / f"{WAR_NEWS}.md").unlink()
    page = proj / "docs" / "actors" / "vladimir-putin.md"
    add_prose(page, above="Temporary note.")
    build_ok(proj)
    assert page.is_file()
    page.write_text(read(page).replace("Temporary note.\n\n", ""), encoding="utf-8")
    b = build_ok(proj)
    assert not page.exists(), b.out
    assert "vladimir-putin" not in b.out


# ---- 5. aliases from a page's fields --------------------------------------------------------------------


def test_an_alias_in_the_fields_links_the_name_in_a_new_article(proj):
    add_fields(proj / "docs" / "actors" / "tiger-forces.md", "aliases: [Nimr Brigade]")
    write_seed(
        proj, f"{NEW_SEED_ID}.md", "The Nimr Brigade was seen near the old city on Monday, a witness said.\n"
    )
    build_ok(proj)
    kn = knowledge(proj)
    (m,) = [m for m in kn["mentions"] if m["article"] == NEW_SEED_ID]
    assert (m["entity"], m["surface"], m["paragraph"]) == ("tiger-forces", "Nimr Brigade", 1)
    assert "Nimr Brigade" in entity(kn, "tiger-forces")["aliases"]
    source = read(proj / "docs" / "sources" / f"{NEW_SEED_ID}.md")
    assert "[Nimr Brigade](../actors/tiger-forces.md)" in paragraph_md(source, 1)
    actor = read(proj / "docs" / "actors" / "tiger-forces.md")
    assert "Nimr Brigade" in build_part(actor)
    assert contributor_parts(actor)[0] == "aliases: [Nimr Brigade]"


@pytest.mark.parametrize(
    "alias, owner", [("ISIS", "islamic-state"), ("Desert Hawks", "desert-hawks-brigade")]
)
def test_an_alias_of_another_entity_is_refused_naming_the_owner(proj, alias, owner):
    page = proj / "docs" / "actors" / "tiger-forces.md"
    line = add_fields(page, f"aliases: [Nimr Brigade, {alias}]")
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1
    (err,) = b.errors
    assert err.startswith(f"error: docs/actors/tiger-forces.md:{line}: "), err
    assert repr(alias) in err and repr(owner) in err
    assert snapshot(proj / "docs") == before


# ---- 6. wrong matches -----------------------------------------------------------------------------------


def _pick_mention(kn: dict) -> tuple[str, dict]:
    """An actor (not an article's outlet) named in at least two paragraphs: the fewest mentions first."""
    outlets = {a["outlet_entity"] for a in kn["articles"]}
    kinds = {e["id"]: e["kind"] for e in kn["entities"]}
    by = defaultdict(list)
    for m in kn["mentions"]:
        by[m["entity"]].append(m)
    candidates = sorted(
        (len(ms), eid)
        for eid, ms in by.items()
        if kinds[eid] == "actor"
        and eid not in outlets
        and len({(m["article"], m["paragraph"]) for m in ms}) > 1
    )
    eid = candidates[0][1]
    return eid, by[eid][0]


def test_a_wrong_match_is_excluded_everywhere(proj, base_kn):
    eid, m = _pick_mention(base_kn)
    art, para = m["article"], m["paragraph"]
    page = proj / "docs" / "actors" / f"{eid}.md"
    add_fields(page, f'wrong_matches: ["{art}#p{para}"]')
    build_ok(proj)
    kn = knowledge(proj)
    after = mentions_of(kn, eid)
    assert not [x for x in after if (x["article"], x["paragraph"]) == (art, para)]
    expected = [where(x) for x in mentions_of(base_kn, eid) if (x["article"], x["paragraph"]) != (art, para)]
    assert expected and [where(x) for x in after] == expected
    assert entity(kn, eid)["mention_count"] == len(expected)
    link = f"](../actors/{eid}.md)"
    source = read(proj / "docs" / "sources" / f"{art}.md")
    para_md = paragraph_md(source, para)
    assert link not in para_md
    assert m["surface"] in para_md.replace("\\", "")  # the words stay, unlinked
    paragraphs = {(a["id"], p["n"]): p for a in kn["articles"] for p in a["paragraphs"]}
    for other in after:  # every other mention is still linked on its source page, where the page shows it
        shown = paragraphs[(other["article"], other["paragraph"])]
        if other["surface"] not in (shown["text"] or shown["excerpt"] or ""):
            continue  # an excerpts outlet's source page leaves this passage out
        other_source = read(proj / "docs" / "sources" / f"{other['article']}.md")
        assert link in paragraph_md(other_source, other["paragraph"]), other


def _unnamed_paragraph(kn: dict, eid: str, art: str) -> int:
    named = {m["paragraph"] for m in mentions_of(kn, eid) if m["article"] == art}
    article = next(a for a in kn["articles"] if a["id"] == art)
    return next(p["n"] for p in article["paragraphs"] if p["n"] not in named)


@pytest.mark.parametrize("case", ["unnamed paragraph", "unknown article", "no such paragraph"])
def test_a_wrong_match_that_points_at_nothing_is_refused(proj, base_kn, case):
    eid, m = _pick_mention(base_kn)
    art = m["article"]
    at, says = {
        "unnamed paragraph": (f"{art}#p{_unnamed_paragraph(base_kn, eid, art)}", "does not name"),
        "unknown article": ("2001-01-01-no-such-article#p1", "no article has the id"),
        "no such paragraph": (f"{art}#p999", "not 999"),
    }[case]
    line = add_fields(proj / "docs" / "actors" / f"{eid}.md", f'wrong_matches: ["{at}"]')
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1
    (err,) = b.errors
    assert err.startswith(f"error: docs/actors/{eid}.md:{line}: ") and says in err, err
    assert snapshot(proj / "docs") == before


def test_a_bad_wrong_match_item_is_reported_at_its_own_line(proj, base_kn):
    eid, m = _pick_mention(base_kn)
    art = m["article"]
    page = proj / "docs" / "actors" / f"{eid}.md"
    unnamed = _unnamed_paragraph(base_kn, eid, art)
    first = add_fields(page, f'wrong_matches:\n  - "{art}#p{m["paragraph"]}"\n  - "{art}#p{unnamed}"')
    b = build(proj)
    assert b.code == 1
    assert b.errors[0].startswith(f"error: docs/actors/{eid}.md:{first + 2}: "), b.err


# ---- 7. merging entities ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def merged_entities(base: Path, tmp_path_factory: pytest.TempPathFactory):
    root = clone(base, tmp_path_factory.mktemp("merge") / "p")
    line = add_fields(root / "docs" / "actors" / "iraqi-army.md", "merge_into: iraqi-security-forces")
    build_ok(root)
    return root, line


def test_a_merged_entity_is_gone_and_its_mentions_count_for_the_target(merged_entities, base_kn):
    root, _ = merged_entities
    kn = knowledge(root)
    assert entity(kn, "iraqi-army") is None and not mentions_of(kn, "iraqi-army")
    moved = {where(m) for m in mentions_of(base_kn, "iraqi-army")}
    assert moved
    target = {where(m) for m in mentions_of(kn, "iraqi-security-forces")}
    assert moved <= target
    assert target == moved | {where(m) for m in mentions_of(base_kn, "iraqi-security-forces")}
    assert entity(kn, "iraqi-security-forces")["mention_count"] == len(target)
    # Other pages link the target where they linked the merged entity. (Rudaw's source page shows only
    # excerpts, without this sentence: the mention is quoted on the target's page.)
    source = read(root / "docs" / "sources" / "2016-12-12-rudaw-palmyra-fall-propaganda-coup.md")
    assert "](../actors/iraqi-army.md)" not in source
    assert "**Iraqi Army**" in read(root / "docs" / "actors" / "iraqi-security-forces.md")
    tikrit = read(root / "docs" / "places" / "tikrit.md")
    assert "](../actors/iraqi-security-forces.md)" in tikrit and "](../actors/iraqi-army.md)" not in tikrit


def test_a_merged_entity_page_redirects_to_the_target(merged_entities):
    root, _ = merged_entities
    kn = knowledge(root)
    assert {"from": "actors/iraqi-army/", "to": "actors/iraqi-security-forces/", "why": "merged"} in kn[
        "redirects"
    ]
    text = read(root / "docs" / "actors" / "iraqi-army.md")
    assert "[Iraqi Security Forces](iraqi-security-forces.md){ data-tadmur-redirect }" in build_part(text)
    assert contributor_parts(text)[0] == "merge_into: iraqi-security-forces"  # the decision stays
    assert "Mentions" not in build_part(text)


def test_the_merge_target_lists_the_merged_name_as_an_alias(merged_entities):
    root, _ = merged_entities
    assert "Iraqi Army" in entity(knowledge(root), "iraqi-security-forces")["aliases"]
    body = build_part(read(root / "docs" / "actors" / "iraqi-security-forces.md"))
    known = body.split("## Also known as", 1)[1].split("##", 1)[0]
    assert "Iraqi Army" in known


def test_merging_an_entity_into_itself_is_refused(proj):
    line = add_fields(proj / "docs" / "actors" / "iraqi-army.md", "merge_into: iraqi-army")
    b = build(proj)
    assert b.code == 1
    assert b.errors[0].startswith(f"error: docs/actors/iraqi-army.md:{line}: ")


def test_merging_into_an_unknown_id_is_refused(proj):
    line = add_fields(proj / "docs" / "actors" / "iraqi-army.md", "merge_into: no-such-entity")
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1, b.out
    assert b.errors[0].startswith(f"error: docs/actors/iraqi-army.md:{line}: ")
    assert "no-such-entity" in b.errors[0]
    assert snapshot(proj / "docs") == before


# ---- 8. renaming in the catalog -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renamed(base: Path, tmp_path_factory: pytest.TempPathFactory):
    """tiger-forces renamed qawat-al-nimr in data/catalog/actors.yml, with text and a field on its page."""
    root = clone(base, tmp_path_factory.mktemp("rename") / "p")
    old_page = root / "docs" / "actors" / "tiger-forces.md"
    add_prose(old_page, above=ABOVE, below=BELOW)
    add_fields(old_page, "aliases: [Nimr Brigade]")
    parts = contributor_parts(read(old_page))
    catalog = root / "data" / "catalog" / "actors.yml"
    text = read(catalog)
    old = "  - id: tiger-forces\n    name: Tiger Forces\n"
    new = "  - id: qawat-al-nimr\n    name: Qawat al-Nimr\n    formerly: [tiger-forces]\n"
    aliases = "aliases: [Tiger Force, Qawat al-Nimr, 25th"
    assert text.count(old) == 1 and text.count(aliases) == 1
    text = text.replace(old, new).replace(aliases, "aliases: [Tiger Forces, Tiger Force, 25th")
    catalog.write_text(text, encoding="utf-8")
    first = build_ok(root, "site")
    second = build_ok(root)
    return root, parts, first, second


def test_a_renamed_entity_takes_the_contributor_text_to_its_new_page(renamed):
    root, parts, first, second = renamed
    new_page = root / "docs" / "actors" / "qawat-al-nimr.md"
    assert contributor_parts(read(new_page)) == parts
    note = (
        "note: docs/actors/tiger-forces.md: renamed; your text and fields moved to docs/actors/qawat-al-nimr"
    )
    assert note in first.out
    kn = knowledge(root)
    assert entity(kn, "tiger-forces") is None
    ent = entity(kn, "qawat-al-nimr")
    assert ent["name"] == "Qawat al-Nimr" and "Nimr Brigade" in ent["aliases"]  # the field moved too
    assert [m["surface"] for m in mentions_of(kn, "qawat-al-nimr")] == ["Tiger Forces"]
    html = html_of(root, "actors/qawat-al-nimr")
    assert (
        html.index("<h1")
        < html.index("Context <strong>by a contributor</strong>")
        < html.index("tadmur:begin")
    )
    assert "docs/: 0 written" in second.out and "note:" not in second.out


def test_the_old_name_redirects_to_the_renamed_page(renamed):
    root, *_ = renamed
    kn = knowledge(root)
    assert {"from": "actors/tiger-forces/", "to": "actors/qawat-al-nimr/", "why": "renamed"} in kn[
        "redirects"
    ]
    old = read(root / "docs" / "actors" / "tiger-forces.md")
    assert contributor_parts(old) == ("", "", "")
    assert "[Qawat al\\-Nimr](qawat-al-nimr.md){ data-tadmur-redirect }" in build_part(old)
    page = parse_file(root / "site" / "actors" / "tiger-forces" / "index.html")
    (a,) = [a for t, a in page.elements if t == "a" and "data-tadmur-redirect" in a]
    assert (
        resolve(root / "site", "actors/tiger-forces/index.html", a["href"])[0]
        == "actors/qawat-al-nimr/index.html"
    )


def test_catalog_references_to_the_old_id_still_resolve(renamed):
    root, *_ = renamed
    kn = knowledge(root)
    assert entity(kn, "suheil-al-hassan")["affiliation"] == [
        {"id": "qawat-al-nimr", "relation": "commander of"}
    ]
    suheil = read(root / "docs" / "actors" / "suheil-al-hassan.md")
    assert "| Affiliation | commander of [Qawat al\\-Nimr](qawat-al-nimr.md) |" in suheil
    facts = read(root / "docs" / "actors" / "qawat-al-nimr.md")
    assert "[Suheil al\\-Hassan](suheil-al-hassan.md) (commander of)" in facts
    linking_old = [
        str(p.relative_to(root / "docs"))
        for p in (root / "docs").rglob("*.md")
        if "tiger-forces.md)" in read(p) and p.name != "tiger-forces.md"
    ]
    assert linking_old == []


# ---- 9. event date --------------------------------------------------------------------------------------


def _disputed_event(kn: dict) -> dict:
    return max(kn["events"], key=lambda e: (len(e["date_claims"]), e["id"]))


def test_an_event_date_set_by_an_editor(proj, base, base_kn):
    ev0 = _disputed_event(base_kn)
    assert len(ev0["date_claims"]) > 1 and ev0["date"]["start"] != "2015-05-21"
    rel = f"events/{ev0['id']}.md"
    line = add_fields(proj / "docs" / rel, "date: 2015-05-21\nreason: Reuters gives the day.")
    build_ok(proj)
    kn = knowledge(proj)
    ev = event(kn, ev0["id"])
    assert ev is not None and ev["page_url"] == ev0["page_url"]
    assert (ev["date"]["start"], ev["date"]["end"], ev["date"]["precision"]) == (
        "2015-05-21",
        "2015-05-21",
        "day",
    )
    assert {"field": "date", "set_at": f"docs/{rel}:{line}"} in ev["corrections"]
    assert ev["correction_reason"] == "Reuters gives the day."
    assert ev["date_claims"] == ev0["date_claims"]  # what the sources say is kept
    body = build_part(read(proj / "docs" / rel))
    assert "| Date | 21 May 2015 *(set by an editor)* |" in body
    assert "Corrected by an editor" in body
    assert "| Dates in the sources |" in body
    # Same page, and no other event page came or went.
    assert sorted(p.name for p in (proj / "docs" / "events").iterdir()) == sorted(
        p.name for p in (base / "docs" / "events").iterdir()
    )


@pytest.mark.parametrize(
    "value",
    [
        "2015-02-30",
        "2015",
    ],
)
def test_event_date_values(proj, base_kn, value):
    """2015-02-30 is refused at its line; a bare year, as documented, is accepted."""
    ev0 = _disputed_event(base_kn)
    rel = f"docs/events/{ev0['id']}.md"
    line = add_fields(proj / rel, f"date: {value}")
    before = snapshot(proj / "docs")
    b = build(proj)
    if value == "2015-02-30":
        assert b.code == 1
        (err,) = b.errors
        assert err.startswith(f"error: {rel}:{line}: ") and "'2015-02-30'" in err, err
        assert snapshot(proj / "docs") == before
    else:
        assert b.code == 0, b.err
        assert event(knowledge(proj), ev0["id"])["date"]["precision"] == "year"


def test_an_impossible_date_is_called_not_a_real_date(proj, base_kn):
    rel = f"docs/events/{_disputed_event(base_kn)['id']}.md"
    add_fields(proj / rel, "date: 2015-02-30")
    b = build(proj, "check")
    assert b.code == 1 and "not a real date" in b.errors[0], b.err


# ---- 10. hidden event -----------------------------------------------------------------------------------

HIDE = _event_id("Russia stages event at Palmyra")


def test_a_hidden_event_leaves_the_timeline_and_the_export(proj, base_kn):
    assert event(base_kn, HIDE) is not None
    assert f"events/{HIDE}" in read(proj / "docs" / "timeline.md")
    rel = f"docs/events/{HIDE}.md"
    line = add_fields(proj / rel, "hidden: true\nreason: A concert, not a battle.")
    b = build_ok(proj)
    kn = knowledge(proj)
    assert event(kn, HIDE) is None
    assert kn["hidden_events"] == [
        {
            "id": HIDE,
            "title": event(base_kn, HIDE)["title"],
            "reason": "A concert, not a battle.",
            "hidden_by": f"{rel}:{line}",
        }
    ]
    assert f"events/{HIDE}" not in read(proj / "docs" / "timeline.md")
    for page in ("actors/russia.md", "places/palmyra.md"):
        assert f"events/{HIDE}" not in read(proj / "docs" / page), page
    text = read(proj / rel)
    assert "Hidden by an editor" in build_part(text)
    assert "A concert\\, not a battle\\." in build_part(text)
    assert "docs/: " in b.out


# ---- 11. merged events ----------------------------------------------------------------------------------

EV_FROM = _event_id("Islamic State captures weapons at Palmyra", "2016-12")
EV_INTO = _event_id("Islamic State takes Palmyra", "2016-12")


@pytest.fixture(scope="module")
def merged_events(base: Path, tmp_path_factory: pytest.TempPathFactory):
    root = clone(base, tmp_path_factory.mktemp("merge-events") / "p")
    line = add_fields(root / "docs" / "events" / f"{EV_FROM}.md", f"merge_into: {EV_INTO}")
    build_ok(root)
    return root, line


def test_a_merged_event_is_folded_into_its_target(merged_events, base_kn):
    root, line = merged_events
    kn = knowledge(root)
    assert event(kn, EV_FROM) is None
    target = event(kn, EV_INTO)
    assert target["merged_from"] == [EV_FROM]
    assert {"field": "merge", "set_at": f"docs/events/{EV_FROM}.md:{line}"} in target["corrections"]
    merged, kept = event(base_kn, EV_FROM), event(base_kn, EV_INTO)
    assert report_keys(merged) and report_keys(merged) <= report_keys(target)
    assert report_keys(target) == report_keys(merged) | report_keys(kept)
    assert "Merged" in build_part(read(root / "docs" / "events" / f"{EV_INTO}.md"))


def test_a_merged_event_page_redirects(merged_events):
    root, _ = merged_events
    kn = knowledge(root)
    assert {"from": f"events/{EV_FROM}/", "to": f"events/{EV_INTO}/", "why": "merged"} in kn["redirects"]
    text = read(root / "docs" / "events" / f"{EV_FROM}.md")
    assert f"]({EV_INTO}.md){{ data-tadmur-redirect }}" in build_part(text)
    assert f"events/{EV_FROM}" not in read(root / "docs" / "timeline.md")


def test_the_merge_target_keeps_what_it_was(merged_events, base_kn):
    root, _ = merged_events
    before, after = event(base_kn, EV_INTO), event(knowledge(root), EV_INTO)
    assert (after["type"], after["title"], after["holder_after"]) == (
        before["type"],
        before["title"],
        before["holder_after"],
    )


def test_merging_into_an_unknown_event_is_refused(proj):
    rel = f"docs/events/{EV_FROM}.md"
    line = add_fields(proj / rel, "merge_into: 2016-12-no-such-event")
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1
    assert b.errors[0].startswith(f"error: {rel}:{line}: ") and "2016-12-no-such-event" in b.errors[0]
    assert snapshot(proj / "docs") == before


# ---- 12. event type, place and participants -----------------------------------------------------------

FIX = _event_id("Islamic State deploys", candidates=True)


def test_event_type_place_and_participants_set_by_an_editor(proj, base_kn):
    ev0 = candidate(base_kn, FIX)
    assert ev0["type"] != "armed-clash" and ev0["place"] is None and not ev0["confirmed"]
    assert f"events/{FIX}.md" not in read(proj / "docs" / "actors" / "islamic-state.md")
    assert f"events/{FIX}.md" in read(proj / "docs" / "review.md")
    rel = f"docs/events/{FIX}.md"
    line = add_fields(
        proj / rel,
        "confirmed: true\ntype: armed-clash\nplace: palmyra\nparticipants: {agent: [syrian-arab-army]}",
    )
    build_ok(proj)
    ev = event(knowledge(proj), FIX)
    assert ev["confirmed"] and candidate(knowledge(proj), FIX) is None
    assert (ev["type"], ev["label"], ev["category"]) == ("armed-clash", "Armed clash", "Battles")
    assert ev["place"] == "palmyra"
    assert ev["participants"] == [{"entity": "syrian-arab-army", "role": "agent"}]
    assert ev["corrections"] == [
        {"field": "confirmed", "set_at": f"{rel}:{line}"},
        {"field": "type", "set_at": f"{rel}:{line + 1}"},
        {"field": "place", "set_at": f"{rel}:{line + 2}"},
        {"field": "participants", "set_at": f"{rel}:{line + 3}"},
    ]
    assert ev["page_url"] == ev0["page_url"]
    body = build_part(read(proj / rel))
    assert "| Place | [Palmyra](../places/palmyra.md) *(set by an editor)* |" in body
    assert "| Type | Armed clash (Battles) *(set by an editor)* |" in body
    assert "| Agent | [Syrian Arab Army](../actors/syrian-arab-army.md) *(set by an editor)* |" in body
    link = f"(../events/{FIX}.md)"
    assert link in read(proj / "docs" / "places" / "palmyra.md")
    assert link in read(proj / "docs" / "actors" / "syrian-arab-army.md")
    assert link not in read(proj / "docs" / "actors" / "islamic-state.md")


@pytest.mark.parametrize(
    "field, says",
    [
        ("type: battle", "unknown event type 'battle'"),
        ("place: atlantis", "no place page has the id 'atlantis'"),
        ("place: islamic-state", "no place page has the id 'islamic-state'"),
        ("participants: {agent: [nobody-at-all]}", "no entity page has the id 'nobody-at-all'"),
    ],
)
def test_a_bad_event_correction_is_refused_at_its_line(proj, field, says):
    rel = f"docs/events/{FIX}.md"
    line = add_fields(proj / rel, field)
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1
    (err,) = b.errors
    assert err.startswith(f"error: {rel}:{line}: ") and says in err, err
    assert snapshot(proj / "docs") == before


# ---- 13. schema of the fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel, field, says",
    [
        ("actors/tiger-forces.md", "alias: x", "unknown field 'alias'"),
        ("actors/tiger-forces.md", "aliases: 3", "'aliases'"),
        ("actors/tiger-forces.md", "hidden: true", "unknown field 'hidden'"),
        (f"events/{ANY_EVENT}.md", "aliases: [X]", "unknown field 'aliases'"),
        ("timeline.md", "date: 2015-05-21", "only entity and event pages take corrections"),
        ("actors/index.md", "aliases: [X]", "only entity and event pages take corrections"),
    ],
)
def test_a_field_that_does_not_fit_the_page_is_refused(proj, rel, field, says):
    line = add_fields(proj / "docs" / rel, field)
    before = snapshot(proj / "docs")
    b = build(proj)
    assert b.code == 1
    (err,) = b.errors
    assert err.startswith(f"error: docs/{rel}:{line}: ") and says in err, err
    assert snapshot(proj / "docs") == before


def test_every_broken_page_is_reported_at_once_by_check_and_docs(proj):
    broken = {
        "actors/tiger-forces.md": "alias: x",
        "places/palmyra.md": "aliases: 3",
        f"events/{ANY_EVENT}.md": "date: 2015-02-30",
        "timeline.md": "aliases: [Palmyra]",
    }
    lines = {rel: add_fields(proj / "docs" / rel, field) for rel, field in broken.items()}
    before = snapshot(proj / "docs")
    check = build(proj, "check")
    assert check.code == 1
    assert "inputs are valid" not in check.out
    assert sorted(e.split(": ", 2)[1] for e in check.errors) == sorted(
        f"docs/{r}:{n}" for r, n in lines.items()
    )
    assert snapshot(proj / "docs") == before
    docs = build(proj)
    assert docs.code == 1 and docs.errors == check.errors
    assert snapshot(proj / "docs") == before


# ---- 14. hand-written files in docs/ --------------------------------------------------------------------


def test_a_hand_written_file_where_the_build_wants_a_page_is_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    mine = root / "docs" / "actors" / "islamic-state.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# My page about the Islamic State\n\nWritten by hand.\n", encoding="utf-8")
    before = snapshot(root / "docs")
    b = build(root)
    assert b.code == 1
    (err,) = b.errors
    assert err.startswith("error: docs/actors/islamic-state.md:1: ") and "not written by the build" in err
    assert snapshot(root / "docs") == before


def test_a_hand_written_page_elsewhere_is_never_touched(proj):
    notes = proj / "docs" / "notes.md"
    mine = "---\ntitle: My notes\n---\n\n# Notes\n\nWritten by hand; the build leaves it alone.\n"
    notes.write_text(mine, encoding="utf-8")
    build_ok(proj)
    (proj / "seeds" / f"{WAR_NEWS}.md").unlink()  # a build that removes pages
    b = build_ok(proj)
    assert "removed" in b.out and " 0 removed" not in b.out
    assert read(notes) == mine
    assert "notes.md" not in read(proj / "docs" / ".tadmur-generated").split("\n")


def test_a_hand_written_page_that_quotes_the_markers_is_left_alone(proj):
    page = proj / "docs" / "contributing.md"
    shutil.copy(ROOT / "CONTRIBUTING.md", page)
    mine = read(page)
    b = build(proj)
    assert b.code == 0, b.err
    assert read(page) == mine


# ---- 15. hostile field values ---------------------------------------------------------------------------

HOSTILE_REASON = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)>"
HOSTILE_REASON_2 = "{: onclick=alert(3) } **bold** <b>b</b> | cell | break"
HOSTILE_ALIASES = ["<script>alert(4)</script>", "[y](javascript:alert(5))", 'x" onmouseover="alert(6)']


@pytest.fixture(scope="module")
def hostile(base: Path, tmp_path_factory: pytest.TempPathFactory):
    root = clone(base, tmp_path_factory.mktemp("hostile") / "p")
    add_fields(root / "docs" / "events" / f"{HIDE}.md", f"hidden: true\nreason: {json.dumps(HOSTILE_REASON)}")
    add_fields(
        root / "docs" / "events" / f"{ANY_EVENT}.md",
        f"date: 2015-05\nreason: {json.dumps(HOSTILE_REASON_2)}",
    )
    add_fields(root / "docs" / "actors" / "tiger-forces.md", f"aliases: {json.dumps(HOSTILE_ALIASES)}")
    build_ok(root, "site")
    return root


@pytest.mark.parametrize(
    "url, shown",
    [
        (f"events/{HIDE}", ["<script>alert(1)</script>", "[x](javascript:alert(1))"]),
        (f"events/{ANY_EVENT}", ["{: onclick=alert(3) } **bold** <b>b</b> | cell | break"]),
        ("actors/tiger-forces", HOSTILE_ALIASES),
    ],
)
def test_hostile_field_values_render_inert(hostile, url, shown):
    html = html_of(hostile, url)
    page = parse_file(hostile / "site" / url / "index.html")
    for text in shown:
        assert text in page.text, text  # shown as the contributor typed it, as text
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b>b</b>" not in html
    for tag, attrs in page.elements:
        assert not (attrs.get("href") or "").strip().lower().startswith("javascript:"), (tag, attrs)
        assert not {"onerror", "onclick", "onmouseover"} & set(attrs), (tag, attrs)
    # The data export keeps the value itself: it is data, not HTML.
    kn = knowledge(hostile)
    if url == f"events/{HIDE}":
        assert kn["hidden_events"][0]["reason"] == HOSTILE_REASON


def test_no_built_page_carries_a_hostile_value_as_markup(hostile):
    for path in (hostile / "site").rglob("*.html"):
        html = read(path)
        assert "<script>alert" not in html, path
        assert 'href="javascript:' not in html.lower(), path
