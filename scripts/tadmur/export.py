"""Stage 6: the knowledge base as JSON (site/data/knowledge.json), per schema/knowledge.schema.json."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path

from . import __version__
from .changes import slim, slim_record
from .kb import KB
from .reuse import Excerpt, Policy, Quota, framed, mention_span, report_quote


def export(
    kb: KB,
    events: list | None = None,
    hidden: list | None = None,
    redirects: list | None = None,
    candidates: list | None = None,
    excerpts: dict[str, Excerpt] | None = None,
    policy: Policy | None = None,
) -> dict:
    """The JSON export. `events` are the published (confirmed) events; `candidate_events` the
    unconfirmed reports, with their evidence; `hidden` events (an editor judged them false) are listed
    apart, with who hid them; `redirects` maps the pages of renamed and merged entities and events to
    their new pages.

    An article whose outlet allows only excerpts (`excerpts`, see reuse.py) has no paragraph `text`: its
    `excerpt` is what its source page shows. Mention quotes of such an article are the kept passage or a
    few words around the name, within one quota for the whole file; event quotes are the kept evidence."""
    excerpts = excerpts or {}
    policy = policy or Policy({})

    def reuse(aid: str) -> str:
        ex = excerpts.get(aid)
        return "full" if ex is None or ex.full else "excerpts"

    def paragraph(aid: str, p) -> dict:
        ex = excerpts.get(aid)
        if reuse(aid) == "full":
            return {"n": p.n, "role": p.role, "text": p.text, "excerpt": None, "speaker": p.author}
        pieces = [p.text[a:b] for a, b in ex.pieces(p.n)]
        return {
            "n": p.n,
            "role": p.role,
            "text": None,
            "excerpt": " … ".join(pieces) or None,
            "speaker": p.author,
        }

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
                "added": a.added.isoformat() if a.added else None,
                "published_certainty": a.published_certainty,
                "url": a.url,
                "language": a.language,
                "page_url": f"sources/{a.id}/",
                "reuse": reuse(a.id),
                "paragraphs": [paragraph(a.id, p) for p in kb.docs[a.id].paragraphs],
            }
        )
    merged_into: dict[str, list[str]] = {}
    for old, new, why in redirects or []:
        if why == "merged" and not old.startswith("events/"):
            merged_into.setdefault(_page_url(new), []).append(old.rsplit("/", 1)[-1].removesuffix(".md"))
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
                "merged_from": sorted(merged_into.get(e.url, [])),
            }
        )
    mentions = Mentions(kb, excerpts, policy, reuse)
    quoted = {}
    for e in [*(events or []), *(candidates or [])]:
        for r in e.reports:
            para = kb.docs[r.article].paragraphs[r.paragraph - 1]
            quoted[r.key] = report_quote(excerpts.get(r.article), para, r, policy)
    return {
        "schema_version": 1,
        "generator": f"tadmur {__version__}",
        "articles": articles,
        "entities": entities,
        "mentions": mentions,
        "events": [_event(e, quoted) for e in events or []],
        "candidate_events": [_event(e, quoted) for e in candidates or []],
        "hidden_events": [
            {"id": e.id, "title": e.title, "reason": e.reason, "hidden_by": e.corrected.get("hidden")}
            for e in hidden or []
        ],
        "redirects": [
            {"from": _page_url(old), "to": _page_url(new), "why": why} for old, new, why in redirects or []
        ],
    }


class Mentions:
    """The export's mention records, made as they are read: a large corpus has hundreds of thousands,
    which as dicts would take hundreds of MB. Each pass makes them again, the same (the quota of an
    excerpts outlet's quotes starts afresh); `len()` needs no pass. In the knowledge base's order,
    which is also mentions.csv's: article, paragraph, start, entity."""

    def __init__(self, kb: KB, excerpts: dict, policy: Policy, reuse):
        self.kb, self.excerpts, self.policy, self.reuse = kb, excerpts, policy, reuse

    def __len__(self) -> int:
        return len(self.kb.mentions)

    def __iter__(self):
        for aid, ms in self.groups():
            yield from self.records(aid, ms)

    def groups(self):
        """(article id, its mentions) in order: the knowledge base keeps each article's together."""
        return itertools.groupby(self.kb.mentions, key=attrgetter("article"))

    def excerpt_state(self, aid: str) -> str:
        """What an article's records depend on besides its mentions, text and the policy: what its
        source page keeps (mentionchunks.py keys a stored article's records with it)."""
        ex = self.excerpts.get(aid)
        if self.reuse(aid) == "full":
            return "full"
        return repr((ex.total, ex.limit, sorted(ex.kept.items())))

    def records(self, aid: str, ms) -> Iterator[dict]:
        """One article's records. An excerpts outlet's quotes share one quota for the article."""
        kb, policy = self.kb, self.policy
        paragraphs = kb.docs[aid].paragraphs
        ex = self.excerpts[aid] if self.reuse(aid) == "excerpts" else None
        quota = Quota(ex, with_kept=True) if ex is not None else None
        for m in ms:
            para = paragraphs[m.paragraph - 1]
            s0, s1 = para.sentences[m.sentence]
            quote: str | None = para.text[s0:s1]
            if ex is not None:
                a, b = mention_span(para, m, ex, policy)
                pre, post = framed(para.text, a, b, s0, s1)
                quote = pre + para.text[a:b] + post if quota.take(m.paragraph, a, b) else None
            yield {
                "entity": m.entity,
                "article": m.article,
                "paragraph": m.paragraph,
                "sentence": m.sentence + 1,
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "role": m.role,
                "quote": quote,
            }


def _page_url(doc_path: str) -> str:
    return doc_path.removesuffix(".md") + "/"


def dumps(data: dict) -> bytes:
    """write_json into bytes."""
    out = io.BytesIO()
    write_json(data, out)
    return out.getvalue()


def encode(value) -> bytes:
    """One record as write_json writes it: compact, by json's C encoder, in UTF-8."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_json(data: dict, out, mentions: Callable | None = None) -> None:
    """Stable serialisation, in UTF-8, to the binary stream `out`: same knowledge base, same bytes. One
    record of each list per line, so a diff shows which records changed; each record compact, written
    by json's C encoder (an indented dump goes through its pure-Python encoder, several times slower on
    a large corpus). Each record is written as it is encoded: a large corpus's export is never in memory
    as one text (as str it would take two bytes a character, since it has curly quotes). `mentions`,
    when given, writes the mention records' lines itself (pipeline._data_files: mentionchunks.py)."""
    out.write(b"{\n")
    for n, (key, value) in enumerate(data.items()):
        out.write(b",\n" + encode(key) if n else encode(key))
        if isinstance(value, list | Mentions) and len(value):
            out.write(b":[\n")
            if isinstance(value, Mentions) and mentions is not None:
                mentions(value, out)
            else:
                for i, item in enumerate(value):
                    out.write(b",\n" + encode(item) if i else encode(item))
            out.write(b"\n]")
        else:
            out.write(b":" + encode(list(value) if isinstance(value, Mentions) else value))
    out.write(b"\n}\n")


def read_slim(path: Path) -> dict | None:
    """A knowledge.json as changes.slim makes it (None when missing or unreadable). Read a record per
    line as `dumps` writes it, so that the mentions and the articles' text of a large corpus are never
    all in memory; a file in another layout (an older, indented one) is read whole."""
    try:
        with path.open(encoding="utf-8") as f:
            try:
                return _read_lines(f)
            except ValueError:
                f.seek(0)
                data = json.load(f)
                return slim(data) if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _read_lines(f) -> dict:
    """The layout of `dumps`, strictly: anything else is a ValueError."""
    if f.readline() != "{\n":
        raise ValueError("not the layout of dumps")
    out: dict = {"mention_count": 0}
    section = None
    for line in f:
        line = line.rstrip("\n")
        if section is not None:
            if line in ("]", "],"):
                section = None
            elif section == "mentions":
                out["mention_count"] += 1
            else:
                out[section].append(slim_record(section, json.loads(line.removesuffix(","))))
            continue
        if line == "}":
            return out
        if not line.startswith('"'):
            raise ValueError("not the layout of dumps")
        key, _, value = line.partition(":")
        key = json.loads(key)
        if value == "[":
            section = key
            if key != "mentions":
                out[key] = []
        elif key == "mentions":
            out["mention_count"] = len(json.loads(value.removesuffix(",")) or [])
        else:
            out[key] = json.loads(value.removesuffix(","))
    raise ValueError("knowledge.json ends early")


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _event(e, quoted: dict) -> dict:
    return {
        "id": e.id,
        "type": e.type,
        "category": e.category,
        "label": e.label,
        "title": e.title,
        "date": {
            "start": _iso(e.earliest),
            "end": _iso(e.latest),
            "precision": e.precision,
            "disputed": e.disputed,
        },
        "date_claims": [
            {
                "start": _iso(c["earliest"]),
                "end": _iso(c["latest"]),
                "precision": c["precision"],
                "text": c["text"],
                "relation": c["relation"],
                "resolved_against": _iso(c["anchor"]),
                "sources": [{"article": a, "paragraph": p} for a, p in c["sources"]],
            }
            for c in e.claims
        ],
        "place": e.place,
        "participants": [
            {"entity": eid, "role": role} for role, ids in e.participants.items() for eid in ids
        ],
        "weapons": list(e.weapons),
        "figures": [
            {
                "count": f["count"],
                "what": f["what"],
                "kind": f["kind"],
                "text": f["text"],
                "claimant": f.get("claimant"),
                "article": f["article"],
                "paragraph": f["paragraph"],
            }
            for f in e.figures
        ],
        "doubtful": e.doubtful,
        "confidence": e.confidence,
        "confirmed": e.confirmed,
        "holder_after": e.holder,
        "sources": [
            {
                "article": r.article,
                "paragraph": r.paragraph,
                "sentence": r.sentence + 1,
                "quote": quoted.get(r.key, r.quote),
                "role": r.role,
                "trigger": r.trigger,
                "date_text": r.date.text if r.date else None,
                "reported": r.published.isoformat(),
                "doubtful": r.doubtful,
            }
            for r in e.reports
        ],
        "corrections": [{"field": k, "set_at": v} for k, v in e.corrected.items()],
        "correction_reason": e.reason,
        "merged_from": list(e.merged_from),
        "page_url": e.url,
    }
