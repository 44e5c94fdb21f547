"""Reading built HTML with the standard library: element attributes, ids, links and the primary nav."""

from __future__ import annotations

import gzip
import json
import posixpath
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Page:
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (tag, attributes)
    ids: set[str] = field(default_factory=set)
    nav_primary_hrefs: list[str] = field(default_factory=list)
    text: str = ""

    def hrefs(self, tag: str = "a") -> list[str]:
        return [a["href"] for t, a in self.elements if t == tag and a.get("href") is not None]

    def with_class(self, cls: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.elements if cls in (a.get("class") or "").split()]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._nav_depth = 0  # >0 while inside nav.md-nav--primary (counting nested <nav>s)
        self._text: list[str] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.page.elements.append((tag, a))
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.page.ids.add(a["name"])
        if tag == "nav":
            if self._nav_depth:
                self._nav_depth += 1
            elif "md-nav--primary" in a.get("class", "").split():
                self._nav_depth = 1
        if self._nav_depth and tag == "a" and "href" in a:
            self.page.nav_primary_hrefs.append(a["href"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)


def parse_html(html: str) -> Page:
    p = _Parser()
    p.feed(html)
    p.close()
    p.page.text = "".join(p._text)
    return p.page


def parse_file(path: Path) -> Page:
    return parse_html(path.read_text(encoding="utf-8"))


def is_external(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    return bool(parsed.scheme) or url.startswith("//")


def resolve(site: Path, page_rel: str, href: str) -> tuple[str | None, str]:
    """Where an internal href from site/page_rel points: (file relative to site or None, fragment).

    Directory URLs resolve to their index.html; None means the target does not exist.
    """
    parsed = urllib.parse.urlsplit(href)
    path = urllib.parse.unquote(parsed.path)
    if not path:
        return page_rel, parsed.fragment
    # Absolute paths (the 404 page uses them) are relative to the site root, served at "/".
    base = "" if path.startswith("/") else posixpath.dirname(page_rel)
    target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if target.startswith("../") or target == "..":
        return None, parsed.fragment
    if target == ".":
        target = ""
    candidate = site / target
    if path.endswith("/") or candidate.is_dir():
        target = posixpath.join(target, "index.html") if target else "index.html"
        candidate = site / target
    return (target if candidate.is_file() else None), parsed.fragment


ELLIPSIS = "…"


def unframed(quote: str) -> str:
    """A published quote without the … marks that show where it was cut."""
    return quote.removeprefix(ELLIPSIS + " ").removesuffix(" " + ELLIPSIS)


def seed_paragraphs(root: Path) -> dict[tuple[str, int], str]:
    """(article id, n) -> the paragraph's full text, read from the seeds as the build reads them (the
    site itself publishes only excerpts of most outlets)."""
    from tadmur.ingest import ingest, load_rules
    from tadmur.seeds import load_seeds

    rules = load_rules(root / "data" / "rules" / "ingest.yml")
    out = {}
    for a in load_seeds(root / "seeds", root / "schema" / "seed.schema.json", root):
        for p in ingest(a, rules).paragraphs:
            out[(a.id, p.n)] = p.text
    return out


def pagefind_records(site: Path) -> dict[str, dict]:
    """Every page record Pagefind wrote (its fragments: gzip, a signature, then JSON), by URL."""
    records = {}
    for f in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(f.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), f
        data = json.loads(raw[len(b"pagefind_dcd"):])
        records[data["url"]] = data
    return records
