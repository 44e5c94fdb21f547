"""What's new: the build's change summary, and the What's new page (from the inputs, stable on rebuild)."""

from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import copy_project, run_cli
from tadmur.changes import summarize_changes
from tadmur.emit import whatsnew
from tadmur.paths import Project
from tadmur.pipeline import generate

NEW_ID = "2015-01-01-test-times-sukhnah"
NEW_TITLE = "Shield Brigade enters Sukhnah"
# Published before every seed, added after all of them: the page orders by `added`, not by `published`.
NEW_TEXT = (
    "Fighters of the Qaryatayn Shield Brigade entered the town of Sukhnah on Sunday, a monitor said.\n"
    "Islamic State fighters captured Sukhnah on Sunday after heavy fighting.\n"
    "Islamic State seized Palmyra in May 2015, the Syrian Observatory for Human Rights said.\n"
)
CHANGE_LINE = re.compile(r"^  (new article|changed article|removed article|[+-]\d|more reports|mentions:)")


# ---- summarize_changes on small exports ------------------------------------------------------------------


def export(articles=(), entities=(), events=(), mentions=0) -> dict:
    return {
        "schema_version": 1,
        "articles": [{"id": i, "title": t, "paragraphs": []} for i, t in articles],
        "entities": [{"id": i, "name": n} for i, n in entities],
        "events": [{"id": i, "title": t, "sources": [{}] * n} for i, t, n in events],
        "mentions": [{}] * mentions,
    }


BASE = export([("a1", "First")], [("e1", "Palmyra"), ("e2", "Homs")], [("v1", "Siege", 1)], mentions=10)


def test_first_build_and_unchanged_build_say_nothing():
    assert summarize_changes(None, BASE) == []
    assert summarize_changes(BASE, copy.deepcopy(BASE)) == []


def test_new_article_entities_events_and_mentions():
    new = export(
        [("a1", "First"), ("a2", "Second [x](y)")],
        [("e1", "Palmyra"), ("e3", "Sukhnah"), ("e4", "Arak")],
        [("v1", "Siege", 2), ("v2", "Islamic State takes Sukhnah", 1)],
        mentions=22,
    )
    assert summarize_changes(BASE, new) == [
        "new article: Second [x](y) (a2)",
        "+2 entities: Arak, Sukhnah",
        "-1 entity: Homs",
        "+1 event: Islamic State takes Sukhnah",
        "more reports on 1 event: Siege",
        "mentions: 10 -> 22 (+12)",
    ]
    assert summarize_changes(new, BASE)[0] == "removed article: Second [x](y) (a2)"
    assert "mentions: 22 -> 10 (-12)" in summarize_changes(new, BASE)


def test_changed_article_but_not_for_a_field_the_export_gained():
    new = copy.deepcopy(BASE)
    new["articles"][0]["added"] = "2024-01-01"  # a new export field: not a change to the article
    assert summarize_changes(BASE, new) == []
    new["articles"][0]["paragraphs"] = [{"n": 1, "text": "edited"}]
    assert summarize_changes(BASE, new) == ["changed article: First (a1)"]


def test_long_lists_are_capped_and_terminal_safe():
    new = copy.deepcopy(BASE)
    new["entities"] += [{"id": f"x{i:02}", "name": f"Name {i:02}"} for i in range(25)]
    new["entities"].append({"id": "evil", "name": "Zz\x1b[31mred\x07\u202e"})
    (line,) = summarize_changes(BASE, new)
    assert line.startswith("+26 entities: Name 00, Name 01,") and line.endswith("Name 09 and 16 more")
    new["entities"] = BASE["entities"] + [new["entities"][-1]]
    (line,) = summarize_changes(BASE, new)
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line and "Zz [31mred" in line


def test_malformed_previous_export_is_not_fatal():
    assert summarize_changes({"articles": "nonsense", "entities": [1, None, {"id": 3}]}, BASE)[0] == (
        "new article: First (a1)"
    )
    assert summarize_changes([], BASE) == []


# ---- end to end: add an article to a project copy, build, rebuild -----------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict:
    root = copy_project(tmp_path_factory.mktemp("whatsnew") / "project")
    code, first, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    text = root.parent / "article.txt"
    text.write_text(NEW_TEXT, encoding="utf-8")
    code, out, err = run_cli(
        "--root",
        str(root),
        "add",
        str(text),
        "--title",
        NEW_TITLE,
        "--outlet",
        "The Test Times",
        "--published",
        "2015-01-01",
        "--added",
        "2030-01-01",
        "--id",
        NEW_ID,
    )
    assert code == 0, err
    code, second, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    page_after_add = (root / "docs" / "whats-new.md").read_text(encoding="utf-8")
    code, third, err = run_cli("--root", str(root), "docs")
    assert code == 0, err
    return {"root": root, "first": first, "second": second, "third": third, "page": page_after_add}


def sections(page: str) -> list[str]:
    """The page's article sections, in order (each from its `## ` heading)."""
    return re.split(r"^(?=## )", page, flags=re.M)[1:]


def test_first_build_prints_no_change_lines(project):
    assert not [x for x in project["first"].splitlines() if CHANGE_LINE.match(x)], project["first"]


def test_build_reports_the_new_article_and_its_entities(project):
    lines = project["second"].splitlines()
    assert f"  new article: {NEW_TITLE} ({NEW_ID})" in lines, project["second"]
    (ents,) = [x for x in lines if re.match(r"^  \+\d+ entit", x)]
    assert "Sukhnah" in ents and "Shield Brigade" in ents
    assert any(x.startswith("  +1 event: ") and "Sukhnah" in x for x in lines), project["second"]
    assert any(re.fullmatch(r"  mentions: (\d+) -> (\d+) \(\+\d+\)", x) for x in lines)


def test_rebuild_rewrites_nothing_and_reports_no_change(project):
    out = project["third"]
    assert re.search(r"docs/: 0 written, \d+ unchanged, 0 removed", out), out
    assert not [x for x in out.splitlines() if CHANGE_LINE.match(x)], out
    assert (project["root"] / "docs" / "whats-new.md").read_text(encoding="utf-8") == project["page"]


def test_page_lists_the_new_article_first_with_its_new_entities_linked(project):
    page = project["page"]
    first = sections(page)[0]
    assert first.startswith(f"## [{NEW_TITLE}](sources/{NEW_ID}.md)")
    assert "added 1 Jan 2030" in first
    assert "[Sukhnah](places/sukhnah.md)" in first
    assert re.search(r"\[Shield Brigade\]\(actors/[a-z0-9-]+\.md\) \(unreviewed\)", first)
    # New events, and reports it added to an existing event, link to the event pages.
    assert re.search(r"\*\*New events:\*\* \[Islamic State takes Sukhnah\]\(events/[a-z0-9-]+\.md\)", first)
    assert re.search(r"\*\*More reports on:\*\* .*\[Islamic State takes Palmyra\]\(events/", first)
    # Palmyra is the earlier-added articles' news, even though this one was published before them all.
    assert "[Palmyra](places/palmyra.md)" not in first
    assert re.search(r"\n\d+ mentions of names; on \d+ name pages and 2 event pages\.\n", first)


def test_page_credits_each_name_to_the_first_added_article(project):
    page = project["page"]
    credited = [s for s in sections(page) if "[Palmyra](places/palmyra.md)" in s]
    assert (
        len(credited) == 1 and "sources/2015-06-09-lwj-islamic-state-tow-missiles-palmyra.md" in credited[0]
    )
    assert page.index(f"sources/{NEW_ID}.md") < page.index("sources/2017-03-02-")


def test_page_has_a_front_matter_title_and_no_h1(project):
    page = project["page"]
    assert page.startswith("---\n")
    front, body = page[4:].split("\n---\n", 1)
    assert re.search(r"^title: \"What", front, flags=re.M)
    assert not re.search(r"^# ", body, flags=re.M)
    assert "<script" not in body


def test_home_and_nav_link_to_the_page(project):
    root = project["root"]
    assert "(whats-new.md)" in (root / "docs" / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^  - What's new: whats-new\.md$", (root / "mkdocs.yml").read_text(), flags=re.M)


def test_page_stays_bounded(project, monkeypatch):
    monkeypatch.setattr(whatsnew, "RECENT_ARTICLES", 2)
    monkeypatch.setattr(whatsnew, "OLDER_ARTICLES", 2)
    monkeypatch.setattr(whatsnew, "PAGE_LIST_CAP", 3)
    page = generate(Project(project["root"])).files["whats-new.md"].decode("utf-8")
    heads = re.findall(r"^## .*$", page, flags=re.M)
    assert len(heads) == 3 and heads[-1] == "## Earlier additions", heads
    assert len(re.findall(r"^\| \[.*\]\(sources/", page, flags=re.M)) == 2
    assert "2 earlier articles are listed on the [Sources](sources/index.md) page" in page
    assert re.search(r", and \d+ more$", page, flags=re.M)
    for line in page.splitlines():
        if line.startswith("- **"):
            assert line.count("](") <= 3, line


def test_page_is_built_from_inputs_not_previous_build(project, tmp_path):
    """A copy built once from scratch gets the same page as the copy built three times."""
    root = copy_project(tmp_path / "fresh")
    (root / "seeds" / f"{NEW_ID}.md").write_bytes((project["root"] / "seeds" / f"{NEW_ID}.md").read_bytes())
    assert (
        generate(Project(root)).files["whats-new.md"]
        == generate(Project(project["root"])).files["whats-new.md"]
    )


def test_export_carries_added(project):
    data = json.loads((project["root"] / "docs" / "data" / "knowledge.json").read_text(encoding="utf-8"))
    added = {a["id"]: a.get("added") for a in data["articles"]}
    assert added[NEW_ID] == "2030-01-01" and added["2016-12-12-rudaw-palmyra-fall-propaganda-coup"] is None


def test_the_last_export_is_read_slim_whatever_its_layout(tmp_path):
    """knowledge.json is read back a record per line as export.dumps writes it (mentions counted,
    paragraphs as a digest), the same as reading it whole; an indented or damaged file is handled too."""
    from tadmur.changes import slim
    from tadmur.export import dumps, read_slim

    data = {
        "schema_version": 1,
        "articles": [{"id": "a", "title": "x, y: \"z\"", "paragraphs": [{"n": 1, "text": "],\n["}]}],
        "entities": [{"id": "e", "name": "E"}],
        "mentions": [{"entity": "e", "quote": "]"}, {"entity": "e", "quote": "["}],
        "events": [],
        "redirects": [{"from": "a/", "to": "b/"}],
    }
    path = tmp_path / "knowledge.json"
    path.write_bytes(dumps(data))
    assert read_slim(path) == slim(data)
    assert read_slim(path)["mention_count"] == 2
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    assert read_slim(path) == slim(data)
    for bad in ("[1, 2]", "{ not json", ""):
        path.write_text(bad, encoding="utf-8")
        assert read_slim(path) is None
    assert read_slim(tmp_path / "missing.json") is None
