"""Publishing for real: the outlets' reuse rights, site_url (sitemap, canonical links), the Atom feed, the
CSV exports with the About page's pandas example, "Cite this page", and citations that always land.

Measured on the built site (site/), against the seeds' own text.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import copy_project, run_cli, serve, write_seed
from siteutil import pagefind_records, parse_file, resolve, seed_paragraphs, unframed
from tadmur.pipeline import mkdocs_settings
from tadmur.render import fmt_date

WORD = re.compile(r"\w+")
SHINGLE = 8  # a run of this many words of an article, found on a page, counts as published there
SEEDS = 5


# ---- helpers -------------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def norm(text: str) -> str:
    return " ".join(text.split())


def shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def coverage(article: list[str], page: set[tuple[str, ...]]) -> float:
    """Share of the article's words that lie in a run of SHINGLE words also found on the page."""
    covered = [False] * len(article)
    for i in range(len(article) - SHINGLE + 1):
        if tuple(article[i : i + SHINGLE]) in page:
            covered[i : i + SHINGLE] = [True] * SHINGLE
    return sum(covered) / len(article)


class _Paragraphs(HTMLParser):
    """The text of every element whose id is a paragraph anchor (pN), without its ¶N link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, anchor id if it opened one)
        self._in: str | None = None
        self._pilcrow = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        anchor = a.get("id") if re.fullmatch(r"p\d+", a.get("id") or "") and self._in is None else None
        if tag in ("br", "img", "hr", "input", "meta", "link"):
            return
        self._open.append((tag, anchor))
        if anchor:
            self._in = anchor
            self.text[anchor] = []
        if self._in and tag == "a" and "tadmur-pilcrow" in (a.get("class") or ""):
            self._pilcrow += 1

    def handle_endtag(self, tag):
        while self._open:
            t, anchor = self._open.pop()
            if self._in and t == "a" and self._pilcrow:
                self._pilcrow -= 1
            if anchor:
                self._in = None
            if t == tag:
                break

    def handle_data(self, data):
        if self._in and not self._pilcrow:
            self.text[self._in].append(data)


def paragraph_texts(path: Path) -> dict[str, str]:
    p = _Paragraphs()
    p.feed(path.read_text(encoding="utf-8"))
    return {k: norm("".join(v)) for k, v in p.text.items()}


def seed_body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1]


def file_text(path: Path) -> str:
    """What a reader (or a program) gets from a published file, as text."""
    if path.suffix == ".html":
        return parse_file(path).text
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        strings: list[str] = []

        def walk(x):
            if isinstance(x, str):
                strings.append(x)
            elif isinstance(x, dict):
                for v in x.values():
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)

        walk(json.loads(raw))
        return "\n".join(strings)
    return raw


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site / "site"


@pytest.fixture(scope="module")
def articles(built_site: Path) -> dict[str, dict]:
    """Per seed: its words as the seed file has them, and its words once repeated text is dropped."""
    full = seed_paragraphs(built_site)
    out = {}
    for seed in sorted((built_site / "seeds").glob("*.md")):
        aid = seed.stem
        paras = [full[k] for k in sorted(k for k in full if k[0] == aid)]
        tokens: list[str] = []
        for p in paras:
            tokens += words(p) + ["\x00"]  # no run of words crosses a paragraph break
        out[aid] = {
            "seed_words": len(words(seed_body(seed))),
            "words": len(words(" ".join(paras))),
            "tokens": tokens,
        }
    assert len(out) == SEEDS
    return out


# ---- 1. reuse policy ----------------------------------------------------------------------------------


def test_seed_outlets_are_published_in_excerpts(knowledge):
    assert {a["outlet"]: a["reuse"] for a in knowledge["articles"]} == {
        "FDD's Long War Journal": "excerpts",
        "Rudaw": "excerpts",
        "The Washington Post": "excerpts",
        "The New Arab": "excerpts",
        "War News Updates": "excerpts",
    }
    for a in knowledge["articles"]:
        assert all(p["text"] is None for p in a["paragraphs"]), "no full text in knowledge.json"


def test_source_pages_publish_at_most_half_of_each_article(site, knowledge, articles):
    measured = {}
    for a in knowledge["articles"]:
        page = site / "sources" / a["id"] / "index.html"
        paras = paragraph_texts(page)
        # Every paragraph keeps its anchor, kept text or not.
        assert set(paras) == {f"p{p['n']}" for p in a["paragraphs"]}
        on_page = sum(len(words(t)) for t in paras.values())
        art = articles[a["id"]]
        share = coverage(art["tokens"], shingles(words(parse_file(page).text)))
        measured[a["id"]] = (on_page, art["words"], art["seed_words"], round(share, 3))
        assert on_page <= 0.45 * art["words"], (a["id"], measured[a["id"]])
        assert share <= 0.45, (a["id"], measured[a["id"]])
        html = page.read_text(encoding="utf-8")
        assert "Excerpts only" in html and "full" in html and "original address" in html
    print("\nsource page words / article words (seed file words), share of the article on the page:")
    for aid, (n, total, seed, share) in measured.items():
        print(f"  {aid}: {n} / {total} ({seed}), {share:.0%}")


def test_no_published_file_holds_half_of_any_article(built_site, site, articles):
    """Entity pages, event pages, the search index, knowledge.json, the CSVs and the feed included."""
    files = [p for p in sorted(site.rglob("*")) if p.suffix in (".html", ".json", ".csv", ".xml", ".txt")]
    files += sorted(p for p in (built_site / "docs" / "data").rglob("*") if p.is_file())
    # The search index: Pagefind's page records (gzipped fragments), each as its own "file".
    records = pagefind_records(site)
    assert records
    texts = {f: file_text(f) for f in files}
    fragments = site / "pagefind" / "fragment"
    texts.update({fragments / url.strip("/"): r["content"] for url, r in records.items()})
    worst = {}
    for f, text in texts.items():
        page = shingles(words(text))
        for aid, art in articles.items():
            share = coverage(art["tokens"], page)
            if share > worst.get(aid, (0, None))[0]:
                worst[aid] = (share, f)
            assert share <= 0.5, (f, aid, share)
    print("\nlargest share of each article in any one published file:")
    for aid, (share, f) in worst.items():
        print(f"  {aid}: {share:.0%} in {f.relative_to(built_site)}")


# ---- citations ------------------------------------------------------------------------------------------


def test_every_citation_link_lands_on_an_existing_paragraph(site):
    ids: dict[str, set[str]] = {}
    checked = 0
    for page in sorted(site.rglob("*.html")):
        rel = str(page.relative_to(site))
        for href in parse_file(page).hrefs():
            if "sources/" not in href or "#p" not in href or href.startswith("http"):
                continue
            target, fragment = resolve(site, rel, href)
            assert target, (rel, href)
            if target not in ids:
                ids[target] = parse_file(site / target).ids
            assert fragment in ids[target], (rel, href)
            checked += 1
    assert checked > 300, checked


def test_event_evidence_is_on_the_source_page_under_its_anchor(site, knowledge):
    paras: dict[str, dict[str, str]] = {}
    quoted = 0
    for ev in knowledge["events"] + knowledge["candidate_events"]:
        event_page = norm(parse_file(site / ev["page_url"] / "index.html").text)
        for s in ev["sources"]:
            if s["quote"] is None:
                assert ev in knowledge["candidate_events"], "published evidence is always quoted"
                continue
            if s["article"] not in paras:
                paras[s["article"]] = paragraph_texts(site / "sources" / s["article"] / "index.html")
            quote = norm(unframed(s["quote"]))
            assert quote in paras[s["article"]][f"p{s['paragraph']}"], (ev["id"], s)
            assert quote in event_page, (ev["id"], s)
            quoted += 1
        for f in ev["figures"]:
            if ev in knowledge["events"]:
                assert f["text"] in paras[f["article"]][f"p{f['paragraph']}"], (ev["id"], f)
    assert quoted > 50


def test_a_citation_followed_in_the_browser_shows_the_quoted_passage(browser, site, knowledge):
    ev = knowledge["events"][0]
    s = ev["sources"][0]
    with serve(site) as base:
        page = browser.new_page()
        try:
            page.goto(f"{base}/{ev['page_url']}", wait_until="load")
            link = page.locator(
                f"article a[href*='sources/{s['article']}'][href$='#p{s['paragraph']}']"
            ).first
            link.click()
            page.wait_for_url(f"**/sources/{s['article']}/#p{s['paragraph']}")
            target = page.locator(f"#p{s['paragraph']}")
            assert target.is_visible()
            assert norm(unframed(s["quote"])) in norm(target.inner_text())
        finally:
            page.close()


# ---- 2. deployable: site_url, sitemap, canonical links -------------------------------------------------


def test_sitemap_and_canonical_links_follow_site_url(built_site, site, knowledge):
    base = mkdocs_settings(built_site / "mkdocs.yml")["url"]
    assert base == "https://tadmur.example.org/"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert locs and all(loc.startswith(base) for loc in locs)
    for loc in locs:
        assert resolve(site, "index.html", "/" + loc.removeprefix(base))[0], loc
    expected = (
        {base + a["page_url"] for a in knowledge["articles"]}
        | {base + e["page_url"] for e in knowledge["entities"]}
        | {base + e["page_url"] for e in knowledge["events"]}
    )
    assert expected <= set(locs)
    for page in sorted(site.rglob("index.html")):
        rel = str(page.relative_to(site).parent)
        canonical = [
            a["href"] for t, a in parse_file(page).elements if t == "link" and a.get("rel") == "canonical"
        ]
        assert canonical == [base + ("" if rel == "." else rel + "/")], page


# ---- 3. the Atom feed ---------------------------------------------------------------------------------


def test_feed_is_valid_atom_linked_from_every_page(site, knowledge):
    base = "https://tadmur.example.org/"
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    assert feed.feed.updated == "2017-03-02T00:00:00Z"  # the newest article's date, never the clock
    assert len(feed.entries) == SEEDS
    titles = {a["id"]: a["title"] for a in knowledge["articles"]}
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated and entry.link.startswith(base + "sources/")
        assert entry.title == titles[entry.link.removeprefix(base + "sources/").rstrip("/")]
    assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries), reverse=True)
    wnu = next(e for e in feed.entries if "Recaptured Palmyra" in e.title)
    assert f'href="{base}events/' in wnu.content[0].value and "New events" in wnu.content[0].value
    for page in sorted(site.rglob("*.html")):
        rel = str(page.relative_to(site))
        links = [
            a["href"]
            for t, a in parse_file(page).elements
            if t == "link" and a.get("type") == "application/atom+xml" and a.get("rel") == "alternate"
        ]
        assert len(links) == 1 and resolve(site, rel, links[0])[0] == "feed.xml", page


# ---- 4. CSV exports and the About page's example --------------------------------------------------------


def about_example(built_site: Path) -> str:
    about = (built_site / "docs" / "about.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", about, flags=re.S)
    assert code in (built_site / "templates" / "about.md.j2").read_text(encoding="utf-8")
    assert len(code.strip().splitlines()) == 3
    return code


def test_about_page_pandas_example_runs_on_the_built_csvs(built_site, site, knowledge, monkeypatch):
    import pandas as pd

    code = about_example(built_site)
    monkeypatch.chdir(site / "data")
    out = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "about.md", "exec"), scope)  # noqa: S102 - the documented example, as written
    assert "Islamic State" in out.getvalue() and "Palmyra" in out.getvalue()
    events, mentions, entities = scope["events"], scope["mentions"], scope["entities"]
    assert isinstance(events, pd.DataFrame)
    assert len(events) == len(knowledge["events"]) and events["event_id"].is_unique
    assert len(mentions) == len(knowledge["mentions"]) and len(entities) == len(knowledge["entities"])
    for col in (
        "event_id",
        "event_date_start",
        "event_date_end",
        "time_precision",
        "event_type",
        "category",
        "actor1",
        "actor2",
        "supporters",
        "place",
        "latitude",
        "longitude",
        "figures",
        "sources",
        "url",
    ):
        assert col in events.columns, col
    assert (
        events["latitude"].dtype.kind == "f"
        and events["url"].str.startswith("https://tadmur.example.org/events/").all()
    )
    palmyra = events[events["place_id"] == "palmyra"]
    assert {"Islamic State", "Syrian Arab Army"} <= set(palmyra["actor1"])
    assert set(events["event_id"]) == {e["id"] for e in knowledge["events"]}
    assert (site / "about" / "index.html").read_text(encoding="utf-8").count("events.csv") >= 2


def test_csv_exports_are_deterministic_and_ordered(built_site, site):
    for name in ("events", "mentions", "entities"):
        text = (site / "data" / f"{name}.csv").read_text(encoding="utf-8")
        assert text == (built_site / "docs" / "data" / f"{name}.csv").read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert len({len(r) for r in rows}) == 1
    entities = list(csv.DictReader(io.StringIO((site / "data" / "entities.csv").read_text(encoding="utf-8"))))
    assert [e["id"] for e in entities] == sorted(e["id"] for e in entities)


# ---- 5. Cite this page --------------------------------------------------------------------------------


def test_entity_and_event_pages_end_with_cite_this_page(site, knowledge):
    base = "https://tadmur.example.org/"
    published = {a["id"]: dt.date.fromisoformat(a["published"]) for a in knowledge["articles"]}
    arts: dict[str, set[str]] = {}
    for m in knowledge["mentions"]:
        arts.setdefault(m["entity"], set()).add(m["article"])
    for a in knowledge["articles"]:
        if a["outlet_entity"]:
            arts.setdefault(a["outlet_entity"], set()).add(a["id"])
    for ev in knowledge["events"]:
        ids = (
            [p["entity"] for p in ev["participants"]] + ev["weapons"] + ([ev["place"]] if ev["place"] else [])
        )
        for eid in ids:
            arts.setdefault(eid, set()).update(s["article"] for s in ev["sources"])
    pages = [(e["name"], e["page_url"], arts.get(e["id"], set())) for e in knowledge["entities"]]
    pages += [
        (ev["title"], ev["page_url"], {s["article"] for s in ev["sources"]}) for ev in knowledge["events"]
    ]
    for title, url, sources in pages:
        page = parse_file(site / url / "index.html")
        cites = page.with_class("tadmur-cite")
        assert len(cites) == 1, url
        text = norm(page.text)
        line = text[text.rindex("Cite this page") :]
        changed = fmt_date(max(published[a] for a in sources))
        assert f"“{norm(title)}”. Tadmur. {base}{url}. Facts last changed {changed}." in line, (url, line)
        assert base + url in page.hrefs()


# ---- a made-up project: a `full` outlet, an unlisted one, hostile text ----------------------------------

OPEN = "2026-01-02-open-wire-palmyra"
UNLISTED = "2026-01-03-unknown-gazette-palmyra"
HOSTILE_TITLE = 'Open <script>alert(1)</script> & "wire" ]]> news'
OPEN_BODY = (
    '=HYPERLINK("http://evil.example/","x") Islamic State fighters captured Palmyra on Sunday, they said.\n'
    "The Syrian Arab Army shelled Palmyra on Monday with Russian air support, residents said.\n"
    "@SUM(1+1) Residents of Palmyra said on Tuesday that the fighting had stopped.\n"
)
UNLISTED_BODY = (
    "".join(
        f"Paragraph {i}: people of Palmyra described the market, the weather and the queues for bread.\n"
        for i in range(1, 9)
    )
    + "Islamic State fighters captured Palmyra on Sunday, the observatory said.\n"
)


@pytest.fixture(scope="module")
def made_up(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("reuse") / "project")
    outlets = root / "data" / "outlets.yml"
    outlets.write_text(
        outlets.read_text(encoding="utf-8")
        + (
            '  - name: "Open Wire"\n'
            "    reuse: full\n"
            '    licence: "CC BY 4.0"\n'
            "    licence_url: https://creativecommons.org/licenses/by/4.0/\n"
        ),
        encoding="utf-8",
    )
    write_seed(
        root,
        f"{OPEN}.md",
        OPEN_BODY,
        id=OPEN,
        title=HOSTILE_TITLE,
        outlet="Open Wire",
        published="2026-01-02",
        added="2026-11-25",
    )
    write_seed(
        root,
        f"{UNLISTED}.md",
        UNLISTED_BODY,
        id=UNLISTED,
        title="Bread queues in Palmyra",
        outlet="Unknown Gazette",
        published="2026-01-03",
        added="2026-11-26",
    )
    code, out, err = run_cli("--root", str(root), "site")
    assert code == 0, err + out
    return root


def test_a_full_outlet_is_published_whole_with_its_licence(made_up):
    page = made_up / "site" / "sources" / OPEN / "index.html"
    text = norm(parse_file(page).text)
    for line in OPEN_BODY.splitlines():
        assert norm(line) in text
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page.read_text(encoding="utf-8")
    assert "Excerpts only" not in text
    data = json.loads((made_up / "site" / "data" / "knowledge.json").read_text(encoding="utf-8"))
    arts = {a["id"]: a for a in data["articles"]}
    assert arts[OPEN]["reuse"] == "full"
    assert [p["text"] for p in arts[OPEN]["paragraphs"]] == OPEN_BODY.splitlines()
    # An outlet nobody listed is published in excerpts: its event's evidence, not the bread queues.
    assert arts[UNLISTED]["reuse"] == "excerpts"
    unlisted = paragraph_texts(made_up / "site" / "sources" / UNLISTED / "index.html")
    assert len(unlisted) == 9 and "bread" not in " ".join(unlisted.values())
    assert "Islamic State fighters captured Palmyra on Sunday" in unlisted["p9"]


def test_untrusted_text_is_inert_in_the_csvs_and_the_feed(made_up):
    for name in ("events", "mentions", "entities"):
        with open(made_up / "site" / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or re.match(r"-[^\d]", c)], name
    with open(made_up / "site" / "data" / "mentions.csv", encoding="utf-8", newline="") as f:
        quotes = [r["quote"] for r in csv.DictReader(f) if r["article_id"] == OPEN]
    assert any(q.startswith("'=HYPERLINK(") for q in quotes) and any(q.startswith("'@SUM") for q in quotes)
    raw = (made_up / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw
    feed = feedparser.parse(raw.encode("utf-8"))
    assert not feed.bozo
    (entry,) = [e for e in feed.entries if e.link.endswith(f"/sources/{OPEN}/")]
    assert entry.title == HOSTILE_TITLE  # the text exactly as written, as text
    assert ET.fromstring(raw.encode("utf-8")).find("{http://www.w3.org/2005/Atom}entry") is not None


def test_outlets_file_errors_name_the_line(tmp_path):
    root = copy_project(tmp_path / "project")
    outlets = root / "data" / "outlets.yml"
    text = outlets.read_text(encoding="utf-8")
    bad = text.replace("    reuse: excerpts", "    reuse: sometimes", 1)
    outlets.write_text(bad, encoding="utf-8")
    line = bad.splitlines().index("    reuse: sometimes") + 1
    code, out, err = run_cli("--root", str(root), "check")
    assert code != 0 and f"data/outlets.yml:{line}:" in err + out, err + out
    outlets.write_text(text + '  - name: "Rudaw"\n    reuse: full\n    licence: "CC0"\n', encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "check")
    assert code != 0 and "listed twice" in err + out
