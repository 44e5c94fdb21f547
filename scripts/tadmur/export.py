"""Stage 6: the knowledge base as JSON (site/data/knowledge.json), per schema/knowledge.schema.json."""

from __future__ import annotations

import json

from . import __version__
from .kb import KB


def export(kb: KB) -> dict:
    articles = []
    for a in sorted(kb.articles, key=lambda a: a.id):
        articles.append(
            {
                "id": a.id,
                "title": a.title,
                "outlet": a.outlet,
                "outlet_entity": kb.outlets.get(a.id),
                "author": a.author,
                "published": a.published.isoformat(),
                "published_certainty": a.published_certainty,
                "url": a.url,
                "language": a.language,
                "page_url": f"sources/{a.id}/",
                "paragraphs": [
                    {"n": p.n, "role": p.role, "text": p.text, "speaker": p.author}
                    for p in kb.docs[a.id].paragraphs
                ],
            }
        )
    entities = []
    for e in kb.entities.values():
        ms = kb.by_entity.get(e.id, [])
        entities.append(
            {
                "id": e.id,
                "kind": e.kind,
                "type": e.type,
                "name": e.name,
                "aliases": list(e.aliases),
                "description": e.description,
                "affiliation": [{"id": t, "relation": r} for t, r in e.affiliation],
                "wikidata": e.wikidata,
                "coordinates": list(e.coordinates) if e.coordinates else None,
                "within": e.within,
                "reviewed": e.reviewed,
                "page_url": e.url,
                "mention_count": len(ms),
                "article_count": len({m.article for m in ms}),
            }
        )
    mentions = []
    for m in kb.mentions:
        para = kb.docs[m.article].paragraphs[m.paragraph - 1]
        s0, s1 = para.sentences[m.sentence]
        mentions.append(
            {
                "entity": m.entity,
                "article": m.article,
                "paragraph": m.paragraph,
                "sentence": m.sentence + 1,
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "role": m.role,
                "quote": para.text[s0:s1],
            }
        )
    return {
        "schema_version": 1,
        "generator": f"tadmur {__version__}",
        "articles": articles,
        "entities": entities,
        "mentions": mentions,
        "events": [],
    }


def dumps(data: dict) -> str:
    """Stable serialisation: same knowledge base, same bytes."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
