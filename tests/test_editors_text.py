"""Editors' text is marked as theirs where it stands, and the text below a page's build part is found
by search under its own heading."""

from __future__ import annotations

from conftest import copy_project, run_cli
from siteutil import pagefind_records
from tadmur.pages import BEGIN, END


def test_editors_text_is_marked_and_searchable(tmp_path):
    root = copy_project(tmp_path / "p")
    assert run_cli("--root", str(root), "docs")[0] == 0
    page = root / "docs" / "places" / "palmyra.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace(BEGIN, "Palmyra is called Tadmur by its inhabitants.\n\n" + BEGIN, 1)
    text = text.replace(END + "\n", END + "\n\nThe zanzibarite cemetery lies west of the town.\n", 1)
    page.write_text(text, encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "site")
    assert code == 0, err
    written = page.read_text(encoding="utf-8")
    assert "*Above: a note by the site's editors" in written and "## Editors' notes" in written
    html = (root / "site" / "places" / "palmyra" / "index.html").read_text(encoding="utf-8")
    assert 'id="editors-notes"' in html and "tadmur-editors-mark" in html
    # Pagefind's record of the page holds the notes, under their heading's anchor.
    records = pagefind_records(root / "site")
    record = records["/places/palmyra/"]
    assert "zanzibarite" in record["content"]
    anchor = next(a for a in record["anchors"] if a["id"] == "editors-notes")
    words = record["content"].split()
    assert next(i for i, w in enumerate(words) if "zanzibarite" in w) >= anchor["location"], anchor
    # A second build changes nothing.
    code, out, err = run_cli("--root", str(root), "docs")
    assert code == 0 and " 0 written" in out, out
