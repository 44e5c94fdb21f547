"""Stage 5: render the knowledge base as Markdown pages (one emitter per kind of page).

`render_site(kb, templates_dir)` returns {path under docs/: Markdown text}. Page structure and
wording live in templates/*.md.j2 (Jinja2); this module only prepares the data they show. All text
from articles passes through `md_escape`, so it renders as inert text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import json
import math
import posixpath
import re
import unicodedata
import urllib.parse
from collections import Counter
from pathlib import Path

import jinja2

from .catalog import KIND_DIRS, KINDS, Entity
from .errors import BuildError
from .ingest import Paragraph
from .kb import KB, Mention
from .mdtext import link, md_escape
from .paths import relpath
from .reuse import ELLIPSIS, Excerpt, Policy, Quota, framed, mention_span, report_quote, window

KIND_TITLES = {"actor": "Actors", "weapon": "Weapons", "place": "Places"}
KIND_SINGULAR = {"actor": "Actor", "weapon": "Weapon", "place": "Place"}
ROLE_LABELS = {
    "body": "",
    "caption": "Photo caption",
    "embed": "Embedded post",
    "headline": "Headline from another outlet, listed on the page",
    "comment": "Reader's comment, not the outlet's words",
}


CORRECTED_LABELS = {
    "date": "date",
    "type": "type",
    "place": "place",
    "participants": "participants",
    "weapons": "weapons",
}


def rel(src: str, dst: str, anchor: str | None = None) -> str:
    """Relative link from one docs/ file to another, as MkDocs resolves and validates it."""
    path = relpath(dst, posixpath.dirname(src) or ".")
    return f"{path}#{anchor}" if anchor else path


def fmt_date(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


def fmt_span(earliest: dt.date | None, latest: dt.date | None, precision: str) -> str:
    """A date as precise as the sources make it: 11 Dec 2016, 10–11 Dec 2016, May 2015, 2014."""
    if earliest is None:
        return f"date not given; reported {fmt_date(latest)}" if latest else "date not given"
    if precision == "day" or earliest == latest:
        return fmt_date(earliest)
    if precision == "week":
        if earliest.month == latest.month:
            return f"{earliest.day}–{latest.day} {latest.strftime('%b')} {latest.year}"
        return f"{fmt_date(earliest)} – {fmt_date(latest)}"
    if precision == "month" and (earliest.year, earliest.month) == (latest.year, latest.month):
        return earliest.strftime("%B %Y")
    if earliest.year == latest.year and (earliest.month, latest.month, latest.day) == (1, 12, 31):
        return str(earliest.year)
    if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31):
        return f"{earliest.year}–{latest.year}"
    # A window the sources leave open: "some June between the two" is June 2015 – June 2016.
    return f"{earliest.strftime('%b %Y')} – {latest.strftime('%b %Y')}"


def _url(u: str) -> str:
    """An external URL made safe as a Markdown link target (no spaces, brackets or quotes)."""
    return urllib.parse.quote(u, safe=":/?#@!$&*+,;=%-._~")


def _yaml_str(s: str) -> str:
    """A front matter scalar: HTML-escaped (the theme prints titles and descriptions as raw HTML into
    <title>, the header and <meta> attributes), then JSON-quoted, which is valid YAML."""
    return json.dumps(html.escape(" ".join(str(s).split()), quote=True), ensure_ascii=False)


class Renderer:
    # Long lists on an entity page stop here; the rest go to numbered pages beside it
    # (actors/<id>/mentions-2.md, .../events-2.md), so no page grows with the corpus.
    mention_articles = 40  # articles whose quotes one page shows
    list_limit = 100  # events, articles published, pages linking here
    index_rows = 500  # rows of an index page (entities of a kind, sources, the review queue)
    event_rows = 200  # events per page after the entity page

    def __init__(
        self,
        kb: KB,
        templates: Path,
        site: dict | None = None,
        excerpts: dict[str, Excerpt] | None = None,
        policy: Policy | None = None,
    ):
        self.kb = kb
        self.site = {"subject": "a conflict", "intro": "", "url": "", "name": "", **(site or {})}
        self.policy = policy or Policy({})
        # What each article's source page keeps; an article missing here is published in full.
        self.excerpts = excerpts or {}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=False,  # output is Markdown; untrusted text is escaped explicitly with |md
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["md"] = md_escape
        self.env.filters["yaml"] = _yaml_str
        self.env.filters["date"] = fmt_date
        self.env.filters["url"] = _url
        self.source_path = {a.id: f"sources/{a.id}.md" for a in kb.articles}
        self.event_sections: dict[str, str] = {}  # entity id -> Markdown of its events (events stage)
        self.n_events = 0
        self.figures: dict[str, str] = {}  # entity id -> inline SVG figure (figures.py)
        self.entity_event_articles: dict[str, set[str]] = {}  # entity id -> articles reporting its events
        self._search_names: dict[str, str] | None = None
        self.extra_pages: dict[str, str] = {}  # numbered pages of long entity lists, by path
        self._index: dict[str, dict[str, list]] | None = None  # see _reverse_index

    # ---- helpers shared by emitters -------------------------------------------------------------
    def search_names(self) -> dict[str, str]:
        """Entity id -> its names as Pagefind words (see `search_names`), computed once for all pages."""
        if self._search_names is None:
            self._search_names = search_names(
                {eid: [e.name, *e.aliases] for eid, e in self.kb.entities.items()}
            )
        return self._search_names

    def entity_link(self, src: str, eid: str, label: str | None = None) -> str:
        ent = self.kb.entities.get(eid) or self.kb.catalog.entities.get(eid)
        if eid not in self.kb.entities:
            return md_escape(label or (ent.name if ent else eid))
        return link(label or ent.name, rel(src, ent.doc_path))

    def page_link(self, src: str, key: str) -> str:
        kind, _, ident = key.partition(":")
        if kind == "source":
            art = self.kb.article(ident)
            return link(art.title, rel(src, self.source_path[ident]))
        return self.entity_link(src, ident)

    def quote(self, m: Mention, quotas: dict[str, Quota] | None = None) -> str | None:
        """The sentence that states a mention, with the name in bold, escaped. For an article published
        in excerpts: the kept passage around it, else a few words either side, while the page's quota
        of that article lasts (None after)."""
        para = self._para(m.article, m.paragraph)
        s0, s1 = para.sentences[m.sentence]
        ex = self.excerpts.get(m.article)
        pre = post = ""
        if ex is not None and not ex.full:
            a, b = mention_span(para, m, ex, self.policy)
            quota = (quotas if quotas is not None else {}).setdefault(m.article, Quota(ex))
            if not quota.take(m.paragraph, a, b):
                return None
            pre, post = framed(para.text, a, b, s0, s1)
            s0, s1 = a, b
        return (
            pre
            + md_escape(para.text[s0 : m.start])
            + "**"
            + md_escape(para.text[m.start : m.end])
            + "**"
            + md_escape(para.text[m.end : s1])
            + post
        )

    def report_quote(self, rep) -> str | None:
        """An event report's quote as published (see reuse.report_quote), escaped; None if not published."""
        para = self._para(rep.article, rep.paragraph)
        text = report_quote(self.excerpts.get(rep.article), para, rep, self.policy)
        return md_escape(text) if text is not None else None

    def reuse_of(self, art_id: str) -> str:
        ex = self.excerpts.get(art_id)
        return "full" if ex is None or ex.full else "excerpts"

    def cite(self, title: str, url: str, changed) -> dict:
        """The "Cite this page" line: title, site name, permanent address and the date of the last
        change to the page's facts (the latest date an article behind them joined the corpus)."""
        return {
            "title": md_escape(title),
            "site": md_escape(self.site["name"]),
            "url": self.site["url"] + url,
            "changed": fmt_date(changed) if changed else "",
        }

    def article_date(self, art_id: str) -> dt.date:
        a = self.kb.article(art_id)
        return a.added or a.published

    def _para(self, article_id: str, n: int) -> Paragraph:
        return self.kb.docs[article_id].paragraphs[n - 1]

    def render(self, template: str, **ctx) -> str:
        text = self.env.get_template(template).render(**ctx)
        return text.rstrip("\n") + "\n"

    # ---- emitters ---------------------------------------------------------------------------------
    def entity_page(self, ent: Entity) -> str:
        src = ent.doc_path
        kb = self.kb
        ms = kb.by_entity.get(ent.id, [])
        arts = sorted({m.article for m in ms}, key=lambda a: (kb.article(a).published, a))
        per = self.mention_articles
        chunks = [arts[i : i + per] for i in range(0, len(arts), per)]
        groups = self._mention_groups(src, chunks[0] if chunks else [], ms)
        affiliation = [f"{md_escape(r)} {self.entity_link(src, t)}" for t, r in ent.affiliation]
        index = self._reverse_index()
        incoming_aff = [
            f"{self.entity_link(src, other.id)} ({md_escape(r)})"
            for other, r in index["affiliated"].get(ent.id, [])
        ]
        contains = sorted(index["within"].get(ent.id, []), key=lambda e: e.name)
        published = [
            {"link": link(a.title, rel(src, self.source_path[a.id])), "date": fmt_date(a.published)}
            for a in index["published"].get(ent.id, [])
        ]
        incoming = kb.incoming.get(f"entity:{ent.id}", [])
        more = self._mention_pages(ent, chunks, ms)
        return self.render(
            "entity.md.j2",
            e=ent,
            kind=KIND_SINGULAR[ent.kind],
            index_link=rel(src, f"{KIND_DIRS[ent.kind]}/index.md"),
            review_link=rel(src, "review.md"),
            aliases=[md_escape(a) for a in ent.aliases],
            affiliation=affiliation,
            incoming_affiliation=incoming_aff,
            within=self.entity_link(src, ent.within) if ent.within else "",
            contains=[self.entity_link(src, c.id) for c in contains],
            published=published[-self.list_limit :],
            published_more=max(0, len(published) - self.list_limit),
            sources_link=rel(src, "sources/index.md"),
            mention_count=len(ms),
            # Entity pages outrank source pages, and much-mentioned names outrank rare ones that merely
            # share a word with the query ("Daesh" -> Islamic State before "anti-Daesh coalition").
            search_boost=round(2 + math.log10(1 + len(ms)), 2),
            article_count=len(arts),
            groups=groups,
            more_mentions=[(n, rel(src, path)) for n, path in more],
            cooccur=[
                {"link": self.entity_link(src, o), "kind": KIND_SINGULAR[kb.entities[o].kind], "n": n}
                for o, n in kb.cooccur.get(ent.id, [])
            ],
            incoming=[self.page_link(src, k) for k in incoming[: self.list_limit]],
            incoming_more=max(0, len(incoming) - self.list_limit),
            events_section=self.event_sections.get(ent.id, ""),
            figure=self.figures.get(ent.id, ""),
            search_names=self.search_names().get(ent.id, ""),
            cite=self.cite(ent.name, ent.url, self.entity_changed(ent.id)),
        )

    def _reverse_index(self) -> dict[str, dict[str, list]]:
        """Who is affiliated with, lies within or was published by each entity: made once, not per page."""
        if self._index is None:
            index: dict[str, dict[str, list]] = {"affiliated": {}, "within": {}, "published": {}}
            for other in self.kb.entities.values():
                for t, r in other.affiliation:
                    index["affiliated"].setdefault(t, []).append((other, r))
                if other.within:
                    index["within"].setdefault(other.within, []).append(other)
            for a in sorted(self.kb.articles, key=lambda a: (a.published, a.id)):
                if self.kb.outlets.get(a.id):
                    index["published"].setdefault(self.kb.outlets[a.id], []).append(a)
            self._index = index
        return self._index

    def sub_page(self, ent: Entity, what: str, n: int) -> str:
        """Where page n of an entity's long list lives: actors/<id>/mentions-2.md."""
        return f"{ent.doc_path.removesuffix('.md')}/{what}-{n}.md"

    def _mention_groups(self, src: str, arts: list[str], ms: list[Mention]) -> list[dict]:
        """The quoted sentences of these articles, one group per article, linked from page src."""
        kb = self.kb
        wanted = set(arts)
        by_art: dict[str, list[Mention]] = {}
        for m in ms:
            if m.article in wanted:
                by_art.setdefault(m.article, []).append(m)
        groups = []
        quotas: dict[str, Quota] = {}  # one page's share of each excerpts article
        for art in arts:
            art_obj = kb.article(art)
            items = []
            seen = set()
            for m in by_art[art]:
                if (m.paragraph, m.sentence) in seen:
                    continue
                seen.add((m.paragraph, m.sentence))
                para = self._para(art, m.paragraph)
                speaker = para.author if para.role in ("comment", "embed", "headline") else None
                items.append(
                    {
                        "quote": self.quote(m, quotas),
                        "link": rel(src, self.source_path[art], f"p{m.paragraph}"),
                        "paragraph": m.paragraph,
                        "role": ROLE_LABELS.get(para.role, ""),
                        "speaker": md_escape(speaker) if speaker else "",
                    }
                )
            groups.append(
                {
                    "title": link(art_obj.title, rel(src, self.source_path[art])),
                    "outlet": md_escape(art_obj.outlet),
                    "date": fmt_date(art_obj.published),
                    "items": items,
                }
            )
        return groups

    def _mention_pages(
        self, ent: Entity, chunks: list[list[str]], ms: list[Mention]
    ) -> list[tuple[int, str]]:
        """Render the mentions of article chunks 2..n on their own pages; return [(n, path)] for every
        page, the entity page as 1, or [] when one page holds them all."""
        if len(chunks) < 2:
            return []
        pages = [(n, self.sub_page(ent, "mentions", n)) for n in range(2, len(chunks) + 1)]
        pages.insert(0, (1, ent.doc_path))
        for (n, path), arts in zip(pages[1:], chunks[1:], strict=True):
            self.extra_pages[path] = self.render(
                "entity_mentions.md.j2",
                e=ent,
                what="mentions",
                n=n,
                pages=[(k, rel(path, p), k == n) for k, p in pages],
                entity_link=rel(path, ent.doc_path),
                article_count=sum(len(c) for c in chunks),
                groups=self._mention_groups(path, arts, ms),
                rows=[],
            )
        return pages

    def entity_changed(self, eid: str):
        """When an entity's facts last changed: the latest date (added, else published) among the articles
        that name it, publish it, or report its events."""
        arts = {m.article for m in self.kb.by_entity.get(eid, [])}
        arts |= {a.id for a in self._reverse_index()["published"].get(eid, [])}
        arts |= set(self.entity_event_articles.get(eid, ()))
        return max((self.article_date(a) for a in arts), default=None)

    def source_page(self, art_id: str) -> str:
        kb = self.kb
        art = kb.article(art_id)
        doc = kb.docs[art_id]
        src = self.source_path[art_id]
        by_para: dict[int, list[Mention]] = {}
        for m in kb.by_article.get(art_id, []):
            by_para.setdefault(m.paragraph, []).append(m)
        sections: dict[str, list[dict]] = {"report": [], "headline": [], "comment": [], "furniture": []}
        ex = self.excerpts.get(art_id)
        excerpt = ex is not None and not ex.full
        for p in doc.paragraphs:
            section = p.role if p.role in ("headline", "comment", "furniture") else "report"
            ms = by_para.get(p.n, [])
            text = (
                self._excerpt_text(src, p, ms, ex.pieces(p.n)) if excerpt else self._linked_text(src, p, ms)
            )
            sections[section].append(
                {
                    "n": p.n,
                    "text": text,
                    "label": ROLE_LABELS.get(p.role, ""),
                    "speaker": md_escape(p.author) if p.author else "",
                    "line": p.line,
                }
            )
        counts = Counter(m.entity for m in kb.by_article.get(art_id, []))
        named = sorted(counts, key=lambda e: (kb.entities[e].kind, kb.entities[e].name.lower()))
        outlet = kb.outlets.get(art_id)
        rights = self.policy.outlet(art.outlet)
        return self.render(
            "source.md.j2",
            a=art,
            reuse=self.reuse_of(art_id),
            licence=md_escape(rights.licence) if rights.licence and not excerpt else "",
            licence_url=_url(rights.licence_url) if rights.licence_url and not excerpt else "",
            kept_words=ex.words() if excerpt else 0,
            total_words=ex.total if ex is not None else 0,
            outlet=self.entity_link(src, outlet, art.outlet) if outlet else md_escape(art.outlet),
            sections=sections,
            dropped=doc.dropped,
            named=[
                {"link": self.entity_link(src, e), "kind": KIND_SINGULAR[kb.entities[e].kind], "n": counts[e]}
                for e in named
            ],
            incoming=[],
        )

    def _linked_text(
        self, src: str, p: Paragraph, ms: list[Mention], a: int = 0, b: int | None = None
    ) -> str:
        """Paragraph text [a, b), escaped, with the names in it linked to their pages."""
        b = len(p.text) if b is None else b
        out, pos = [], a
        for m in sorted(ms, key=lambda m: m.start):
            if m.start < pos or m.end > b:
                continue
            out.append(md_escape(p.text[pos : m.start]))
            out.append(self.entity_link(src, m.entity, p.text[m.start : m.end]))
            pos = m.end
        out.append(md_escape(p.text[pos:b]))
        return "".join(out)

    def _excerpt_text(self, src: str, p: Paragraph, ms: list[Mention], pieces: list[tuple[int, int]]) -> str:
        """The kept passages of a paragraph, with … wherever text is left out (only … when none is kept)."""
        if not pieces:
            return ELLIPSIS
        out, pos = [], 0
        for a, b in pieces:
            if p.text[pos:a].strip():
                out.append(ELLIPSIS)
            out.append(self._linked_text(src, p, ms, a, b))
            pos = b
        if p.text[pos:].strip():
            out.append(ELLIPSIS)
        return " ".join(out)

    def paged(self, first: str, folder: str, rows: list, per: int):
        """Pages of a long list: (path, pager, rows of that page), the first at `first`, the others at
        folder/<n>.md. `pager` is [(n, link from that page, is it this page)]."""
        paths = [first] + [f"{folder}/{n}.md" for n in range(2, -(-len(rows) // per) + 1)]
        for i, path in enumerate(paths):
            pager = [(n + 1, rel(path, p), p == path) for n, p in enumerate(paths)]
            yield path, pager, rows[i * per : (i + 1) * per]

    def kind_index(self, kind: str) -> dict[str, str]:
        first = f"{KIND_DIRS[kind]}/index.md"
        ents = sorted((e for e in self.kb.entities.values() if e.kind == kind), key=lambda e: e.name.lower())
        out = {}
        for src, pager, chunk in self.paged(first, f"{KIND_DIRS[kind]}/pages", ents, self.index_rows):
            rows = []
            for e in chunk:
                ms = self.kb.by_entity.get(e.id, [])
                rows.append(
                    {
                        "link": link(e.name, rel(src, e.doc_path)),
                        "type": md_escape(e.type),
                        "aliases": md_escape(", ".join(e.aliases[:6])),
                        "mentions": len(ms),
                        "articles": len({m.article for m in ms}),
                        "reviewed": e.reviewed,
                    }
                )
            out[src] = self.render(
                "kind_index.md.j2",
                kind=kind,
                kind_title=KIND_TITLES[kind],
                title=KIND_TITLES[kind] + (f", page {_page_no(pager)}" if src != first else ""),
                rows=rows,
                total=len(ents),
                unreviewed=any(not e.reviewed for e in ents),
                pager=pager,
                review_link=rel(src, "review.md"),
            )
        return out

    def sources_index(self) -> dict[str, str]:
        arts = sorted(self.kb.articles, key=lambda a: (a.published, a.id))
        out = {}
        for src, pager, chunk in self.paged("sources/index.md", "sources/pages", arts, self.index_rows):
            rows = [
                {
                    "link": link(a.title, rel(src, self.source_path[a.id])),
                    "outlet": md_escape(a.outlet),
                    "date": fmt_date(a.published),
                    "certainty": a.published_certainty,
                    "mentions": len(self.kb.by_article.get(a.id, [])),
                }
                for a in chunk
            ]
            n = _page_no(pager)
            title = "Sources" + (f", page {n}" if n > 1 else "")
            out[src] = self.render(
                "sources_index.md.j2", rows=rows, total=len(arts), pager=pager, title=title
            )
        return out

    def review_page(self, candidates: list | None = None, ev=None) -> dict[str, str]:
        """review.md, and for a long queue review/names/<n>.md and review/unconfirmed/<n>.md."""
        cands = candidates or []
        names = list(self.paged("review.md", "review/names", self.kb.review, self.index_rows))
        unconfirmed = list(self.paged("review.md", "review/unconfirmed", cands, self.index_rows))
        common = {"n_names": len(self.kb.review), "n_candidates": len(cands), "review_link": ""}
        files = {
            "review.md": self.render(
                "review.md.j2",
                part="",
                title="Review queue",
                rows=self._review_rows("review.md", names[0][2]),
                names_pager=names[0][1],
                candidates=self._candidate_rows("review.md", unconfirmed[0][2], ev),
                candidates_pager=unconfirmed[0][1],
                **common,
            )
        }
        for part, pages in (("names", names[1:]), ("unconfirmed", unconfirmed[1:])):
            for src, pager, chunk in pages:
                what = "names" if part == "names" else "unconfirmed reports"
                files[src] = self.render(
                    "review.md.j2",
                    part=part,
                    title=f"Review queue, {what}, page {_page_no(pager)}",
                    rows=self._review_rows(src, chunk) if part == "names" else [],
                    names_pager=pager if part == "names" else [],
                    candidates=self._candidate_rows(src, chunk, ev) if part != "names" else [],
                    candidates_pager=pager if part != "names" else [],
                    **{**common, "review_link": rel(src, "review.md")},
                )
        return files

    def _review_rows(self, src: str, reviews: list) -> list[dict]:
        rows = []
        for r in reviews:
            art, _, anchor = r.example.partition("#")
            rows.append(
                {
                    "name": self.entity_link(src, r.entity, r.name) if r.entity else md_escape(r.name),
                    "kind": r.kind,
                    "rule": md_escape(r.rule),
                    "count": r.count,
                    "example": link(self.kb.article(art).title, rel(src, self.source_path[art], anchor)),
                    "quote": md_escape(self._review_quote(art, r.quote, r.name)),
                    "page": bool(r.entity),
                }
            )
        return rows

    def _candidate_rows(self, src: str, candidates: list, ev) -> list[dict]:
        return [
            {
                "link": ev.event_link(src, c),
                "date": _event_date(c),
                "confidence": c.confidence,
                "quote": self.report_quote(c.reports[0]),
                "source": ev.source_ref(src, c.reports[0].article, c.reports[0].paragraph),
            }
            for c in candidates
        ]

    def _review_quote(self, article: str, sentence: str, name: str, words: int = 6) -> str:
        """The sentence a name was found in; for an article published in excerpts, only a few words
        either side of the name, so the review queue never republishes more of it."""
        ex = self.excerpts.get(article)
        if ex is None or ex.full:
            return sentence
        at = sentence.find(name)
        if at < 0:
            return ELLIPSIS
        a, b = window(sentence, at, at + len(name), words, words)
        pre, post = framed(sentence.rstrip(), a, b, 0, len(sentence.rstrip()))
        return pre + sentence[a:b] + post

    def map_page(self, fig) -> str:
        rows = [
            {
                "link": self.entity_link("map.md", e.id),
                "type": md_escape(e.type),
                "events": fig.event_count[e.id],
                "mentions": len(self.kb.by_entity.get(e.id, [])),
            }
            for e in sorted(
                (e for e in self.kb.entities.values() if e.kind == "place" and e.coordinates),
                key=lambda e: (-fig.weight(e.id), e.name),
            )
        ]
        return self.render("map.md.j2", figure=fig.map_page_svg(), rows=rows)

    def home(self) -> str:
        kb = self.kb
        top = {}
        for kind in KINDS:
            ents = [e for e in kb.entities.values() if e.kind == kind and e.reviewed]
            ents.sort(key=lambda e: (-len(kb.by_entity.get(e.id, [])), e.name))
            top[kind] = [self.entity_link("index.md", e.id) for e in ents[:8]]
        dates = sorted(a.published for a in kb.articles)
        return self.render(
            "home.md.j2",
            counts={k: sum(1 for e in kb.entities.values() if e.kind == k) for k in KINDS},
            n_articles=len(kb.articles),
            n_mentions=len(kb.mentions),
            first=fmt_date(dates[0]) if dates else "",
            last=fmt_date(dates[-1]) if dates else "",
            top=top,
            titles=KIND_TITLES,
            dirs=KIND_DIRS,
            unreviewed=sum(1 for e in kb.entities.values() if not e.reviewed),
            site=self.site,
            n_events=self.n_events,
        )


def render_site(
    kb: KB,
    templates: Path,
    site: dict | None = None,
    events: list | None = None,
    geo: Path | None = None,
    hidden: list | None = None,
    redirects: list[tuple[str, str, str]] | None = None,
    candidates: list | None = None,
    excerpts: dict[str, Excerpt] | None = None,
    policy: Policy | None = None,
) -> dict[str, str]:
    """Every generated Markdown page, keyed by its path under docs/.

    `hidden` are events an editor hid and `candidates` unconfirmed ones (each keeps a page, and only
    candidates are listed on the review page, nothing else links them); `redirects` are
    (old page, new page, why) for renamed and merged entities and merged events.
    """
    from .figures import Figures
    from .filterdata import filter_files
    from .whatsnew import whats_new_page

    r = Renderer(kb, templates, site, excerpts, policy)
    ev = EventRenderer(r, events or [])
    for e in ev.events:
        for eid in ev.entities_of(e):
            r.entity_event_articles.setdefault(eid, set()).update(rep.article for rep in e.reports)
    fig = Figures(kb, ev.events, geo or Path("/nonexistent"))
    r.event_sections = {eid: ev.entity_section(eid) for eid in ev.by_entity}
    r.figures = {}
    for ent in kb.entities.values():
        if ent.kind == "place":
            r.figures[ent.id] = fig.place(ent.id)
        elif ent.kind == "actor":
            r.figures[ent.id] = fig.actor(ent.id)
    ev.axis = fig.timeline_axis
    r.n_events = len(ev.events)
    files: dict[str, str] = {
        "index.md": r.home(),
        **r.review_page(candidates, ev),
        **r.sources_index(),
        **ev.timeline_pages(),
        "about.md": r.render("about.md.j2", site=r.site, share=round(r.policy.max_share * 100)),
        "map.md": r.map_page(fig),
        "whats-new.md": whats_new_page(r, ev),
    }
    for kind in KINDS:
        files.update(r.kind_index(kind))
    # The timeline filter's data (docs/data/filters.json, data/timeline/...): see filterdata.py.
    files.update(filter_files(kb.entities, ev.events, ev.entities_of, ev._when, _event_date))
    pages = [(ent.doc_path, ent.origin, lambda ent=ent: r.entity_page(ent)) for ent in kb.entities.values()]
    pages += [(r.source_path[a.id], f"seeds/{a.id}.md", lambda a=a: r.source_page(a.id)) for a in kb.articles]
    every_event = ev.events + (hidden or []) + (candidates or [])
    pages += [(e.doc_path, e.id, lambda e=e: ev.event_page(e)) for e in every_event]
    for path, origin, make in pages:
        if path in files:  # two outputs for one path: one would silently replace the other
            raise BuildError(origin or path, None, f"docs/{path} is already another page; choose another id")
        files[path] = make()
    for path in sorted(r.extra_pages):  # numbered pages of long lists, made with the entity pages
        if path in files:
            raise BuildError(path, None, f"docs/{path} is already another page; choose another id")
        files[path] = r.extra_pages[path]
    for old, new, why in redirects or []:
        if new in files and old not in files:
            title = _title_of(files[new])
            files[old] = r.render("redirect.md.j2", title=title, link=link(title, rel(old, new)), why=why)
    return files


def _page_no(pager: list[tuple[int, str, bool]]) -> int:
    return next(n for n, _, here in pager if here)


def _title_of(page: str) -> str:
    """The (already escaped) title of a rendered page, read back from its front matter."""
    for line in page.split("\n")[1:]:
        if line.startswith("title: "):
            return html.unescape(json.loads(line[7:]))
        if line == "---":
            break
    return ""


# ---- events (the events stage's pages) ------------------------------------------------------------------


def _event_date(ev) -> str:
    text = fmt_span(ev.earliest, ev.latest, ev.precision)
    first = ev.claims[0] if ev.claims else None
    since = first and first["relation"] == "since"
    if since and (first["earliest"], first["latest"]) == (ev.earliest, ev.latest):
        text = "since " + text
    return text


def _why_unconfirmed(ev) -> str:
    missing = [
        what
        for what, ok in (
            ("no date phrase", ev.earliest),
            ("no named actor", any(r.agent_named for r in ev.reports)),
            ("no place", ev.place),
            ("one outlet", len({r.outlet for r in ev.reports}) > 1),
        )
        if not ok
    ]
    return ", ".join(missing) or "weak wording"


class EventRenderer:
    """Event pages, the timeline, and the event sections of entity pages."""

    def __init__(self, base: Renderer, events: list):
        self.r = base
        self.kb = base.kb
        self.events = events
        self.by_id = {e.id: e for e in events}
        self.by_entity: dict[str, list] = {}
        self.at_place: dict[str, list] = {}
        for e in events:
            self.at_place.setdefault(e.place, []).append(e)
            for eid in self.entities_of(e):
                self.by_entity.setdefault(eid, []).append(e)

    @staticmethod
    def entities_of(ev) -> list[str]:
        ids = [eid for names in ev.participants.values() for eid in names] + list(ev.weapons)
        if ev.place:
            ids.append(ev.place)
        return list(dict.fromkeys(ids))

    def event_link(self, src: str, ev) -> str:
        return link(ev.title, rel(src, ev.doc_path))

    def source_ref(self, src: str, article: str, paragraph: int) -> str:
        art = self.kb.article(article)
        return link(
            f"{art.outlet}, {fmt_date(art.published)}, ¶{paragraph}",
            rel(src, self.r.source_path[article], f"p{paragraph}"),
        )

    def event_page(self, ev) -> str:
        src = ev.doc_path
        r = self.r
        roles = [
            (role, [r.entity_link(src, eid) for eid in names]) for role, names in ev.participants.items()
        ]
        claims = [
            {
                "text": fmt_span(c["earliest"], c["latest"], c["precision"]),
                "sources": [self.source_ref(src, a, p) for a, p in c["sources"]],
            }
            for c in ev.claims
        ]
        figures = []
        for f in ev.figures:
            claimant = (
                r.entity_link(src, f["claimant"])
                if f.get("claimant")
                else md_escape(self.kb.article(f["article"]).outlet)
            )
            figures.append(
                {
                    "kind": f["kind"],
                    "text": md_escape(f["text"]),
                    "claimant": claimant,
                    "source": self.source_ref(src, f["article"], f["paragraph"]),
                }
            )
        reports = []
        for rep in ev.reports:
            role = ROLE_LABELS.get(rep.role, "")
            if rep.speaker and rep.role != "body":
                role = f"{role}: {rep.speaker}"
            reports.append(
                {
                    "quote": r.report_quote(rep),
                    "source": self.source_ref(src, rep.article, rep.paragraph),
                    "role": md_escape(role) if role else "",
                    "date": md_escape(rep.date.text) if rep.date else "",
                    "anchor": fmt_date(rep.date.anchor) if rep.date else "",
                    "doubtful": rep.doubtful,
                }
            )
        sources = sorted({(rep.published, rep.article) for rep in ev.reports})
        return r.render(
            "event.md.j2",
            ev=ev,
            date_text=_event_date(ev),
            claims=claims,
            place=r.entity_link(src, ev.place) if ev.place else "",
            roles=roles,
            weapons=[r.entity_link(src, w) for w in ev.weapons],
            figures=figures,
            # A much-reported event lists its first reports and sources, and says how many more there are.
            reports=reports[: r.list_limit],
            reports_more=max(0, len(reports) - r.list_limit),
            sources=[
                link(self.kb.article(a).title, rel(src, r.source_path[a])) for _, a in sources[: r.list_limit]
            ],
            sources_more=max(0, len(sources) - r.list_limit),
            timeline_link=rel(src, "timeline.md"),
            corrected=[CORRECTED_LABELS[k] for k in ev.corrected if k in CORRECTED_LABELS],
            reason=md_escape(ev.reason) if ev.reason else "",
            why_unconfirmed=_why_unconfirmed(ev),
            review_link=rel(src, "review.md", "unconfirmed"),
            previous=self.event_link(src, self.by_id[ev.previous]) if ev.previous else "",
            next=self.event_link(src, self.by_id[ev.next]) if ev.next else "",
            cite=r.cite(
                ev.title, ev.url, max((r.article_date(rep.article) for rep in ev.reports), default=None)
            ),
        )

    # A timeline with more events than this is split: an index of years, a page per year, and a page per
    # month for a year that alone has more. Each page stays small, whatever the size of the corpus.
    page_events = 300

    @staticmethod
    def _when(ev) -> tuple[str, str, str]:
        """(year label, month label, month slug) of an event on the timeline."""
        # Undated events stand at the date they were reported, marked as such.
        day = ev.earliest or ev.latest
        if not day:
            return "Undated", "Undated", "undated"
        if ev.precision != "year" or not ev.earliest:
            return str(day.year), day.strftime("%B %Y"), f"{day.year}-{day.month:02d}"
        return str(day.year), f"{day.year}, month not given", f"{day.year}-month-not-given"

    def _timeline_years(self, src: str, events: list) -> list[dict]:
        years: list[dict] = []
        for ev in events:
            year_label, month_label, _ = self._when(ev)
            if not years or years[-1]["label"] != year_label:
                years.append({"label": year_label, "months": []})
            months = years[-1]["months"]
            if not months or months[-1]["label"] != month_label:
                months.append({"label": month_label, "events": []})
            names = [self.r.entity_link(src, eid) for eid in self.entities_of(ev)]
            months[-1]["events"].append(
                {
                    "date": _event_date(ev),
                    "link": self.event_link(src, ev),
                    "label": ev.label,
                    "names": names,
                    "disputed": ev.disputed,
                    "doubtful": ev.doubtful,
                }
            )
        return years

    def timeline_pages(self) -> dict[str, str]:
        """timeline.md, and when the timeline is long, timeline/<year>.md or timeline/<year>-<month>.md."""
        axis = getattr(self, "axis", None)
        if len(self.events) <= self.page_events:
            return {
                "timeline.md": self.r.render(
                    "timeline.md.j2",
                    years=self._timeline_years("timeline.md", self.events),
                    count=len(self.events),
                    axis=axis(self.events) if axis else "",
                    periods=[],
                    period=None,
                )
            }
        by_year: dict[str, list] = {}
        for ev in self.events:
            by_year.setdefault(self._when(ev)[0], []).append(ev)
        pages: list[tuple[str, str, list, tuple]] = []  # (path, label, events, axis bounds)
        periods = []
        for year, evs in by_year.items():
            entry = {"label": year, "count": len(evs), "link": "", "months": []}
            if len(evs) <= self.page_events or year == "Undated":
                path = f"timeline/{year.lower()}.md"
                entry["link"] = rel("timeline.md", path)
                pages.append((path, year, evs, (year, year) if year != "Undated" else None))
            else:
                by_month: dict[tuple[str, str], list] = {}
                for ev in evs:
                    _, label, slug = self._when(ev)
                    by_month.setdefault((slug, label), []).append(ev)
                for (slug, label), mevs in by_month.items():
                    path = f"timeline/{slug}.md"
                    bounds = (slug, slug) if slug[5:].isdigit() else (year, year)
                    link_ = rel("timeline.md", path)
                    entry["months"].append({"label": label, "count": len(mevs), "link": link_})
                    pages.append((path, label, mevs, bounds))
            periods.append(entry)
        # A month busier than a page holds continues on timeline/<year>-<month>-2.md, ...
        per = self.page_events
        pages = [
            (
                path if i == 0 else f"{path[:-3]}-{i // per + 1}.md",
                label if i == 0 else f"{label} ({i // per + 1})",
                evs[i : i + per],
                bounds,
            )
            for path, label, evs, bounds in pages
            for i in range(0, len(evs), per)
        ]
        files = {
            "timeline.md": self.r.render(
                "timeline.md.j2", years=[], count=len(self.events), axis="", periods=periods, period=None
            )
        }
        for i, (path, label, evs, bounds) in enumerate(pages):
            nav = {
                "index": rel(path, "timeline.md"),
                "previous": (pages[i - 1][1], rel(path, pages[i - 1][0])) if i else None,
                "next": (pages[i + 1][1], rel(path, pages[i + 1][0])) if i + 1 < len(pages) else None,
            }
            files[path] = self.r.render(
                "timeline.md.j2",
                years=self._timeline_years(path, evs),
                count=len(evs),
                axis=axis(evs, path, *bounds) if axis and bounds else "",
                periods=[],
                period={"label": label, **nav},
            )
        return files

    def _row(self, src: str, e) -> dict:
        return {"date": _event_date(e), "link": self.event_link(src, e), "label": e.label}

    def entity_section(self, eid: str) -> str:
        """Markdown for an entity page: its events in date order, and for a place who held it when."""
        from .events import control_history

        ent = self.kb.entities[eid]
        src = ent.doc_path
        evs = self.by_entity.get(eid, [])
        history = control_history(self.at_place.get(eid, []), eid) if ent.kind == "place" else []
        r = self.r
        first, rest = evs[: r.list_limit], evs[r.list_limit :]
        chunks = [rest[i : i + r.event_rows] for i in range(0, len(rest), r.event_rows)]
        pages = [(1, src)] + [(n, r.sub_page(ent, "events", n)) for n in range(2, len(chunks) + 2)]
        for (n, path), chunk in zip(pages[1:], chunks, strict=True):
            r.extra_pages[path] = r.render(
                "entity_mentions.md.j2",
                e=ent,
                what="events",
                n=n,
                pages=[(k, rel(path, p), k == n) for k, p in pages],
                entity_link=rel(path, src),
                article_count=len(evs),
                groups=[],
                rows=[self._row(path, e) for e in chunk],
            )
        rows = [self._row(src, e) for e in first]
        held = [
            {
                "date": fmt_span(h["earliest"], h["latest"], h["precision"]),
                "holder": self.r.entity_link(src, h["holder"]),
                "from": self.r.entity_link(src, h["from"]) if h["from"] else "",
                "event": self.event_link(src, self.by_id[h["event"]]),
                "disputed": h["disputed"],
            }
            for h in history[-r.list_limit :]
        ]
        return self.r.render(
            "entity_events.md.j2",
            rows=rows,
            held=held,
            held_more=max(0, len(history) - r.list_limit),
            timeline_link=rel(src, "timeline.md"),
            count=len(evs),
            more=[(n, rel(src, p)) for n, p in pages] if chunks else [],
        )



def name_word(name: str) -> str:
    """A name as one Pagefind word: lowercase ASCII letters and digits, accents dropped, spaces and
    punctuation removed ("BGM-71 TOW" -> "bgm71tow")."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_.lower())


def search_names(names: dict[str, list[str]]) -> dict[str, str]:
    """Entity id -> its names (canonical name and aliases) as Pagefind words, space-separated.

    Written on the entity page as Pagefind metadata `names`, which the search box weighs far above the
    text (docs/assets/tadmur.js): a query that is exactly a name puts that name's page first. Pagefind
    matches a query word against the start of a word, so a word that starts with another entity's name
    is left out ("palmyraromantheatre" would match "Palmyra"): the page still has that alias in its
    text, with a high weight.
    """
    words = {eid: list(dict.fromkeys(w for w in map(name_word, ns) if w)) for eid, ns in names.items()}
    owner: dict[str, set[str]] = {}
    for eid, ws in words.items():
        for w in ws:
            owner.setdefault(w, set()).add(eid)
    ordered = sorted(owner)
    out: dict[str, str] = {}
    for eid, ws in words.items():
        kept = []
        for w in ws:
            # Another entity's word that is a proper prefix of w, or the same word owned by others too.
            shadowed = any(
                o != w and w.startswith(o) and owner[o] - {eid} for o in _prefixes(w, ordered)
            ) or owner[w] - {eid}
            if not shadowed:
                kept.append(w)
        out[eid] = " ".join(kept)
    return out


def _prefixes(word: str, ordered: list[str]) -> list[str]:
    """The words of `ordered` (sorted) that are prefixes of `word`."""
    found = []
    for n in range(1, len(word) + 1):
        p = word[:n]
        i = bisect.bisect_left(ordered, p)
        if i < len(ordered) and ordered[i] == p:
            found.append(p)
    return found
