"""Source pages (sources/<id>.md): an article as this site may republish it, names linked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import partial

from ..ingest import Paragraph
from ..kb import Mention
from ..mdtext import md_escape
from ..reuse import ELLIPSIS
from .common import KIND_SINGULAR, ROLE_LABELS, safe_url
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    for a in ctx.kb.articles:
        make, key = partial(source_page, ctx, a.id), partial(_key, ctx, a.id)
        yield Page(ctx.source_path[a.id], f"seeds/{a.id}.md", make, key)


def _key(ctx: BuildContext, art_id: str) -> str:
    """Everything source_page reads (keys.py): the article as kept, its mentions and the entities named."""
    k, kb = ctx.keys, ctx.kb
    ms = kb.by_article.get(art_id, [])
    named = {m.entity for m in ms} | {kb.outlets.get(art_id)}
    named_digests = sorted((x, k.entity(x)) for x in named if x)
    return k.key("source", k.article(art_id), k.mentions(art_id), named_digests)


def source_page(ctx: BuildContext, art_id: str) -> str:
    kb = ctx.kb
    art = kb.article(art_id)
    doc = kb.docs[art_id]
    src = ctx.source_path[art_id]
    by_para: dict[int, list[Mention]] = {}
    for m in kb.by_article.get(art_id, []):
        by_para.setdefault(m.paragraph, []).append(m)
    sections: dict[str, list[dict]] = {"report": [], "headline": [], "comment": [], "furniture": []}
    ex = ctx.excerpts.get(art_id)
    excerpt = ex is not None and not ex.full
    for p in doc.paragraphs:
        section = p.role if p.role in ("headline", "comment", "furniture") else "report"
        ms = by_para.get(p.n, [])
        text = _excerpt_text(ctx, src, p, ms, ex.pieces(p.n)) if excerpt else _linked_text(ctx, src, p, ms)
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
    rights = ctx.policy.outlet(art.outlet)
    return ctx.render(
        "source.md.j2",
        a=art,
        reuse=ctx.reuse_of(art_id),
        licence=md_escape(rights.licence) if rights.licence and not excerpt else "",
        licence_url=safe_url(rights.licence_url) if rights.licence_url and not excerpt else "",
        kept_words=ex.words() if excerpt else 0,
        total_words=ex.total if ex is not None else 0,
        outlet=ctx.entity_link(src, outlet, art.outlet) if outlet else md_escape(art.outlet),
        sections=sections,
        dropped=doc.dropped,
        named=[
            {"link": ctx.entity_link(src, e), "kind": KIND_SINGULAR[kb.entities[e].kind], "n": counts[e]}
            for e in named
        ],
        incoming=[],
    )


def _linked_text(
    ctx: BuildContext, src: str, p: Paragraph, ms: list[Mention], a: int = 0, b: int | None = None
) -> str:
    """Paragraph text [a, b), escaped, with the names in it linked to their pages."""
    b = len(p.text) if b is None else b
    out, pos = [], a
    for m in sorted(ms, key=lambda m: m.start):
        if m.start < pos or m.end > b:
            continue
        out.append(md_escape(p.text[pos : m.start]))
        out.append(ctx.entity_link(src, m.entity, p.text[m.start : m.end]))
        pos = m.end
    out.append(md_escape(p.text[pos:b]))
    return "".join(out)


def _excerpt_text(
    ctx: BuildContext, src: str, p: Paragraph, ms: list[Mention], pieces: list[tuple[int, int]]
) -> str:
    """The kept passages of a paragraph, with … wherever text is left out (only … when none is kept)."""
    if not pieces:
        return ELLIPSIS
    out, pos = [], 0
    for a, b in pieces:
        if p.text[pos:a].strip():
            out.append(ELLIPSIS)
        out.append(_linked_text(ctx, src, p, ms, a, b))
        pos = b
    if p.text[pos:].strip():
        out.append(ELLIPSIS)
    return " ".join(out)
