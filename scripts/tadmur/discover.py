"""Find names the catalog lacks, with rules that read the text (data/rules/discovery.yml).

Strong rules (group heads like Front/Movement/Army, Arabic group prefixes like Jaish/Liwa, a title
before a person's name, a place head like "oil field" or "air base", "the town of X", weapon
designations like S-125 or T-62) yield Findings that become unreviewed entity pages. Other
capitalised phrases are only Candidates for the review page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .yamlio import load_yaml, read_text_utf8

_TOKEN = re.compile(r"[\w'’]+(?:[-‐][\w'’]+)*|[^\w\s]")
_DESIGNATION = re.compile(
    r"(?<![\w-])([A-Z][A-Za-z]{0,4}-\d{1,4}[A-Za-z0-9]*(?:-\d+)?|[A-Z]{1,3}\d{1,4}[A-Z]?)(?![\w-])"
)


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    name: str
    kind: str  # actor | weapon | place
    type: str
    rule: str


@dataclass
class DiscoveryRules:
    group_heads: set[str]
    organisation_heads: set[str]
    group_prefixes: set[str]
    connectors: set[str]
    breaker_suffixes: set[str]
    person_titles: set[str]
    person_max_tokens: int
    place_heads: list[list[str]]
    place_heads_cap: set[str]
    place_prefixes: list[list[str]]
    weapon_nouns: set[str]
    designation_stop: set[str]
    designation_not_before: set[str]
    stop_words: set[str]
    demonyms: set[str]
    review_min_mentions: int


def load_discovery_rules(path: Path) -> DiscoveryRules:
    name = str(path)
    d = load_yaml(read_text_utf8(path), name)
    try:
        return DiscoveryRules(
            group_heads=set(d["group_heads"]),
            organisation_heads=set(d["organisation_heads"]),
            group_prefixes=set(d["group_prefixes"]),
            connectors=set(d["connectors"]),
            breaker_suffixes=set(d["breaker_suffixes"]),
            person_titles=set(d["person_titles"]),
            person_max_tokens=int(d["person_max_tokens"]),
            place_heads=sorted((h.split() for h in d["place_heads"]), key=len, reverse=True),
            place_heads_cap={w for h in d["place_heads_capitalised"] for w in h.split()},
            place_prefixes=[p.split() for p in d["place_prefixes"]],
            weapon_nouns=set(d["weapon_nouns"]),
            designation_stop=set(d["designation_stop"]),
            designation_not_before=set(d["designation_not_before"]),
            stop_words=set(d["stop_words"]),
            demonyms=set(d["demonyms"]),
            review_min_mentions=int(d["review_min_mentions"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise BuildError(name, None, f"missing or malformed rule {exc}") from None


def _is_name_token(tok: str, rules: DiscoveryRules) -> bool:
    if tok.endswith(("'s", "’s")):
        return False  # a possessive ends a name: "Iraq's Anbar province" -> "Anbar province"
    if not tok[:1].isupper():
        # "al-Hassan", "al-Masdar": a lowercase Arabic article glued to a capitalised name.
        return bool(re.match(r"^(al|el|ad|ar|as|ash|at|az)[-‐][A-Z]", tok))
    if "-" in tok or "‐" in tok:
        last = re.split(r"[-‐]", tok)[-1].lower()
        if last in rules.breaker_suffixes:
            return False
    return tok not in rules.stop_words or tok in rules.group_heads


def _chains(tokens, rules: DiscoveryRules, masked):
    """Maximal runs of name tokens joined by connectors, as (first, last) token indexes."""
    i, n = 0, len(tokens)
    while i < n:
        if masked(i) or not _is_name_token(tokens[i][0], rules):
            i += 1
            continue
        j = i
        k = i + 1
        while k < n:
            if not masked(k) and _is_name_token(tokens[k][0], rules):
                j = k
                k += 1
            elif (
                tokens[k][0].lower() in rules.connectors
                and k + 1 < n
                and not masked(k + 1)
                and _is_name_token(tokens[k + 1][0], rules)
            ):
                k += 1
            else:
                break
        yield i, j
        i = j + 1


def _strip_to_name(tokens, i, j, rules: DiscoveryRules):
    """Drop leading stop words ("The", "Last") and English connectors ("the", "of") from a chain."""
    while (
        i <= j
        and (tokens[i][0] in rules.stop_words or tokens[i][0] in ("the", "of", "for"))
        and tokens[i][0] not in rules.group_prefixes
    ):
        i += 1
    return i, j


def discover(
    sentence: str, masked_spans: list[tuple[int, int]], rules: DiscoveryRules, sentence_initial: int = 0
) -> tuple[list[Finding], list[tuple[int, int, str]]]:
    """Findings (strong rules) and weak candidates (start, end, text) in one sentence."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    in_mask = [any(s < t[2] and t[1] < e for s, e in masked_spans) for t in tokens]

    def masked(k: int) -> bool:
        return in_mask[k]

    findings: list[Finding] = []
    weak: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = list(masked_spans)

    def add(start: int, end: int, name: str, kind: str, typ: str, rule: str) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        findings.append(Finding(start, end, name, kind, typ, rule))

    def text(i: int, j: int) -> str:
        return sentence[tokens[i][1] : tokens[j][2]]

    def lower_words_at(k: int, words: list[str]) -> bool:
        return all(k + x < len(tokens) and tokens[k + x][0] == w for x, w in enumerate(words))

    # Weapon designations first: "S-125", "T62 tanks".
    for m in _DESIGNATION.finditer(sentence):
        des = m.group(1)
        if des in rules.designation_stop or any(s < m.end() and m.start() < e for s, e in masked_spans):
            continue
        after = [t[0] for t in tokens if t[1] >= m.end()][:3]
        if after and after[0] in rules.designation_not_before:
            continue
        if "-" in des or any(w in rules.weapon_nouns for w in after):
            add(m.start(), m.end(), _canonical_designation(des), "weapon", "weapon system", "designation")

    for i, j in _chains(tokens, rules, masked):
        i, j = _strip_to_name(tokens, i, j, rules)
        if i > j:
            continue
        words = [t[0] for t in tokens[i : j + 1]]
        if all(w in rules.demonyms or w.lower() in rules.connectors for w in words):
            continue  # "Russian base", "Syrian": an adjective, not a name
        # Person: a title inside or just before the chain, then 2..N name tokens.
        title_at = max((k for k in range(i, j + 1) if tokens[k][0] in rules.person_titles), default=None)
        before = tokens[i - 1][0] if i > 0 else ""
        if title_at is not None and 2 <= j - title_at <= rules.person_max_tokens:
            add(
                tokens[title_at + 1][1],
                tokens[j][2],
                text(title_at + 1, j),
                "actor",
                "person",
                "title before name",
            )
            continue
        if (
            title_at is None
            and before in rules.person_titles
            and 2 <= j - i + 1 <= rules.person_max_tokens
            and words[-1] not in rules.group_heads
        ):
            add(tokens[i][1], tokens[j][2], text(i, j), "actor", "person", "title before name")
            continue
        # Place: capitalised head inside the chain, or a lowercase head right after it.
        if len(words) >= 2 and words[-1] in rules.place_heads_cap and words[0] not in rules.place_heads_cap:
            add(tokens[i][1], tokens[j][2], text(i, j), "place", "site", "place head")
            continue
        head = next((h for h in rules.place_heads if lower_words_at(j + 1, h)), None)
        if head and not (i == sentence_initial and len(words) == 1 and tokens[i][1] == 0):
            end_tok = j + len(head)
            add(tokens[i][1], tokens[end_tok][2], text(i, end_tok), "place", " ".join(head), "place head")
            continue
        prefix = next(
            (
                p
                for p in rules.place_prefixes
                if i >= len(p) and [t[0].lower() for t in tokens[i - len(p) : i]] == p
            ),
            None,
        )
        if prefix and len(words) <= 3:
            add(tokens[i][1], tokens[j][2], text(i, j), "place", "town", "place prefix")
            continue
        # Groups: Arabic prefix, or a group head at the end.
        if len(words) >= 2 and words[0] in rules.group_prefixes:
            add(tokens[i][1], tokens[j][2], text(i, j), "actor", "armed group", "group prefix")
            continue
        if len(words) >= 2 and words[-1] in rules.group_heads:
            add(tokens[i][1], tokens[j][2], text(i, j), "actor", "armed group", "group head")
            continue
        if len(words) >= 2 and words[-1] in rules.organisation_heads:
            add(tokens[i][1], tokens[j][2], text(i, j), "actor", "organisation", "organisation head")
            continue
        if len(words) >= 2 and tokens[i][1] > 0:
            weak.append((tokens[i][1], tokens[j][2], text(i, j)))
    return findings, weak


def _canonical_designation(des: str) -> str:
    """T62 and T-62 are one weapon: the canonical form has a hyphen before the first digit."""
    if "-" in des:
        return des
    m = re.match(r"^([A-Za-z]+)(\d.*)$", des)
    return f"{m.group(1)}-{m.group(2)}" if m else des
