"""Stage 4: merge per-document extractions into one knowledge base.

`build_kb(...)` decides which entities get pages (catalogued ones that some article names, plus
discovered names, marked unreviewed), gives discovered names stable ids, and derives everything the
pages show: mentions per entity and per article, co-occurrence counts, and the link graph used for
"linked from" sections. Plain data in, plain data out; no I/O.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from .catalog import Catalog, Entity
from .extract import DocExtraction, RawMention
from .ingest import Document
from .seeds import Article
from .slug import slugify
from .textkey import alias_key

TOP_COOCCURRING = 12


@dataclass(frozen=True)
class Mention:
    entity: str
    article: str
    paragraph: int
    sentence: int
    start: int
    end: int
    surface: str
    role: str


@dataclass
class ReviewItem:
    name: str
    kind: str
    rule: str
    count: int
    entity: str | None  # page id when the name got an unreviewed page
    example: str  # "article-id#pN"


@dataclass
class KB:
    articles: list[Article]
    docs: dict[str, Document]
    catalog: Catalog
    entities: dict[str, Entity]  # only entities with a page
    mentions: list[Mention]
    by_entity: dict[str, list[Mention]] = field(default_factory=dict)
    by_article: dict[str, list[Mention]] = field(default_factory=dict)
    cooccur: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    incoming: dict[str, list[str]] = field(default_factory=dict)  # page key -> page keys linking to it
    review: list[ReviewItem] = field(default_factory=list)
    outlets: dict[str, str] = field(default_factory=dict)  # article id -> catalogued outlet's entity id
    wrong_used: set[int] = field(default_factory=set)  # contributor's wrong_matches that removed a mention
    _by_id: dict[str, Article] = field(default_factory=dict, repr=False)

    def article(self, article_id: str) -> Article:
        if len(self._by_id) != len(self.articles):
            self._by_id = {a.id: a for a in self.articles}
        return self._by_id[article_id]


def _discovered_key(kind: str, name: str) -> str:
    if kind == "weapon":
        return "weapon:" + re.sub(r"[^A-Z0-9]", "", name.upper())
    return f"{kind}:" + re.sub(r"^the ", "", alias_key(name))


def build_kb(
    articles: list[Article],
    docs: dict[str, Document],
    catalog: Catalog,
    extractions: list[DocExtraction],
    review_min_mentions: int = 2,
    redirect: dict[str, str] | None = None,
    wrong: list[tuple] | None = None,
) -> KB:
    """`redirect` maps discovered entity ids merged by a contributor to the entity they are; `wrong`
    lists (entity, article, paragraph, text or None, ...) matches a contributor marked as wrong. The
    indexes of the `wrong` items that removed something are in `kb.wrong_used`."""
    redirect = redirect or {}
    wrong = wrong or []
    # 1. Discovered names: group by kind + normalised name; a name that is in fact catalogued maps there.
    groups: dict[str, list[RawMention]] = defaultdict(list)
    resolved: dict[int, str] = {}
    all_raw = [m for ex in extractions for m in ex.mentions]
    for idx, m in enumerate(all_raw):
        if m.ref.startswith("new:"):
            _, kind, name = m.ref.split(":", 2)
            known = catalog.lookup(name) or catalog.lookup(m.surface)
            if known:
                resolved[idx] = known
            else:
                groups[_discovered_key(kind, name)].append(m)
        else:
            resolved[idx] = m.ref
    entities: dict[str, Entity] = {}
    used_ids = set(catalog.entities)
    review: list[ReviewItem] = []
    key_to_id: dict[str, str] = {}
    for key in sorted(groups):
        ms = groups[key]
        kind = key.split(":", 1)[0]
        names = Counter(m.ref.split(":", 2)[2] for m in ms)
        name = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        base = slugify(name)
        eid, n = base, 2
        while eid in used_ids:
            eid, n = f"{base}-{n}", n + 1
        used_ids.add(eid)
        key_to_id[key] = eid
        rule = Counter(m.rule for m in ms).most_common(1)[0][0]
        typ = Counter(m.type for m in ms).most_common(1)[0][0]
        surfaces = sorted({m.surface for m in ms} - {name})
        entities[eid] = Entity(
            id=eid,
            kind=kind,
            name=name,
            type=typ or "",
            description=f"Found in the articles by the '{rule}' rule; not yet reviewed or catalogued.",
            aliases=tuple(surfaces),
            reviewed=False,
            origin=f"rule: {rule}",
            rule=rule,
        )
        review.append(ReviewItem(name, kind, rule, len(ms), eid, f"{ms[0].article}#p{ms[0].paragraph}"))
    for idx, m in enumerate(all_raw):
        if idx not in resolved:
            _, kind, name = m.ref.split(":", 2)
            resolved[idx] = key_to_id[_discovered_key(kind, name)]

    wrong_used: set[int] = set()

    def is_wrong(eid: str, m: RawMention) -> bool:
        hit = False
        for n, (w_eid, art, para, text, sentence, *_rest) in enumerate(wrong):
            if (
                w_eid == eid
                and (art, para) == (m.article, m.paragraph)
                and text in (None, m.surface)
                and sentence in (None, m.sentence + 1)
            ):
                wrong_used.add(n)
                hit = True
        return hit

    mentions = sorted(
        {
            Mention(eid, m.article, m.paragraph, m.sentence, m.start, m.end, m.surface, m.role)
            for i, m in enumerate(all_raw)
            if not is_wrong(eid := redirect.get(resolved[i], resolved[i]), m)
        },
        key=lambda m: (m.article, m.paragraph, m.start, m.entity),
    )
    # Discovered names merged into another entity, or whose every match was wrong, have no page.
    mentioned = {m.entity for m in mentions}
    merged_into: dict[str, list[Entity]] = defaultdict(list)
    for eid in list(entities):
        if eid in redirect:
            merged_into[redirect[eid]].append(entities.pop(eid))
        elif eid not in mentioned:
            del entities[eid]
    review = [r for r in review if r.entity in entities]  # a merged name has been reviewed
    for m in mentions:
        if m.entity not in entities:
            entities[m.entity] = catalog.entities[m.entity]
    for target, merged in merged_into.items():
        if target in entities:
            names = [n for e in merged for n in e.names()]
            entities[target] = replace(
                entities[target], aliases=tuple(dict.fromkeys([*entities[target].aliases, *names]))
            )
    # An article's outlet, when catalogued, gets a page too: it is named by the article's metadata.
    outlets = {a.id: eid for a in articles if (eid := catalog.lookup(a.outlet))}
    for eid in outlets.values():
        entities.setdefault(eid, catalog.entities[eid])
    kb = KB(articles, docs, catalog, dict(sorted(entities.items())), mentions, outlets=outlets)
    kb.wrong_used = wrong_used
    for m in mentions:
        kb.by_entity.setdefault(m.entity, []).append(m)
        kb.by_article.setdefault(m.article, []).append(m)

    # 2. Co-occurrence: how many paragraphs two entities share.
    per_para: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in mentions:
        per_para[(m.article, m.paragraph)].add(m.entity)
    pair_counts: dict[str, Counter] = defaultdict(Counter)
    for ents in per_para.values():
        for a in ents:
            for b in ents:
                if a != b:
                    pair_counts[a][b] += 1
    for eid in kb.entities:
        kb.cooccur[eid] = sorted(pair_counts[eid].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_COOCCURRING]

    # 3. Link graph: which pages link to which, so each page can say where it is linked from.
    incoming: dict[str, set[str]] = defaultdict(set)
    for art_id, ms in kb.by_article.items():
        for m in ms:
            incoming[f"entity:{m.entity}"].add(f"source:{art_id}")
    for art_id, eid in outlets.items():
        incoming[f"entity:{eid}"].add(f"source:{art_id}")
    for eid, ent in kb.entities.items():
        for other, _n in kb.cooccur[eid]:
            incoming[f"entity:{other}"].add(f"entity:{eid}")
        for target, _rel in ent.affiliation:
            if target in kb.entities:
                incoming[f"entity:{target}"].add(f"entity:{eid}")
        if ent.within in kb.entities:
            incoming[f"entity:{ent.within}"].add(f"entity:{eid}")
    kb.incoming = {k: sorted(v) for k, v in sorted(incoming.items())}

    # 4. Review queue: unreviewed pages plus weak candidates seen often enough.
    weak = Counter()
    first_seen: dict[str, str] = {}
    for ex in extractions:
        for text, para, _sent in ex.weak:
            if catalog.lookup(text):
                continue
            weak[text] += 1
            first_seen.setdefault(text, f"{ex.article}#p{para}")
    named = {alias_key(e.name) for e in kb.entities.values()}
    for text, count in sorted(weak.items()):
        if count >= review_min_mentions and alias_key(text) not in named:
            review.append(ReviewItem(text, "unknown", "capitalised phrase", count, None, first_seen[text]))
    kb.review = sorted(review, key=lambda r: (r.entity is None, r.kind, r.name))
    return kb
