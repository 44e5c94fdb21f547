"""Stage 2: turn an Article's raw text into clean, numbered paragraphs and sentences.

`ingest(article, rules)` normalises Unicode, whitespace and stray markup; splits paragraphs (one per
non-empty line, since scraped text uses single newlines) and sentences; tells reporting apart from page
furniture, embedded posts, other outlets' headlines and readers' comments (rules in
data/rules/ingest.yml); and drops repeated paragraphs, including a run-on paragraph that repeats
several others. Every kept paragraph gets a stable number `n`, the anchor `#p<n>` on its source page.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pysbd
from pysbd.utils import TextSpan

from .errors import BuildError
from .plainrepr import plain_repr
from .seeds import Article
from .yamlio import load_yaml, read_text_utf8

# Roles whose text is scanned for entity mentions; furniture is shown but never scanned or cited.
SCANNED_ROLES = ("body", "caption", "embed", "headline", "comment")


@plain_repr
@dataclass
class Paragraph:
    n: int  # 1-based position among kept paragraphs: the citation anchor
    role: str  # body | caption | embed | headline | comment | furniture
    text: str
    line: int  # line in the seed file
    sentences: list[tuple[int, int]] = field(default_factory=list)  # char spans in text
    author: str | None = None  # who is speaking, when it is not the outlet (comment, embed, headline)


@dataclass
class Document:
    article: Article
    paragraphs: list[Paragraph]
    dropped: dict[str, int]  # why paragraphs were dropped -> how many

    def scanned(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.role in SCANNED_ROLES]


@dataclass
class IngestRules:
    furniture: list[re.Pattern]
    list_headers: list[re.Pattern]
    headlines: list[re.Pattern]
    embeds: list[re.Pattern]
    caption_credit: re.Pattern
    dateline: re.Pattern
    comment_start: re.Pattern
    inline_furniture: list[re.Pattern]
    runon_min_parts: int
    runon_coverage: float


def _compile(entry, path: str) -> re.Pattern:
    if isinstance(entry, dict):
        pattern, case = entry.get("pattern"), bool(entry.get("case"))
    else:
        pattern, case = entry, False
    try:
        return re.compile(pattern, 0 if case else re.IGNORECASE)
    except (re.error, TypeError) as exc:
        raise BuildError(path, getattr(entry, "line", None), f"bad pattern {pattern!r}: {exc}") from None


def load_rules(path: Path) -> IngestRules:
    name = str(path)
    data = load_yaml(read_text_utf8(path), name)
    try:
        return IngestRules(
            furniture=[_compile(p, name) for p in data["furniture"]],
            list_headers=[_compile(p, name) for p in data["list_headers"]],
            headlines=[_compile(p, name) for p in data["headlines"]],
            embeds=[_compile(p, name) for p in data["embeds"]],
            caption_credit=_compile(data["caption_credit"], name),
            dateline=_compile(data["dateline"], name),
            comment_start=_compile(data["comment_start"], name),
            inline_furniture=[_compile(p, name) for p in data.get("inline_furniture", [])],
            runon_min_parts=int(data["runon_min_parts"]),
            runon_coverage=float(data["runon_coverage"]),
        )
    except (KeyError, TypeError) as exc:
        raise BuildError(name, None, f"missing or malformed rule {exc}") from None


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_FORMAT_TAG = re.compile(r"</?(?:p|br|div|span|b|i|em|strong|u|font)\b[^<>]{0,200}>", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w)\s+([.,;:!?](?:\s|$))")  # "Aleppo ." -> "Aleppo."; keeps ". . ."


def normalise(text: str) -> str:
    """Unicode NFC, no zero-width or control characters, entities decoded, formatting tags removed.

    Other markup (a <script> tag, say) is kept as text: rendering escapes it, so it stays visible and inert.
    """
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c if c in "\n\t" or unicodedata.category(c)[0] != "C" else " " for c in text)
    text = html.unescape(text)
    return _FORMAT_TAG.sub(" ", text)


def _clean_line(line: str) -> str:
    line = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", line).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", line).strip()


def _key(text: str) -> str:
    """Comparison key for duplicate detection: letters and digits only, lowercased."""
    return " ".join(re.findall(r"\w+", text.lower()))


class _Segmenter(pysbd.Segmenter):
    """pysbd's segmenter, with its last step done by string search. pysbd finds where each sentence
    lies by compiling a regular expression of the sentence itself (escaped, then `\\s*`) and taking
    its first match that ends after the previous sentence's; one compile per sentence was a third of
    the ingest's time. This finds the same matches with str.find (tests/test_ingest.py compares both)."""

    def sentences_with_char_spans(self, sentences):
        text = self.original_text
        spans = []
        prior = 0  # where the last sentence's match ended
        for sent in sentences:
            if not sent:  # an empty pattern's matches (empty ones among them): pysbd's own way
                found = next((m for m in re.finditer(r"\s*", text) if m.end() > prior), None)
                if found is not None:
                    spans.append(TextSpan(found.group(), *found.span()))
                    prior = found.end()
                continue
            pos = 0
            while (start := text.find(sent, pos)) >= 0:
                # As re.finditer: the leftmost match, then the next one from where it ended.
                end = _SPACES.match(text, start + len(sent)).end()
                if end > prior:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior = end
                    break
                pos = end
        return spans


_SPACES = re.compile(r"\s*")
_segmenter = _Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for sent in _segmenter.segment(text):
        s = sent.strip()
        if not s:
            continue
        start = text.find(s, pos)
        if start < 0:  # the segmenter changed the text; fall back to one span for the rest
            spans.append((pos, len(text)))
            break
        spans.append((start, start + len(s)))
        pos = start + len(s)
    return spans or [(0, len(text))]


def _classify(lines: list[tuple[int, str]], article: Article, rules: IngestRules) -> list[list]:
    """Return [role, text, line, author] for each paragraph, in order."""
    title_key = _key(article.title)
    out: list[list] = []
    in_list = False
    comment_author: str | None = None
    for i, (lineno, text) in enumerate(lines):
        m = rules.comment_start.match(text)
        if m:
            comment_author = m.group("author").strip()
            out.append(["furniture", text, lineno, None])
            continue
        if comment_author is not None:
            out.append(["comment", text, lineno, comment_author])
            continue
        if i < 3 and _key(text) == title_key:
            out.append(["title", text, lineno, None])
            continue
        if i < 3 and rules.dateline.match(text):
            out.append(["furniture", text, lineno, None])
            continue
        if any(p.search(text) for p in rules.list_headers):
            in_list = True
            out.append(["furniture", text, lineno, None])
            continue
        if any(p.search(text) for p in rules.headlines):
            outlet = re.split(r"\s--\s", text)[-1].strip()
            out.append(["headline", text, lineno, outlet])
            continue
        if in_list and len(text) < 200 and not re.search(r"[.!?][\"”’']?$", text):
            out.append(["furniture", text, lineno, None])
            continue
        in_list = False
        if any(p.search(text) for p in rules.furniture):
            out.append(["furniture", text, lineno, None])
            continue
        if any(p.search(text) for p in rules.embeds):
            handle = re.search(r"\(@(\w{1,30})\)", text)
            out.append(["embed", text, lineno, "@" + handle.group(1) if handle else None])
            continue
        m = rules.caption_credit.search(text)
        if m and len(text) < 400:
            out.append(["caption", text[: m.start()].rstrip(), lineno, None])
            continue
        out.append(["body", text, lineno, None])
    return out


def _split_runons(lines: list[tuple[int, str]], rules: IngestRules, dropped: dict[str, int]):
    """Replace a run-on paragraph (several other paragraphs end to end) by what only it contains.

    Scraped pages sometimes hold the story twice: once as one long paragraph, once split. The split
    copies are kept; words of the run-on found in no other paragraph (an embedded post, say) survive
    as paragraphs of their own, so nothing unique is lost.
    """
    keys = [_key(t) for _, t in lines]
    keep = [True] * len(lines)
    after: dict[int, list[tuple[int, str]]] = {}  # line index -> leftover fragments to place after it
    for i, (lineno, text) in enumerate(lines):
        k = keys[i]
        parts = [j for j, kj in enumerate(keys) if j != i and 25 <= len(kj) < len(k) and kj in k]
        if len(k) < 200 or len(parts) < rules.runon_min_parts:
            continue
        words = list(re.finditer(r"\w+", text))
        starts, pos = [], 0  # key offset of each word (the key is the words joined by single spaces)
        for w in words:
            starts.append(pos)
            pos += len(w.group()) + 1
        covered: list[int | None] = [None] * len(words)  # index of the line that repeats each word
        for j in parts:
            kj = keys[j]
            at = k.find(kj)
            while at >= 0:
                first = bisect.bisect_right(starts, at) - 1
                last = bisect.bisect_right(starts, at + len(kj) - 1) - 1
                for w in range(first, last + 1):
                    covered[w] = j
                at = k.find(kj, at + 1)
        if sum(c is not None for c in covered) < rules.runon_coverage * len(words):
            continue
        keep[i] = False
        dropped["run-on repeat"] = dropped.get("run-on repeat", 0) + 1
        run: list[int] = []
        for w in range(len(words) + 1):
            if w < len(words) and covered[w] is None:
                run.append(w)
                continue
            if len(run) >= 4:
                fragment = text[words[run[0]].start() : words[run[-1]].end()]
                # Place it after the paragraph that precedes it inside the run-on.
                anchor = covered[run[0] - 1] if run[0] > 0 else None
                after.setdefault(i if anchor is None else anchor, []).append((lineno, fragment))
            run = []
    out: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if keep[i]:
            out.append(line)
        out.extend(after.get(i, []))
    return out


def _drop_repeats(items: list[list], dropped: dict[str, int]) -> list[list]:
    """Keep the first copy of each paragraph (compared on letters and digits only)."""
    seen: set[str] = set()
    out = []
    for it in items:
        k = _key(it[1])
        if k and k in seen:
            dropped["repeated paragraph"] = dropped.get("repeated paragraph", 0) + 1
            continue
        seen.add(k)
        out.append(it)
    return out


def ingest(article: Article, rules: IngestRules) -> Document:
    """Clean one article into a Document of numbered, role-tagged paragraphs with sentence spans."""
    lines: list[tuple[int, str]] = []
    for offset, raw in enumerate(normalise(article.body).split("\n")):
        text = raw
        for pat in rules.inline_furniture:
            text = pat.sub("", text)
        text = _clean_line(text)
        if text:
            lines.append((article.body_line + offset, text))
    dropped: dict[str, int] = {}
    items = _classify(_split_runons(lines, rules, dropped), article, rules)
    titles = [it for it in items if it[0] == "title"]
    if titles:
        dropped["title line"] = len(titles)
    items = _drop_repeats([it for it in items if it[0] != "title"], dropped)
    paragraphs = []
    for n, (role, text, lineno, author) in enumerate(items, start=1):
        sentences = split_sentences(text) if role != "furniture" else [(0, len(text))]
        paragraphs.append(Paragraph(n, role, text, lineno, sentences, author))
    return Document(article, paragraphs, dropped)
