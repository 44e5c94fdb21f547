"""The review queue: review.md, and for a long queue review/names/<n>.md and review/unconfirmed/<n>.md."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from ..mdtext import link, md_escape
from ..reuse import ELLIPSIS, framed, window
from .common import event_date, event_link, page_no, paged, rel
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    cands = ctx.candidates
    per = ctx.limits.index_rows
    names = list(paged("review.md", "review/names", ctx.kb.review, per))
    unconfirmed = list(paged("review.md", "review/unconfirmed", cands, per))
    common = {"n_names": len(ctx.kb.review), "n_candidates": len(cands), "review_link": ""}
    yield Page(
        "review.md",
        "",
        lambda: ctx.render(
            "review.md.j2",
            part="",
            title="Review queue",
            rows=_review_rows(ctx, "review.md", names[0][2]),
            names_pager=names[0][1],
            candidates=_candidate_rows(ctx, "review.md", unconfirmed[0][2]),
            candidates_pager=unconfirmed[0][1],
            **common,
        ),
    )
    for part, pages in (("names", names[1:]), ("unconfirmed", unconfirmed[1:])):
        for src, pager, chunk in pages:
            yield Page(src, "", partial(_part, ctx, part, src, pager, chunk, common))


def _part(ctx: BuildContext, part: str, src: str, pager: list, chunk: list, common: dict) -> str:
    what = "names" if part == "names" else "unconfirmed reports"
    return ctx.render(
        "review.md.j2",
        part=part,
        title=f"Review queue, {what}, page {page_no(pager)}",
        rows=_review_rows(ctx, src, chunk) if part == "names" else [],
        names_pager=pager if part == "names" else [],
        candidates=_candidate_rows(ctx, src, chunk) if part != "names" else [],
        candidates_pager=pager if part != "names" else [],
        **{**common, "review_link": rel(src, "review.md")},
    )


def _review_rows(ctx: BuildContext, src: str, reviews: list) -> list[dict]:
    rows = []
    for r in reviews:
        art, _, anchor = r.example.partition("#")
        rows.append(
            {
                "name": ctx.entity_link(src, r.entity, r.name) if r.entity else md_escape(r.name),
                "kind": r.kind,
                "rule": md_escape(r.rule),
                "count": r.count,
                "example": link(ctx.kb.article(art).title, rel(src, ctx.source_path[art], anchor)),
                "quote": md_escape(_review_quote(ctx, art, r.quote, r.name)),
                "page": bool(r.entity),
            }
        )
    return rows


def _candidate_rows(ctx: BuildContext, src: str, candidates: list) -> list[dict]:
    return [
        {
            "link": event_link(src, c),
            "date": event_date(c),
            "confidence": c.confidence,
            "quote": ctx.report_quote(c.reports[0]),
            "source": ctx.source_ref(src, c.reports[0].article, c.reports[0].paragraph),
        }
        for c in candidates
    ]


def _review_quote(ctx: BuildContext, article: str, sentence: str, name: str, words: int = 6) -> str:
    """The sentence a name was found in; for an article published in excerpts, only a few words
    either side of the name, so the review queue never republishes more of it."""
    ex = ctx.excerpts.get(article)
    if ex is None or ex.full:
        return sentence
    at = sentence.find(name)
    if at < 0:
        return ELLIPSIS
    a, b = window(sentence, at, at + len(name), words, words)
    pre, post = framed(sentence.rstrip(), a, b, 0, len(sentence.rstrip()))
    return pre + sentence[a:b] + post
