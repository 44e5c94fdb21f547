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

import dataclasses
import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .discover import DiscoveryRules
from .extract import DocExtraction, extract
from .ingest import Document, IngestRules, ingest
from .matcher import Matcher
from .seeds import Article

CACHE_DIR = ".tadmur-cache"
FORMAT = b"tadmur-articles-1"
POOL_MIN = 50  # fewer uncached articles than this are done in this process
CHUNK = 16  # articles sent to a worker at a time

_JOB: tuple[IngestRules, Matcher, DiscoveryRules] | None = None  # set before the workers fork


def code_digest() -> bytes:
    """A digest of the build's own code: any change to it recomputes every article."""
    h = hashlib.sha256(FORMAT)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def context_digest(rules_dir: Path, entities) -> bytes:
    """What every article's result depends on besides the article: code, rules and catalog."""
    h = hashlib.sha256(code_digest())
    for path in sorted(rules_dir.glob("*.yml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for ent in sorted(entities, key=lambda e: e.id):
        h.update(repr(dataclasses.astuple(ent)).encode() + b"\0")
    return h.digest()


def article_key(context: bytes, article: Article) -> str:
    return hashlib.sha256(context + repr(dataclasses.astuple(article)).encode()).hexdigest()


def _work(article: Article) -> tuple[Document, DocExtraction]:
    rules, matcher, disc = _JOB
    doc = ingest(article, rules)
    return doc, extract(doc, matcher, disc)


def process_articles(
    articles: list[Article],
    rules: IngestRules,
    matcher: Matcher,
    disc: DiscoveryRules,
    cache_root: Path | None,
    context: bytes,
    workers: int | None = None,
) -> tuple[dict[str, Document], list[DocExtraction], dict[str, int]]:
    """Ingest and extract every article, reading and filling the cache under cache_root (None: no
    cache). Returns (documents by article id, extractions in article order, counts)."""
    global _JOB
    store = cache_root / CACHE_DIR / "articles" if cache_root is not None else None
    keys = {a.id: article_key(context, a) for a in articles}
    results: dict[str, tuple[Document, DocExtraction]] = {}
    if store is not None:
        for a in articles:
            try:
                paragraphs, dropped, extraction = pickle.loads((store / f"{keys[a.id]}.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
                continue
            results[a.id] = (Document(a, paragraphs, dropped), extraction)
    todo = [a for a in articles if a.id not in results]
    workers = workers or min(4, os.cpu_count() or 1)
    _JOB = (rules, matcher, disc)
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
        store.mkdir(parents=True, exist_ok=True)
        for a, (doc, extraction) in zip(todo, done, strict=True):
            path = store / f"{keys[a.id]}.pickle"
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps((doc.paragraphs, doc.dropped, extraction), pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        used = {f"{k}.pickle" for k in keys.values()}
        for path in store.iterdir():
            if path.name not in used and path.suffix == ".pickle":
                path.unlink(missing_ok=True)
    docs = {a.id: results[a.id][0] for a in articles}
    extractions = [results[a.id][1] for a in articles]
    return docs, extractions, {"cached": len(articles) - len(todo), "computed": len(todo)}
