"""Reuse rights: which outlets' text the site republishes in full, and what it keeps of the others.

`load_policy(data/outlets.yml)` reads the outlets (schema/outlets.schema.json). An outlet with
`reuse: excerpts`, or not listed at all, is never republished whole: `select_excerpts()` chooses, for
each such article, the passages that are evidence for events and facts, within a budget of
`max_share` of the article's words (`Excerpt`). Every page and data file that quotes the article
draws on a `Quota` of the same size, so no page holds more of the article than its source page may.

Passages are spans of a paragraph's text, `(start, end)` character offsets, snapped to whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .paths import shown
from .validate import check
from .yamlio import line_of, load_yaml, read_text_utf8

WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\S+")
ELLIPSIS = "…"


@dataclass(frozen=True)
class Outlet:
    name: str
    reuse: str  # full | excerpts
    licence: str | None = None
    licence_url: str | None = None
    terms_url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Policy:
    outlets: dict[str, Outlet]  # by name
    max_share: float = 0.4
    evidence_words: int = 30
    context_words: int = 4

    def outlet(self, name: str) -> Outlet:
        """The outlet's rights; an outlet nobody listed is `excerpts`."""
        return self.outlets.get(name) or Outlet(name, "excerpts")


def load_policy(path: Path, schema: Path, root: Path | None = None) -> Policy:
    """data/outlets.yml, validated; problems are BuildErrors at the file's line."""
    if not path.exists():
        return Policy({})
    name = shown(path, root) if root else str(path)
    data = load_yaml(read_text_utf8(path, name), name) or {}
    check(data, schema, name, "outlets file")
    outlets: dict[str, Outlet] = {}
    for i, o in enumerate(data["outlets"]):
        if o["name"] in outlets:
            raise BuildError(
                name, line_of(data, ["outlets", i, "name"]), f"outlet {o['name']!r} listed twice"
            )
        outlets[o["name"]] = Outlet(
            o["name"], o["reuse"], o.get("licence"), o.get("licence_url"), o.get("terms_url"), o.get("note")
        )
    ex = data["excerpts"]
    return Policy(outlets, float(ex["max_share"]), ex["evidence_words"], ex["context_words"])


# ---- spans -------------------------------------------------------------------------------------------------


def merge(spans) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def window(text: str, start: int, end: int, before: int, after: int, lo: int = 0, hi: int | None = None):
    """The span of `before` words before [start, end) and `after` words after it, within [lo, hi)."""
    hi = len(text) if hi is None else hi
    toks = [m.span() for m in TOKEN.finditer(text, lo, hi)]
    first = next((i for i, (a, b) in enumerate(toks) if b > start), len(toks) - 1)
    last = max((i for i, (a, b) in enumerate(toks) if a < end), default=first)
    i0, i1 = max(0, first - before), min(len(toks) - 1, last + after)
    return (toks[i0][0], toks[i1][1]) if toks else (start, end)


class Excerpt:
    """What the site republishes of one article: everything (`full`) or the kept spans per paragraph."""

    def __init__(self, doc, full: bool, policy: Policy):
        self.doc = doc
        self.full = full
        self.policy = policy
        self.total = sum(count_words(p.text) for p in doc.paragraphs)
        self.limit = int(self.total * policy.max_share)
        self.kept: dict[int, list[tuple[int, int]]] = {}
        self._counts: dict[int, int] = {}  # words of each paragraph's kept spans

    def text(self, n: int) -> str:
        return self.doc.paragraphs[n - 1].text

    def words(self, spans: dict[int, list[tuple[int, int]]] | None = None) -> int:
        spans = self.kept if spans is None else spans
        return sum(count_words(self.text(n)[a:b]) for n, ss in spans.items() for a, b in merge(ss))

    def paragraph_words(self, n: int, spans: list[tuple[int, int]]) -> int:
        """Words in these merged spans of paragraph n."""
        text = self.text(n)
        return sum(count_words(text[a:b]) for a, b in spans)

    def keep(self, spans: list[tuple[int, int, int]]) -> bool:
        """Keep these (paragraph, start, end) spans if the article's budget allows all of them."""
        if self.full:
            return True
        # Only the paragraphs the new spans touch are counted again (the same sum as self.words(trial)).
        counts = self._counts
        touched: dict[int, list[tuple[int, int]]] = {}
        for n, a, b in spans:
            touched.setdefault(n, list(self.kept.get(n, []))).append((a, b))
        touched = {n: merge(ss) for n, ss in touched.items()}
        fresh = {n: self.paragraph_words(n, ss) for n, ss in touched.items()}
        total = sum(counts.values()) - sum(counts.get(n, 0) for n in touched) + sum(fresh.values())
        if total > self.limit:
            return False
        self.kept = {**self.kept, **touched}
        counts.update(fresh)
        return True

    def holds(self, n: int, start: int, end: int) -> tuple[int, int] | None:
        """The kept span that contains [start, end) of paragraph n, if any."""
        if self.full:
            return (start, end)
        return next(((a, b) for a, b in self.kept.get(n, []) if a <= start and end <= b), None)

    def pieces(self, n: int) -> list[tuple[int, int]]:
        """The kept spans of paragraph n, in order (the whole paragraph when the article is full)."""
        if self.full:
            return [(0, len(self.text(n)))]
        return self.kept.get(n, [])


def framed(text: str, a: int, b: int, lo: int, hi: int) -> tuple[str, str]:
    """Ellipsis marks for a span cut out of [lo, hi): (before, after)."""
    return (ELLIPSIS + " " if text[lo:a].strip() else "", " " + ELLIPSIS if text[b:hi].strip() else "")


class Quota:
    """The share of one excerpts article that one page (or data file) may quote: spans already on the
    page count once; a new quote is allowed while the page's spans stay within the article's limit."""

    def __init__(self, excerpt: Excerpt, with_kept: bool = False):
        self.ex = excerpt
        # A file that holds the whole excerpt as well (knowledge.json) starts from the kept spans.
        self.spans: dict[int, list[tuple[int, int]]] = (
            {n: list(ss) for n, ss in excerpt.kept.items()} if with_kept else {}
        )
        # Words per paragraph of self.spans, so a take counts only its own paragraph again.
        self.counts = {n: excerpt.paragraph_words(n, merge(ss)) for n, ss in self.spans.items()}
        self.total = sum(self.counts.values())

    def take(self, n: int, a: int, b: int) -> bool:
        if self.ex.full:
            return True
        spans = merge([*self.spans.get(n, []), (a, b)])
        count = self.ex.paragraph_words(n, spans)
        total = self.total - self.counts.get(n, 0) + count
        if total > self.ex.limit:
            return False
        self.spans[n] = spans
        self.counts[n] = count
        self.total = total
        return True


def sentence_span(para, index: int, quote: str | None = None) -> tuple[int, int]:
    s0, s1 = para.sentences[index]
    if quote and para.text[s0 : s0 + len(quote)] != quote:
        at = para.text.find(quote)
        if at >= 0:
            return at, at + len(quote)
    return s0, s1


def evidence_span(para, report, policy: Policy) -> tuple[int, int]:
    """The passage that is a report's evidence: its sentence, cut to `evidence_words` words around the
    trigger when longer."""
    s0, s1 = sentence_span(para, report.sentence, report.quote)
    if count_words(para.text[s0:s1]) <= policy.evidence_words:
        return s0, s1
    t = s0 + report.start
    before = policy.evidence_words // 3
    a, b = window(para.text, t, t + 1, before, policy.evidence_words - before - 1, s0, s1)
    return a, b


def mention_span(para, m, ex: Excerpt, policy: Policy) -> tuple[int, int]:
    """What an excerpts article's mention quotes: the kept passage around it, else a few words either side."""
    s0, s1 = para.sentences[m.sentence]
    held = ex.holds(m.paragraph, m.start, m.end)
    if ex.full:
        return s0, s1
    if held:
        return held
    return window(para.text, m.start, m.end, policy.context_words, policy.context_words, s0, s1)


def select_excerpts(kb, policy: Policy, groups: list[list]) -> dict[str, Excerpt]:
    """For each article, what its source page keeps. `groups` are lists of events in priority order
    (published, unconfirmed, hidden): their reports' evidence and figures are kept while the budget lasts."""
    out = {a.id: Excerpt(kb.docs[a.id], policy.outlet(a.outlet).reuse == "full", policy) for a in kb.articles}
    for events in groups:
        # Each event's first report of an article before its other reports: every event keeps a quote
        # before any gets a second one.
        ranked = sorted(
            ((i > 0, -ev.confidence, ev.id, i, r) for ev in events for i, r in enumerate(_per_article(ev))),
            key=lambda t: t[:4],
        )
        for *_, r in ranked:
            ex = out.get(r.article)
            if ex is None or ex.full:
                continue
            para = ex.doc.paragraphs[r.paragraph - 1]
            a, b = evidence_span(para, r, policy)
            spans = [(r.paragraph, a, b)]
            s0, s1 = sentence_span(para, r.sentence, r.quote)
            for f in r.figures:
                at = para.text.find(f["text"], s0, s1)
                if at >= 0:
                    spans.append((r.paragraph, at, at + len(f["text"])))
            ex.keep(spans)
    return out


def _per_article(ev) -> list:
    """An event's reports, the first of each article first."""
    seen: set[str] = set()
    first, rest = [], []
    for r in ev.reports:
        (rest if r.article in seen else first).append(r)
        seen.add(r.article)
    return first + rest


def report_quote(ex: Excerpt | None, para, report, policy: Policy) -> str | None:
    """The text a report is quoted by: the whole sentence when the article is full, else its evidence
    passage when the source page keeps it (with … where it is cut), else None."""
    if ex is None or ex.full:
        return report.quote
    a, b = evidence_span(para, report, policy)
    if not ex.holds(report.paragraph, a, b):
        return None
    s0, s1 = sentence_span(para, report.sentence, report.quote)
    pre, post = framed(para.text, a, b, s0, s1)
    return pre + para.text[a:b] + post
