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
from .names import translit_key
from .plainrepr import plain_repr
from .seeds import Article
from .sites import FACILITY_NEAR, MONUMENT_TYPE, PLACE_AND_HEAD
from .slug import slugify
from .textkey import alias_key

TOP_COOCCURRING = 12
# Rules whose matched words are not a name of their own ("airbase" in "the airbase near X", a surname
# alone): they never become aliases.
GENERIC_SURFACE = {"surname", FACILITY_NEAR, MONUMENT_TYPE}
# Rules whose names are only a place and a type of site: one site per place and type, however written.
SITE_OF_PLACE = {MONUMENT_TYPE, PLACE_AND_HEAD}


@plain_repr
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
    metonym: str | None = None  # the city whose name stands for this government here ("Moscow said")


@dataclass
class ReviewItem:
    name: str
    kind: str
    rule: str
    count: int
    entity: str | None  # page id when the name got an unreviewed page
    example: str  # "article-id#pN"
    quote: str = ""  # the sentence it was found in


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


def _discovered_key(
    kind: str, name: str, typ: str | None = None, rule: str | None = None, within: str | None = None
) -> str:
    if kind == "weapon":
        return "weapon:" + re.sub(r"[^A-Z0-9]", "", name.upper())
    if typ == "person":  # spellings of one name are one person (names.translit_key says when)
        return f"{kind}:~" + translit_key(name)
    if rule in SITE_OF_PLACE and within:  # "Palmyra Museum" = "Museum of Palmyra" = "Palmyra's museum"
        return f"{kind}:@{within}:{typ}"
    return f"{kind}:" + re.sub(r"^the ", "", alias_key(name))


def _person_index(catalog: Catalog) -> dict[str, str]:
    """Transliteration key of every catalogued person's name and alias -> its id."""
    out: dict[str, str] = {}
    for e in catalog.entities.values():
        if e.kind == "actor" and e.type == "person":
            for n in e.names():
                out.setdefault(translit_key(n), e.id)
    return out


def _catalogued(
    catalog: Catalog, m: RawMention, name: str, people: dict[str, str], cache: dict
) -> str | None:
    for n in (name, m.surface, *m.lookups):
        if found := catalog.lookup(n):
            return found
    if m.type == "person":
        return people.get(translit_key(name))
    if m.ref.split(":", 2)[1] != "place" or not m.within or not m.type:
        return None
    if (m.type, m.within) not in cache:
        cache[(m.type, m.within)] = _catalogued_site(catalog, m.type, m.within)
    return cache[(m.type, m.within)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", alias_key(text)))


def _catalogued_site(catalog: Catalog, typ: str, within: str) -> str | None:
    """A site found in a catalogued place is the one catalogued place whose names hold both its type and
    the place's name: "the triumphal arch" in Palmyra is the "Monumental Arch of Palmyra"."""
    if within not in catalog.entities:
        return None
    wanted = _words(typ) | _words(catalog.entities[within].name)
    hits = [
        e.id
        for e in catalog.entities.values()
        if e.kind == "place" and e.id != within and any(wanted <= _words(n) for n in e.names())
    ]
    return hits[0] if len(hits) == 1 else None


def _sentence(docs: dict[str, Document], m: RawMention) -> str:
    doc = docs.get(m.article)
    para = next((p for p in doc.paragraphs if p.n == m.paragraph), None) if doc else None
    if para is None or m.sentence >= len(para.sentences):
        return ""
    s0, s1 = para.sentences[m.sentence]
    return para.text[s0:s1]


def _discovered_entity(eid: str, kind: str, ms: list[RawMention]) -> Entity:
    # The spelling used most; on a tie, the one the earliest article uses.
    names = Counter(m.ref.split(":", 2)[2] for m in ms)
    first = {n: i for i, n in reversed(list(enumerate(m.ref.split(":", 2)[2] for m in ms)))}
    name = sorted(names.items(), key=lambda kv: (-kv[1], first[kv[0]]))[0][0]
    found = [m for m in ms if m.rule != "surname"] or ms
    rule = Counter(m.rule for m in found).most_common(1)[0][0]
    typ = Counter(m.type for m in found).most_common(1)[0][0]
    roles = Counter(m.described for m in found if m.described)
    within = Counter(m.within for m in found if m.within)
    affiliation: dict[str, str] = {}
    for m in found:
        for target, relation in m.affiliation:
            affiliation.setdefault(target, relation)
    described = ""
    if roles:
        role = sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        described = f"Described in the articles as {role}. "
    return Entity(
        id=eid,
        kind=kind,
        name=name,
        type=typ or "",
        description=f"{described}Found in the articles by the '{rule}' rule; not yet reviewed or catalogued.",
        aliases=tuple(sorted({m.surface for m in ms if m.rule not in GENERIC_SURFACE} - {name})),
        affiliation=tuple(sorted(affiliation.items())),
        within=sorted(within.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if within else None,
        reviewed=False,
        origin=f"rule: {rule}",
        rule=rule,
    )


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
    people = _person_index(catalog)
    sites_cache: dict = {}
    for idx, m in enumerate(all_raw):
        if m.ref.startswith("new:"):
            _, kind, name = m.ref.split(":", 2)
            known = _catalogued(catalog, m, name, people, sites_cache)
            if known:
                resolved[idx] = known
            else:
                groups[_discovered_key(kind, name, m.type, m.rule, m.within)].append(m)
        else:
            resolved[idx] = m.ref
    entities: dict[str, Entity] = {}
    used_ids = set(catalog.entities)
    review: list[ReviewItem] = []
    key_to_id: dict[str, str] = {}
    for key in sorted(groups):
        ms = groups[key]
        kind = key.split(":", 1)[0]
        draft = _discovered_entity("", kind, ms)
        base = slugify(draft.name)
        eid, n = base, 2
        while eid in used_ids:
            eid, n = f"{base}-{n}", n + 1
        used_ids.add(eid)
        key_to_id[key] = eid
        entities[eid] = replace(draft, id=eid)
        first = next(m for m in ms if m.rule != "surname")
        review.append(
            ReviewItem(
                draft.name,
                kind,
                draft.rule or "",
                len(ms),
                eid,
                f"{first.article}#p{first.paragraph}",
                _sentence(docs, first),
            )
        )
    for idx, m in enumerate(all_raw):
        if idx not in resolved:
            _, kind, name = m.ref.split(":", 2)
            resolved[idx] = key_to_id[_discovered_key(kind, name, m.type, m.rule, m.within)]

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
            Mention(eid, m.article, m.paragraph, m.sentence, m.start, m.end, m.surface, m.role, m.metonym)
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
    first_seen: dict[str, tuple[str, str]] = {}
    for ex in extractions:
        for text, para, sent in ex.weak:
            if catalog.lookup(text):
                continue
            weak[text] += 1
            first_seen.setdefault(text, (f"{ex.article}#p{para}", sent))
    named = {alias_key(e.name) for e in kb.entities.values()}
    for text, count in sorted(weak.items()):
        if count >= review_min_mentions and alias_key(text) not in named:
            review.append(ReviewItem(text, "unknown", "capitalised phrase", count, None, *first_seen[text]))
    kb.review = sorted(review, key=lambda r: (r.entity is None, r.kind, r.name))
    return kb
