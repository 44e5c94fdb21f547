"""Hostile article text: markup, links, snippets, admonitions and attribute lists must render inert."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import copy_project, run_cli, serve, snapshot, write_seed
from siteutil import parse_file
from tadmur.slug import SLUG_RE, slugify
from tadmur.writer import safe_path, write_tree

HOSTILE_ID = "2020-01-01-hostile"  # hostile article text
META_ID = "2020-01-02-hostile-meta"  # hostile front matter fields
SECRET = "hunter2"

HOSTILE_LINES = [
    "Fighters of the Evil Front attacked Palmyra on Monday, the group said in a statement.",
    "<script>alert(1)</script>",
    "The Evil Front said <script>alert(1)</script> was its message to the city.",
    "<img src=x onerror=alert(2)>",
    "Its statement showed <img src=x onerror=alert(2)> and nothing else.",
    "[click](javascript:alert(3))",
    "The Evil Front linked [click](javascript:alert(3)) in its post.",
    '--8<-- ".env"',
    '!!! danger "x"',
    "    indented text under the admonition line",
    '{: onclick="alert(4)" }',
    'A paragraph of the Evil Front with an attribute list {: onclick="alert(4)" }',
    "*emph* and **bold**",
    '<a href="javascript:alert(5)">a raw link</a> and <iframe src="javascript:alert(6)"></iframe>',
    "[[x]](javascript:alert(7)) and ![img](x onerror=alert(8)) and <https://example.com/>",
    "A line with a backslash \\ and `code` and a | pipe | and &lt;b&gt;entity&lt;/b&gt;.",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A project copy with the hostile seed and a .env secret, built with `tadmur site`."""
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    (root / ".env").write_text(f"SECRET={SECRET}\n", encoding="utf-8")
    (root / "docs" / ".env").write_text(f"SECRET={SECRET}\n", encoding="utf-8")
    write_seed(
        root,
        f"{HOSTILE_ID}.md",
        "\n".join(HOSTILE_LINES) + "\n",
        id=HOSTILE_ID,
        title="Evil Front claims an attack on Palmyra",
    )
    write_seed(
        root,
        f"{META_ID}.md",
        "Fighters entered Palmyra on Tuesday, a monitor said.\n",
        id=META_ID,
        published="2020-01-02",
        title="Evil Front <img src=y onerror=alert(9)> claims Palmyra",
        outlet='Hostile <b>Outlet</b>" onmouseover="alert(12)',
        author="<script>alert(10)</script>",
        note="[note](javascript:alert(11))",
    )
    try:
        code, out, err = run_cli("--root", str(root), "site")
    except SystemExit as exc:
        pytest.fail(f"`tadmur site` failed on the hostile seed: {exc}")
    assert code == 0, err + out
    return root


@pytest.fixture(scope="module")
def source_html(hostile) -> Path:
    path = hostile / "site" / "sources" / HOSTILE_ID / "index.html"
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def meta_html(hostile) -> Path:
    path = hostile / "site" / "sources" / META_ID / "index.html"
    assert path.is_file()
    return path


def html_files(root: Path, but: tuple[str, ...] = ()) -> list[Path]:
    """Every built page, except the source pages of the seeds named in `but`."""
    skip = {root / "site" / "sources" / b / "index.html" for b in but}
    return [p for p in sorted((root / "site").rglob("*.html")) if p not in skip]


def dangerous_attributes(path: Path) -> list[tuple[str, dict[str, str]]]:
    """Elements with an on* event handler or a javascript:/vbscript:/data:text/html URL."""
    bad = []
    for tag, attrs in parse_file(path).elements:
        if any(k.lower().startswith("on") for k in attrs):
            bad.append((tag, attrs))
        for key in ("href", "src", "action", "formaction", "data"):
            value = "".join(attrs.get(key, "").split()).lower()
            if value.startswith(("javascript:", "data:text/html", "vbscript:")):
                bad.append((tag, attrs))
    return bad


def test_no_live_script_or_img_from_the_article(source_html):
    html = source_html.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse_file(source_html)
    assert "<script>alert(1)</script>" in page.text  # shown to the reader as text
    assert "<img src=x onerror=alert(2)>" in page.text
    assert [t for t, _a in page.elements if t in ("img", "iframe", "object", "embed")] == []


def test_no_event_handler_or_javascript_url_anywhere(hostile):
    """Every page (the front-matter seed's own page is checked by test_front_matter_fields_are_inert)."""
    pages = html_files(hostile, but=(META_ID,))
    assert len(pages) > 50
    for path in pages:
        assert dangerous_attributes(path) == [], path
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=y" not in html, path


def test_scripts_are_only_the_themes_and_ours(hostile):
    ours = {p.name for p in (hostile / "docs" / "assets").rglob("*.js")}
    for path in html_files(hostile):
        for tag, attrs in parse_file(path).elements:
            if tag == "script" and "src" in attrs:
                src = attrs["src"]
                assert "assets/javascripts/" in src or (
                    "/assets/" in "/" + src and src.rsplit("/", 1)[-1] in ours
                ), (path, attrs)


def test_snippet_line_does_not_include_files(hostile, source_html):
    for folder in ("site", "docs"):
        for path in (hostile / folder).rglob("*"):
            if path.is_file() and path != hostile / "docs" / ".env":
                assert SECRET.encode() not in path.read_bytes(), path
    assert '--8<-- ".env"' in parse_file(source_html).text  # shown as text


def test_no_admonition_attribute_list_or_emphasis_from_article_text(source_html):
    page = parse_file(source_html)
    assert page.with_class("admonition") == []
    assert '!!! danger "x"' in page.text
    assert '{: onclick="alert(4)" }' in page.text
    assert "*emph* and **bold**" in page.text
    html = source_html.read_text(encoding="utf-8")
    assert "<em>emph</em>" not in html and "<strong>bold</strong>" not in html
    assert "[click](javascript:alert(3))" in page.text
    hrefs = page.hrefs()
    assert not [h for h in hrefs if "alert" in h]


def test_front_matter_fields_are_inert(meta_html):
    page = parse_file(meta_html)
    assert "Evil Front <img src=y onerror=alert(9)> claims Palmyra" in page.text
    assert "<script>alert(10)</script>" in page.text
    assert "[note](javascript:alert(11))" in page.text
    # The title also reaches <title> and the page header, the outlet the meta description.
    assert dangerous_attributes(meta_html) == []
    assert [t for t, _a in page.elements if t in ("img", "b")] == []
    html = meta_html.read_text(encoding="utf-8")
    assert "<img src=y" not in html and "<script>alert" not in html


def test_hostile_names_get_a_safe_page(hostile):
    knowledge = json.loads((hostile / "site" / "data" / "knowledge.json").read_text(encoding="utf-8"))
    evil = [e for e in knowledge["entities"] if e["name"] == "Evil Front"]
    assert len(evil) == 1 and evil[0]["kind"] == "actor" and evil[0]["reviewed"] is False
    page = hostile / "site" / evil[0]["page_url"] / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the quoted sentence, escaped
    assert dangerous_attributes(page) == []


def test_the_build_writes_nothing_outside_docs_and_site(hostile):
    """Besides docs/ and the site, only the per-article cache (.tadmur-cache/, never published)."""
    top = sorted(p.name for p in hostile.iterdir())
    assert top == sorted(
        [".env", ".tadmur-cache", "data", "docs", "mkdocs.yml", "overrides", "schema", "seeds", "site",
         "templates"]
    )
    assert not [p for p in (hostile / "site").rglob("*") if p.is_symlink()]


# ---- in a browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(hostile):
    with serve(hostile / "site") as url:
        yield url


def visit(browser, server: str, paths: list[str], click: str | None = None) -> dict[str, list[str]]:
    """Open each page of the served site; return the dialogs, console errors and off-site requests seen."""
    seen: dict[str, list[str]] = {"dialogs": [], "errors": [], "outside": []}
    page = browser.new_page()

    def route(r):
        if r.request.url.startswith(server + "/"):
            r.continue_()
        else:
            seen["outside"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    try:
        for path in paths:
            response = page.goto(f"{server}/{path}", wait_until="load")
            assert response is not None and response.ok, path
            page.wait_for_timeout(300)
            assert page.locator("article h1").count() == 1, path
            if click:
                for el in page.locator("article p", has_text=click).all():
                    el.click()
                    el.hover()
                page.wait_for_timeout(200)
    finally:
        page.close()
    return seen


def test_browser_runs_no_script_from_the_article(browser, server, hostile):
    knowledge = json.loads((hostile / "site" / "data" / "knowledge.json").read_text(encoding="utf-8"))
    (evil,) = [e["page_url"] for e in knowledge["entities"] if e["name"] == "Evil Front"]
    seen = visit(browser, server, [f"sources/{HOSTILE_ID}/", evil], click="alert")
    assert seen == {"dialogs": [], "errors": [], "outside": []}


def test_browser_runs_no_script_from_the_front_matter(browser, server):
    seen = visit(browser, server, [f"sources/{META_ID}/", "sources/"], click="Hostile")
    assert seen == {"dialogs": [], "errors": [], "outside": []}


def test_browser_sees_dialogs_when_there_are_some(browser, server, hostile):
    """The browser check itself works: a page that does call alert() is caught."""
    (hostile / "site" / "canary").mkdir(exist_ok=True)
    (hostile / "site" / "canary" / "index.html").write_text(
        "<!doctype html><title>c</title><article><h1>c</h1><p>x</p></article>"
        "<script>alert('canary')</script>",
        encoding="utf-8",
    )
    try:
        seen = visit(browser, server, ["canary/"])
    finally:
        (hostile / "site" / "canary" / "index.html").unlink()
        (hostile / "site" / "canary").rmdir()
    assert seen["dialogs"] == ["canary"]


# ---- paths -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..",
        ".",
        "",
        "/",
        "//",
        "\\..\\x",
        "Ⅻ",
        "المرصد",
        "дамаск",
        "🙂🙂",
        "a" * 500,
        "Evil Front/../../x",
        "CON",
        "\x00",
        "-",
        "---x---",
    ],
)
def test_slugify_only_makes_safe_slugs(name):
    slug = slugify(name)
    assert SLUG_RE.match(slug), slug
    assert "/" not in slug and "." not in slug and 0 < len(slug) <= 60
    assert slugify(name) == slug  # stable


def test_unicode_only_names_get_distinct_slugs():
    assert slugify("المرصد") != slugify("дамаск")


def test_safe_path_refuses_to_leave_docs(tmp_path):
    base = tmp_path / "docs"
    base.mkdir()
    for rel in ("../x", "../../etc/passwd", "/etc/passwd", "a/../../x", "sources/../../x"):
        with pytest.raises(ValueError):
            safe_path(base, rel)
    assert safe_path(base, "actors/x.md") == (base / "actors" / "x.md").resolve()
    assert safe_path(base, "a/../b.md") == (base / "b.md").resolve()


def test_write_tree_checks_every_path_before_writing(tmp_path):
    base = tmp_path / "docs"
    with pytest.raises(ValueError):
        write_tree(base, {"a.md": "ok", "../evil.md": "no"})
    assert not (tmp_path / "evil.md").exists()
    assert snapshot(base) == {}


def test_search_results_show_hostile_text_as_text(browser, server):
    """The search box puts each result's excerpt in the page as HTML (Pagefind marks the matched words
    with <mark>); the article's markup in it must arrive escaped, as text, never as an element."""
    seen: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    try:
        page.goto(f"{server}/", wait_until="load")
        page.locator(".tadmur-search__toggle").click()
        page.locator("#tadmur-search-input").fill("onerror")
        results = page.locator(".tadmur-search__results .tadmur-search__excerpt")
        results.first.wait_for(timeout=10_000)
        page.wait_for_timeout(500)
        excerpts = results.all_inner_texts()
        assert any("<img src=x onerror=alert(2)>" in text for text in excerpts), excerpts
        box = page.locator(".tadmur-search__results")
        assert box.locator("img, script, iframe, [onerror], [onclick]").count() == 0
        assert seen == []
    finally:
        page.close()


def test_md_escape_makes_every_markdown_character_inert() -> None:
    """Every ASCII punctuation mark is backslash-escaped, < > & " become entities, and runs of white
    space (a line break included, which could start a block) become one space."""
    from tadmur.mdtext import md_escape

    assert md_escape('a  <img src=x>\n# [x](y) *b* {: .c } --8<-- "&"') == (
        "a &lt;img src\\=x&gt; \\# \\[x\\]\\(y\\) \\*b\\* \\{\\: \\.c \\} \\-\\-8&lt;\\-\\- &quot;&amp;&quot;"
    )
    assert md_escape("“Palmyra” – ¶3") == "“Palmyra” – ¶3"  # letters and typography pass as they are
    assert md_escape(2017) == "2017"


def test_md_escape_escapes_each_character_on_its_own() -> None:
    """Random strings of punctuation, letters, typography and every kind of white space: each ASCII
    punctuation mark becomes its escape, and each run of white space one space, wherever they stand."""
    import random
    import string

    from tadmur.mdtext import md_escape

    entities = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}
    pool = string.punctuation + "ab Z9“”–¶é\t\n\r\x0b\x0c \u00a0\u2003"
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 24)))
        expected = "".join(
            entities.get(c, "\\" + c if c in string.punctuation else c)
            for c in re.sub(r"\s+", " ", text)
        )
        assert md_escape(text) == expected, repr(text)
