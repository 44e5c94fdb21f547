"""Stage 3: find entity mentions in one ingested Document.

`extract(doc, matcher, rules)` runs the catalog matcher and the discovery rules over every sentence
of every scanned paragraph. It returns plain records; the knowledge base stage merges them across
documents. Per-document and pure, so documents can be processed independently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .discover import DiscoveryRules, discover
from .ingest import Document
from .matcher import Matcher


@dataclass(frozen=True)
class RawMention:
    ref: str  # catalog id, or "new:<kind>:<name>" for a discovered name
    article: str
    paragraph: int
    sentence: int  # 0-based index of the sentence in the paragraph
    start: int  # offsets in the paragraph text
    end: int
    surface: str
    role: str
    rule: str | None = None
    type: str | None = None


@dataclass
class DocExtraction:
    article: str
    mentions: list[RawMention] = field(default_factory=list)
    weak: list[tuple[str, int, str]] = field(default_factory=list)  # (text, paragraph, sentence text)


def extract(doc: Document, matcher: Matcher, rules: DiscoveryRules) -> DocExtraction:
    out = DocExtraction(doc.article.id)
    for para in doc.scanned():
        for si, (s0, s1) in enumerate(para.sentences):
            sent = para.text[s0:s1]
            matches = matcher.find(sent)
            for m in matches:
                out.mentions.append(
                    RawMention(
                        m.entity_id,
                        doc.article.id,
                        para.n,
                        si,
                        s0 + m.start,
                        s0 + m.end,
                        m.surface,
                        para.role,
                    )
                )
            findings, weak = discover(sent, [(m.start, m.end) for m in matches], rules)
            for f in findings:
                out.mentions.append(
                    RawMention(
                        f"new:{f.kind}:{f.name}",
                        doc.article.id,
                        para.n,
                        si,
                        s0 + f.start,
                        s0 + f.end,
                        sent[f.start : f.end],
                        para.role,
                        f.rule,
                        f.type,
                    )
                )
            for _s, _e, text in weak:
                out.weak.append((text, para.n, sent))
    out.mentions.sort(key=lambda m: (m.paragraph, m.start))
    return out
