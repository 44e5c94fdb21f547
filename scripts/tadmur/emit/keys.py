"""What a page is made from, as a digest: a page whose digest is the one it was last written with, and
whose file nobody touched since, is not made again (see pipeline.PageStamps).

A page's key covers everything its `make` reads: the build's globals (code, templates, site settings,
reuse policy, page limits, map data), then the page's own inputs, listed by its emitter. Articles,
entities and events enter by digest (`Keys.article`, `.entity`, `.event`), each computed once per
build. When in doubt an emitter lists more: a needless rebuild of a page costs time, a missing input
leaves a stale page. `TADMUR_VERIFY_PAGES=1` makes every skipped page anyway and fails on a difference
(tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path


class Keys:
    def __init__(self, ctx, code: bytes):
        self.ctx = ctx
        h = hashlib.sha256(code)
        for path in sorted(Path(ctx.templates).rglob("*")):
            if path.is_file():
                h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        if Path(ctx.geo).is_file():
            h.update(Path(ctx.geo).read_bytes())
        policy = ctx.policy
        h.update(
            repr((sorted(ctx.site.items()), sorted(policy.outlets.items()), policy.max_share,
                  policy.evidence_words, policy.context_words, ctx.limits)).encode()
        )
        self.base = h.digest()
        self._articles: dict[str, bytes] = {}
        self._mentions: dict[str, bytes] = {}
        self._entities: dict[str, bytes] = {}
        self._events: dict[int, bytes] = {}

    def article(self, aid: str) -> bytes:
        """The article, its paragraphs as ingested, and what its source page keeps of it."""
        out = self._articles.get(aid)
        if out is None:
            kb = self.ctx.kb
            doc = kb.docs[aid]
            ex = self.ctx.excerpts.get(aid)
            kept = None if ex is None else (ex.full, ex.total, ex.limit, sorted(ex.kept.items()))
            text = repr((kb.article(aid), doc.paragraphs, sorted(doc.dropped.items()), kept))
            out = self._articles[aid] = hashlib.sha1(text.encode()).digest()
        return out

    def mentions(self, aid: str) -> bytes:
        """Every mention the knowledge base keeps of the article: a page showing some of them lists the
        digest of each article they come from (repr of every mention on every page would cost more)."""
        out = self._mentions.get(aid)
        if out is None:
            text = repr(self.ctx.kb.by_article.get(aid, []))
            out = self._mentions[aid] = hashlib.sha1(text.encode()).digest()
        return out

    def entity(self, eid: str | None) -> bytes:
        """An entity as other pages show it: its fields, and whether it has a page."""
        if eid is None:
            return b""
        out = self._entities.get(eid)
        if out is None:
            kb = self.ctx.kb
            ent = kb.entities.get(eid)
            text = repr(ent) if ent is not None else "no page " + repr(kb.catalog.entities.get(eid))
            out = self._entities[eid] = hashlib.sha1(text.encode()).digest()
        return out

    def event(self, ev) -> bytes:
        out = self._events.get(id(ev))
        if out is None:
            out = self._events[id(ev)] = hashlib.sha1(repr(ev).encode()).digest()
        return out

    def key(self, kind: str, *parts) -> str:
        """The page's key from its kind and its inputs (digests and plain values)."""
        h = hashlib.sha256(self.base)
        h.update(kind.encode() + b"\0")
        try:
            # Version 2 writes values only (no shared references, no interning flags), so equal parts
            # give equal bytes in every build; 7 times faster than repr on digests.
            h.update(marshal.dumps(parts, 2))
        except ValueError:  # a part marshal cannot write (a date, a record): its repr
            h.update(b"\0repr" + repr(parts).encode())
        return h.hexdigest()
