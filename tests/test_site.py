"""End to end: the real seeds built into a MkDocs site, checked page by page and against the JSON export."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from siteutil import is_external, pagefind_records, parse_file, resolve, seed_paragraphs, unframed

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KIND_DIRS = {"actor": "actors", "weapon": "weapons", "place": "places"}
ENTITY_DIRS = tuple(KIND_DIRS.values())


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site / "site"


@pytest.fixture(scope="module")
def html_pages(site: Path) -> dict[str, Path]:
    return {str(p.relative_to(site)).replace("\\", "/"): p for p in sorted(site.rglob("*.html"))}


def entity(knowledge: dict, name: str, kind: str | None = None) -> dict:
    found = [e for e in knowledge["entities"] if e["name"] == name and (kind is None or e["kind"] == kind)]
    assert len(found) == 1, f"expected one entity named {name!r}, found {len(found)}"
    return found[0]


def tow(knowledge: dict) -> dict:
    found = [e for e in knowledge["entities"]
             if e["kind"] == "weapon" and any("BGM-71" in n for n in [e["name"], *e["aliases"]])]
    assert len(found) == 1, [e["name"] for e in found]
    return found[0]


def page_file(site: Path, page_url: str) -> Path:
    assert page_url.endswith("/") and not page_url.startswith("/") and ".." not in page_url
    return site / page_url / "index.html"


# ---- the build ---------------------------------------------------------------------------------------------

def test_home_page_exists(site):
    assert (site / "index.html").is_file()
    assert (site / "pagefind" / "pagefind-modular-ui.js").is_file()  # Pagefind's bundle, not Material's
    assert not (site / "search" / "search_index.json").exists()
    assert (site / "data" / "knowledge.json").is_file()
    assert (site / "data" / "knowledge.schema.json").is_file()


def test_no_temporary_build_folders_left(built_site):
    assert not [p.name for p in built_site.iterdir() if p.name.startswith(".site-")]


def test_generated_docs_build_strict_without_warnings(built_site, tmp_path):
    """The site command ran mkdocs --strict; check independently that the docs have no warning at all."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(built_site / "mkdocs.yml"),
         "-d", str(tmp_path / "out")],
        cwd=built_site, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr


def test_key_entity_pages_exist(site, knowledge):
    isis = entity(knowledge, "Islamic State", "actor")
    assert isis["page_url"] == f"actors/{isis['id']}/"
    palmyra = entity(knowledge, "Palmyra", "place")
    assert palmyra["page_url"] == f"places/{palmyra['id']}/"
    weapon = tow(knowledge)
    assert weapon["page_url"] == f"weapons/{weapon['id']}/"
    for e in (isis, palmyra, weapon):
        html = page_file(site, e["page_url"]).read_text(encoding="utf-8")
        assert "<h1" in html and e["name"] in html
        assert e["mention_count"] >= 1 and e["article_count"] >= 1
    assert isis["article_count"] == 5
    assert palmyra["article_count"] == 5


# ---- knowledge.json ----------------------------------------------------------------------------------------

def test_knowledge_json_is_valid(built_site, knowledge):
    schema = json.loads((built_site / "schema" / "knowledge.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(knowledge)]
    assert errors == []


def test_knowledge_json_contents(knowledge):
    assert len(knowledge["articles"]) == 5
    assert isinstance(knowledge["events"], list)
    assert len(knowledge["entities"]) >= 20
    assert len(knowledge["mentions"]) >= 100
    for e in knowledge["entities"]:
        assert e["kind"] in ("actor", "weapon", "place")
        assert e["name"] and isinstance(e["aliases"], list)
        assert e["page_url"] and isinstance(e["mention_count"], int)
    ids = [e["id"] for e in knowledge["entities"]]
    assert len(ids) == len(set(ids))
    counts = {}
    for m in knowledge["mentions"]:
        assert {"entity", "article", "paragraph", "sentence"} <= set(m)
        counts[m["entity"]] = counts.get(m["entity"], 0) + 1
    outlets = {a["outlet_entity"] for a in knowledge["articles"]} - {None}
    assert set(counts) <= set(ids), "every mention has a page"
    assert set(ids) == set(counts) | outlets, "every page is of a mentioned entity or of an article's outlet"
    for e in knowledge["entities"]:
        assert e["mention_count"] == counts.get(e["id"], 0)


def test_mentions_point_at_their_text(built_site, knowledge):
    articles = {a["id"]: a for a in knowledge["articles"]}
    full = seed_paragraphs(built_site)
    for m in knowledge["mentions"]:
        para = articles[m["article"]]["paragraphs"][m["paragraph"] - 1]
        text = full[(m["article"], m["paragraph"])]
        assert para["n"] == m["paragraph"]
        # An excerpts outlet's paragraphs have no text in the export; offsets are into the seed's text.
        assert para["text"] == (text if articles[m["article"]]["reuse"] == "full" else None)
        assert text[m["start"]:m["end"]] == m["surface"]
        assert m["role"] == para["role"]
        if m["quote"] is not None:
            assert m["surface"] in m["quote"] and unframed(m["quote"]) in text


def test_every_mention_anchor_exists_on_its_source_page(site, knowledge):
    ids = {a["id"]: parse_file(page_file(site, a["page_url"])).ids for a in knowledge["articles"]}
    missing = sorted({f"{m['article']}#p{m['paragraph']}" for m in knowledge["mentions"]
                      if f"p{m['paragraph']}" not in ids[m["article"]]})
    assert missing == []
    for a in knowledge["articles"]:
        assert {f"p{p['n']}" for p in a["paragraphs"]} <= ids[a["id"]]


def test_every_entity_has_a_page(site, knowledge):
    missing = [e["page_url"] for e in knowledge["entities"] if not page_file(site, e["page_url"]).is_file()]
    assert missing == []
    for e in knowledge["entities"]:
        assert e["page_url"].split("/")[0] == KIND_DIRS[e["kind"]]


def test_no_entity_page_without_an_entity(site, knowledge):
    urls = {e["page_url"] for e in knowledge["entities"]}
    for d in ENTITY_DIRS:
        for p in (site / d).glob("*/index.html"):
            assert f"{d}/{p.parent.name}/" in urls


# ---- links -------------------------------------------------------------------------------------------------

def test_every_internal_link_resolves(site, html_pages):
    @cache
    def ids_of(rel: str) -> frozenset[str]:
        return frozenset(parse_file(site / rel).ids)

    broken: list[str] = []
    checked = 0
    for rel, path in html_pages.items():
        page = parse_file(path)
        links = page.hrefs("a") + page.hrefs("link") + page.hrefs("script")
        links += [a["src"] for t, a in page.elements if t in ("script", "img") and a.get("src")]
        for href in links:
            if is_external(href) or href == "#":
                continue
            target, fragment = resolve(site, rel, href)
            checked += 1
            if target is None:
                broken.append(f"{rel}: {href}")
            elif fragment and not fragment.startswith("__") and target.endswith(".html"):
                if fragment not in ids_of(target):
                    broken.append(f"{rel}: {href} (no id {fragment!r})")
    assert checked > 1000
    assert broken == []


def test_source_pages_link_names_to_entity_pages(site, knowledge):
    isis = entity(knowledge, "Islamic State", "actor")
    for a in knowledge["articles"]:
        page = parse_file(page_file(site, a["page_url"]))
        here = a["page_url"] + "index.html"
        targets = {resolve(site, here, h)[0] for h in page.hrefs() if not is_external(h)}
        assert isis["page_url"] + "index.html" in targets, a["id"]


# ---- names -------------------------------------------------------------------------------------------------

def test_aliases_are_merged_into_one_entity(knowledge):
    isis = entity(knowledge, "Islamic State", "actor")
    assert {"ISIS", "Daesh"} <= set(isis["aliases"])
    palmyra = entity(knowledge, "Palmyra", "place")
    assert "Tadmur" in palmyra["aliases"]
    names = {e["name"].casefold() for e in knowledge["entities"]}
    for alias in ("ISIS", "Daesh", "ISIL", "Tadmur", "IS"):
        assert alias.casefold() not in names
    surfaces = {m["surface"] for m in knowledge["mentions"] if m["entity"] == isis["id"]}
    assert {"Islamic State", "ISIS", "IS", "Daesh"} <= surfaces
    assert "Tadmur" in {m["surface"] for m in knowledge["mentions"] if m["entity"] == palmyra["id"]}


def test_search_finds_pages_by_alias(site, knowledge):
    """Pagefind's record of an entity page holds its aliases (weighted text) and its names metadata."""
    records = pagefind_records(site)
    for name, kind, alias in (("Islamic State", "actor", "Daesh"), ("Palmyra", "place", "Tadmur"),
                              ("BGM-71 TOW", "weapon", "TOW")):
        url = "/" + entity(knowledge, name, kind)["page_url"]
        assert url in records, url
        record = records[url]
        assert record["meta"]["title"] == name
        assert alias.lower() in record["meta"]["names"].split(), record["meta"]
        assert alias in record["content"]
        # Mention lists repeat their source pages and are left out of the index.
        assert "Every sentence below is quoted" not in record["content"]


def test_search_index_leaves_out_lists_and_excluded_pages(site, knowledge):
    records = pagefind_records(site)
    assert "/review/" not in records and "/actors/" not in records and "/sources/" not in records
    assert "/" + entity(knowledge, "Palmyra", "place")["page_url"] in records


def test_build_notices_are_shown_but_not_indexed(site, knowledge):
    """The build's notices say the same words on thousands of pages ("Excerpts only" on a source page,
    "Unreviewed name" on a discovered name's page): readers see them, search leaves them out, and
    keeps the page's own text."""
    records = pagefind_records(site)
    excerpted = [a for a in knowledge["articles"] if a["reuse"] == "excerpts"]
    assert excerpted, "the seeds have outlets the site only quotes"
    for a in excerpted:
        html = page_file(site, a["page_url"]).read_text(encoding="utf-8")
        assert '<div class="admonition note tadmur-notice">' in html
        assert "Excerpts only" in html and "citation anchors" in html
        content = records["/" + a["page_url"]]["content"]
        assert "Excerpts only" not in content and "marks text left out" not in content
        assert "citation anchors" not in content
        paras = re.findall(r'class="tadmur-para"[^>]*>(.*?)<a class', html)
        quoted = [re.sub(r"<[^>]+>", "", m) for m in paras]
        words = next(q for q in quoted if len(q.split()) >= 6).split()[:6]
        assert " ".join(words) in content, words


def event_entity_ids(event: dict) -> list[str]:
    """The place, the participants and the weapons of an event, as entity ids."""
    return [*([event["place"]] if event["place"] else []), *(p["entity"] for p in event["participants"]),
            *event["weapons"]]


def test_event_pages_are_not_indexed_and_their_titles_are_found_elsewhere(site, knowledge):
    """Event pages (two thirds of the pages at scale) are left out of Pagefind's index: their HTML has no
    data-pagefind-body, where an entity page's has. Each confirmed event's title is indexed on the
    pages of the names that take part in it and on the timeline, which list it."""
    records = pagefind_records(site)
    assert not [u for u in records if u.startswith("/events/")], sorted(records)
    assert len(list((site / "events").glob("*/index.html"))) >= len(knowledge["events"]) > 10
    for event in knowledge["events"]:
        assert "data-pagefind-body" not in page_file(site, event["page_url"]).read_text(encoding="utf-8")
    palmyra = entity(knowledge, "Palmyra", "place")
    assert "data-pagefind-body" in page_file(site, palmyra["page_url"]).read_text(encoding="utf-8")
    listed = {e["id"]: e for e in knowledge["entities"]}
    for event in knowledge["events"]:
        assert event["title"] in records["/timeline/"]["content"], event["title"]
        on = [e for e in event_entity_ids(event) if "/" + listed[e]["page_url"] in records]
        assert any(event["title"] in records["/" + listed[e]["page_url"]]["content"] for e in on), event
    # The events list is indexed; the changes of hands that repeat it are not.
    content = records["/" + palmyra["page_url"]]["content"]
    assert "Syrian Arab Army takes Palmyra" in content and "Who held it when" not in content
    assert "Taken from" not in content


def test_not_entities(knowledge):
    """Readers, reporters, photographers and weekdays are never names of actors, weapons or places."""
    bad = {"Sean Austin", "László Mikó", "Missy Ryan", "Liz Sly", "Hassan Ammar", "Paul Iddon",
           "Oryx (@oryxspioenkop)", *WEEKDAYS, "March", "December"}
    bad_keys = {b.casefold() for b in bad}
    weekday_starts = tuple(w.casefold() + " " for w in WEEKDAYS)
    offending = [(e["name"], n) for e in knowledge["entities"] for n in [e["name"], *e["aliases"]]
                 if n.casefold() in bad_keys or n.casefold().startswith(weekday_starts)]
    assert offending == []


def test_no_furniture_is_cited(site, knowledge):
    assert all(m["role"] != "furniture" for m in knowledge["mentions"])
    furniture = {(a["id"], p["n"]) for a in knowledge["articles"] for p in a["paragraphs"]
                 if p["role"] == "furniture"}
    assert furniture, "the real seeds have page furniture"
    assert not [m for m in knowledge["mentions"] if (m["article"], m["paragraph"]) in furniture]
    for d in ENTITY_DIRS:
        for p in (site / d).glob("*/index.html"):
            html = p.read_text(encoding="utf-8")
            for text in ("NOW WATCH", "SEE ALSO", "Join the conversation", "contributed to this report"):
                assert text not in html, (p, text)


def test_comments_and_headlines_are_attributed(knowledge):
    articles = {a["id"]: a for a in knowledge["articles"]}
    wnu = next(a for a in articles.values() if a["outlet"] == "War News Updates")
    speakers = {p["speaker"] for p in wnu["paragraphs"] if p["role"] == "comment"}
    assert speakers == {"Sean Austin", "László Mikó"}
    assert "Reuters" in {p["speaker"] for p in wnu["paragraphs"] if p["role"] == "headline"}
    body = [p for a in articles.values() for p in a["paragraphs"] if p["role"] == "body"]
    assert body and all(p["speaker"] is None for p in body)


# ---- size and navigation -----------------------------------------------------------------------------------

def test_navigation_stays_small(site, knowledge):
    isis_page = page_file(site, entity(knowledge, "Islamic State", "actor")["page_url"])
    assert isis_page.stat().st_size < 150_000
    entity_link = re.compile(r"(^|/)(actors|weapons|places)/[a-z0-9-]+/")
    for page in (site / "index.html", isis_page):
        nav = parse_file(page).nav_primary_hrefs
        assert nav, f"no nav.md-nav--primary in {page}"
        assert len([h for h in nav if entity_link.search(h)]) <= 2, nav
    n_entities = len(knowledge["entities"])
    home_links = {h for h in parse_file(site / "index.html").hrefs() if entity_link.search(h)}
    assert len(home_links) < n_entities / 2
