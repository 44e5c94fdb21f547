"""The per-article stages (ingest, then extract) cached by content hash and run in a process pool.

Each article's result depends only on the article itself, the rules (data/rules/*.yml), the catalog as
the build uses it (contributors' aliases and merges applied) and the code. Its cache key is the
sha256 of all four, so an article whose inputs are unchanged is read back from
`.tadmur-cache/articles/<key>.pickle`, and a change to a rule, the catalog or the code recomputes
every article. Entries no build used are removed at the end of each build. The cache is private to
this machine's project folder, like .venv/, and never published.

Articles not in the cache are processed in a pool of worker processes when there are many of them
(POOL_MIN): the work is pure, so the result is identical to doing it in order, one by one.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .cachefile import read_pickle, write_pickle
from .discover import DiscoveryRules
from .extract import DocExtraction, Lexicon, extract
from .ingest import Document, IngestRules, ingest
from .matcher import Matcher
from .seeds import Article

CACHE_DIR = ".tadmur-cache"
FORMAT = b"tadmur-articles-1"
POOL_MIN = 50  # fewer uncached articles than this are done in this process
CHUNK = 16  # articles sent to a worker at a time

_JOB: tuple[IngestRules, Matcher, DiscoveryRules, Lexicon | None] | None = None  # set before the workers fork


@functools.cache
def code_digest() -> bytes:
    """A digest of the build's own code: any change to it recomputes every article. Read once per
    process: the code does not change while it runs."""
    h = hashlib.sha256(FORMAT)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def context_digest(rules_dir: Path, entities, extra: tuple[Path, ...] = ()) -> bytes:
    """What every article's result depends on besides the article: code, rules, catalog, and the other
    files extraction reads (`extra`: the given-name list, the metonymy cues in data/events.yml)."""
    h = hashlib.sha256(code_digest())
    for path in [*sorted(rules_dir.glob("*.yml")), *extra]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for ent in sorted(entities, key=lambda e: e.id):
        h.update(repr(ent).encode() + b"\0")
    return h.digest()


def article_key(context: bytes, article: Article) -> str:
    return hashlib.sha256(context + repr(article).encode()).hexdigest()


class ReportCache:
    """Each article's event reports (events.extract.article_reports), cached like its ingest and
    extract results. They also depend on the article's mentions as the knowledge base resolved them
    and on the entities those name (kind, type, names, the places they lie within, the government a
    capital stands for), so those are part of the key, with data/events.yml and the merged-away names
    (`origin`)."""

    def __init__(
        self, root: Path | None, article_keys: dict[str, str], vocabulary: Path, workers: int | None = None
    ):
        self.store = root / CACHE_DIR / "reports" if root is not None else None
        self.article_keys = article_keys
        self.base = hashlib.sha256(code_digest() + vocabulary.read_bytes()).digest()
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.counts = {"cached": 0, "computed": 0}
        self.keys: dict[str, str] = {}  # each article's key, once `reports` has run

    def key(self, kb, article_id: str, origin: dict, seat_of: dict, memo: dict | None = None) -> str:
        """`memo` keeps each entity's part of the key across the articles of one build."""
        memo = {} if memo is None else memo
        h = hashlib.sha256(self.base)
        h.update(self.article_keys[article_id].encode())
        shared = memo.get(None)
        if shared is None:
            shared = repr(sorted(origin.items())).encode() + repr(sorted(seat_of.items())).encode()
            memo[None] = shared
        h.update(shared)
        mentions = kb.by_article.get(article_id, [])
        h.update(repr(mentions).encode())
        todo = {m.entity for m in mentions}
        todo |= {seat_of[e] for e in todo if e in seat_of}
        named: set[str] = set()
        while todo:  # and the places they lie within, all the way up
            eid = todo.pop()
            named.add(eid)
            ent = kb.entities.get(eid)
            if ent is not None and ent.within and ent.within not in named:
                todo.add(ent.within)
        for eid in sorted(named):
            part = memo.get(eid)
            if part is None:
                part = memo[eid] = repr((eid, kb.entities.get(eid))).encode()
            h.update(part)
        return h.hexdigest()

    def reports(self, kb, origin: dict, seat_of: dict, one) -> list:
        """Every article's reports in article order: from the cache, or `one(article)` (in a pool of
        forked workers when many are missing)."""
        global _REPORTS
        memo: dict[str | None, bytes] = {}
        keys = self.keys = {a.id: self.key(kb, a.id, origin, seat_of, memo) for a in kb.articles}
        found: dict[str, list] = {}
        if self.store is not None:
            self.store.mkdir(parents=True, exist_ok=True)
            for a in kb.articles:
                reps = read_pickle(self.store / f"{keys[a.id]}.pickle")
                if reps is not None:
                    found[a.id] = reps
        todo = [i for i, a in enumerate(kb.articles) if a.id not in found]
        _REPORTS = (kb.articles, one)
        try:
            if len(todo) >= POOL_MIN and self.workers > 1:
                fork = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(self.workers, mp_context=fork) as pool:
                    done = list(pool.map(_reports_of, todo, chunksize=CHUNK))
            else:
                done = [_reports_of(i) for i in todo]
        finally:
            _REPORTS = None
        for i, reps in zip(todo, done, strict=True):
            art = kb.articles[i]
            if self.store is not None:  # stored now, before later stages change the reports
                _write(self.store, keys[art.id], reps)
            found[art.id] = reps
        if self.store is not None:
            _prune(self.store, set(keys.values()))
        self.counts = {"cached": len(kb.articles) - len(todo), "computed": len(todo)}
        return [r for a in kb.articles for r in found[a.id]]


_REPORTS: tuple | None = None  # (articles, function) for forked workers


def _reports_of(i: int) -> list:
    articles, one = _REPORTS
    return one(articles[i])


def _write(store: Path, key: str, value) -> None:
    write_pickle(store / f"{key}.pickle", value)


def _prune(store: Path, keys: set[str]) -> None:
    """Remove the entries no article of this build used."""
    used = {f"{k}.pickle" for k in keys}
    for path in store.iterdir():
        if path.name not in used and path.suffix == ".pickle":
            path.unlink(missing_ok=True)


def _work(article: Article) -> tuple[Document, DocExtraction]:
    rules, matcher, disc, lexicon = _JOB
    doc = ingest(article, rules)
    return doc, extract(doc, matcher, disc, lexicon)


def process_articles(
    articles: list[Article],
    rules: IngestRules,
    matcher: Matcher,
    disc: DiscoveryRules,
    cache_root: Path | None,
    context: bytes,
    workers: int | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[dict[str, Document], list[DocExtraction], dict[str, int], dict[str, str]]:
    """Ingest and extract every article, reading and filling the cache under cache_root (None: no
    cache). Returns (documents by article id, extractions in article order, counts, each article's
    cache key)."""
    global _JOB
    store = cache_root / CACHE_DIR / "articles" if cache_root is not None else None
    if store is not None:
        store.mkdir(parents=True, exist_ok=True)
    keys = {a.id: article_key(context, a) for a in articles}
    results: dict[str, tuple[Document, DocExtraction]] = {}
    if store is not None:
        for a in articles:
            hit = read_pickle(store / f"{keys[a.id]}.pickle")
            if hit is None:
                continue
            paragraphs, dropped, extraction = hit
            results[a.id] = (Document(a, paragraphs, dropped), extraction)
    todo = [a for a in articles if a.id not in results]
    workers = workers or min(4, os.cpu_count() or 1)
    _JOB = (rules, matcher, disc, lexicon)
    try:
        if len(todo) >= POOL_MIN and workers > 1:
            # fork: the workers inherit the rules and the matcher instead of unpickling them.
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                done = list(pool.map(_work, todo, chunksize=CHUNK))
        else:
            done = [_work(a) for a in todo]
    finally:
        _JOB = None
    for a, (doc, extraction) in zip(todo, done, strict=True):
        doc.article = a  # the worker's copy of the article is the same; keep one object
        results[a.id] = (doc, extraction)
    if store is not None:
        for a, (doc, extraction) in zip(todo, done, strict=True):
            _write(store, keys[a.id], (doc.paragraphs, doc.dropped, extraction))
        _prune(store, set(keys.values()))
    docs = {a.id: results[a.id][0] for a in articles}
    extractions = [results[a.id][1] for a in articles]
    return docs, extractions, {"cached": len(articles) - len(todo), "computed": len(todo)}, keys
