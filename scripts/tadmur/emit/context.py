"""What every emitter reads: the build's inputs and what is derived from them once, before any page is
made (`build_context`), and the page an emitter hands back (`Page`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..articlecache import code_digest
from ..figures import Figures
from ..ingest import Paragraph
from ..kb import KB, Mention
from ..mdtext import link, md_escape
from ..reuse import Excerpt, Policy, Quota, framed, mention_span, report_quote
from . import common
from .common import fmt_date, rel, render_template
from .keys import Keys


@dataclass(frozen=True)
class Page:
    """One generated file under docs/. `make` renders it only when called, so a build can skip a page
    whose inputs did not change; `origin` names what it comes from in error messages."""

    path: str
    origin: str
    make: Callable[[], str]
    # The digest of what `make` reads (keys.py); None: made on every build.
    key: Callable[[], str] | None = None
    # A redirect: written only where no other page is.
    fallback: bool = False


@dataclass(frozen=True)
class BuildContext:
    kb: KB
    templates: Path
    site: dict
    events: list  # published events
    geo: Path
    hidden: list
    redirects: list[tuple[str, str, str]]
    candidates: list
    excerpts: dict[str, Excerpt]  # what each article's source page keeps; missing: published in full
    policy: Policy
    limits: common.Limits
    env: jinja2.Environment
    figures: Figures
    # Derived once for all pages.
    source_path: dict[str, str]  # article id -> its page
    search_names: dict[str, str]  # entity id -> Pagefind words (common.search_names)
    affiliated: dict[str, list]  # entity id -> [(entity affiliated with it, relation)]
    within: dict[str, list]  # place id -> entities that lie within it
    published: dict[str, list]  # outlet id -> its articles, oldest first
    event_by_id: dict[str, object]
    events_by_entity: dict[str, list]  # entity id -> published events it takes part in
    events_at_place: dict[str, list]
    entity_event_articles: dict[str, set[str]]  # entity id -> articles reporting its events
    every_event: list  # published, hidden and unconfirmed: each has a page
    article_dates: dict[str, dt.date]  # article id -> when it joined the corpus (added, else published)
    keys: Keys  # digests of what pages are made from (keys.py)

    @property
    def n_events(self) -> int:
        return len(self.events)

    def render(self, template: str, **values) -> str:
        return render_template(self.env, template, **values)

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

    def source_ref(self, src: str, article: str, paragraph: int) -> str:
        art = self.kb.article(article)
        return link(
            f"{art.outlet}, {fmt_date(art.published)}, ¶{paragraph}",
            rel(src, self.source_path[article], f"p{paragraph}"),
        )

    def para(self, article_id: str, n: int) -> Paragraph:
        return self.kb.docs[article_id].paragraphs[n - 1]

    def quote(self, m: Mention, quotas: dict[str, Quota] | None = None) -> str | None:
        """The sentence that states a mention, with the name in bold, escaped. For an article published
        in excerpts: the kept passage around it, else a few words either side, while the page's quota
        of that article lasts (None after)."""
        para = self.para(m.article, m.paragraph)
        s0, s1 = para.sentences[m.sentence]
        ex = self.excerpts.get(m.article)
        pre = post = ""
        if ex is not None and not ex.full:
            a, b = mention_span(para, m, ex, self.policy)
            quotas = quotas if quotas is not None else {}
            if m.article not in quotas:
                quotas[m.article] = Quota(ex)
            quota = quotas[m.article]
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
        para = self.para(rep.article, rep.paragraph)
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
        return self.article_dates[art_id]


def build_context(
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
    compiled: Path | None = None,
) -> BuildContext:
    """The context of one build, from render_site's arguments; every map the pages share is made here.
    `compiled`: where the templates are kept compiled between builds (common.make_env)."""
    events = events or []
    affiliated: dict[str, list] = {}
    within: dict[str, list] = {}
    published: dict[str, list] = {}
    for other in kb.entities.values():
        for t, r in other.affiliation:
            affiliated.setdefault(t, []).append((other, r))
        if other.within:
            within.setdefault(other.within, []).append(other)
    for a in sorted(kb.articles, key=lambda a: (a.published, a.id)):
        if kb.outlets.get(a.id):
            published.setdefault(kb.outlets[a.id], []).append(a)
    by_entity: dict[str, list] = {}
    at_place: dict[str, list] = {}
    event_articles: dict[str, set[str]] = {}
    for e in events:
        at_place.setdefault(e.place, []).append(e)
        arts = {rep.article for rep in e.reports}  # once per event, not once per entity in it
        for eid in common.entities_of(e):
            by_entity.setdefault(eid, []).append(e)
            event_articles.setdefault(eid, set()).update(arts)
    geo = geo or Path("/nonexistent")
    ctx = BuildContext(
        kb=kb,
        templates=templates,
        site={"subject": "a conflict", "intro": "", "url": "", "name": "", **(site or {})},
        events=events,
        geo=geo,
        hidden=hidden or [],
        redirects=redirects or [],
        candidates=candidates or [],
        excerpts=excerpts or {},
        policy=policy or Policy({}),
        limits=common.LIMITS,
        env=common.make_env(templates, compiled),
        figures=Figures(kb, events, geo),
        source_path={a.id: f"sources/{a.id}.md" for a in kb.articles},
        search_names=common.search_names({eid: [e.name, *e.aliases] for eid, e in kb.entities.items()}),
        affiliated=affiliated,
        within=within,
        published=published,
        event_by_id={e.id: e for e in events},
        events_by_entity=by_entity,
        events_at_place=at_place,
        entity_event_articles=event_articles,
        every_event=events + (hidden or []) + (candidates or []),
        article_dates={a.id: a.added or a.published for a in kb.articles},
        keys=None,
    )
    # The keys read the context they belong to; set once here, before any emitter sees it.
    object.__setattr__(ctx, "keys", Keys(ctx, code_digest()))
    return ctx
