"""Find names the catalog lacks, with rules that read the text (data/rules/discovery.yml).

Strong rules yield Findings that become unreviewed entity pages: group heads (Front, Movement, Army),
Arabic group prefixes (Jaish, Liwa), a title before a person's name, place heads ("oil field", "air
base"), "the town of X", weapon designations (S-125, T-62), people without a title (people.py:
apposition, speaker, "under X", a known given name) and sites, institutions and waters (sites.py).
Other capitalised phrases are only weak candidates for the review page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .finding import Context, Finding
from .names import read_given_names
from .people import apposition, is_given, person_in_chain, title_case
from .sites import monuments, site_in_chain, sites_around_places
from .textkey import alias_key
from .yamlio import load_yaml, read_text_utf8

_TOKEN = re.compile(r"[\w'’]+(?:[-‐][\w'’]+)*|[^\w\s]")
_DESIGNATION = re.compile(
    r"(?<![\w-])([A-Z][A-Za-z]{0,4}-\d{1,4}[A-Za-z0-9]*(?:-\d+)?|[A-Z]{1,3}\d{1,4}[A-Z]?)(?![\w-])"
)


@dataclass
class PeopleRules:
    given_file: Path
    given: frozenset[str]
    not_given: set[str]
    kunya: set[str]
    particles: set[str]
    role_nouns: set[str]
    name_after: re.Pattern
    speech_after: re.Pattern
    speech_before: re.Pattern
    speech_cut: re.Pattern
    credit_markers: tuple[str, ...]
    appositive: re.Pattern
    appositive_before: re.Pattern


@dataclass
class SiteRules:
    head_of: dict[str, str]
    head_after: dict[str, str]
    head_after_lower: dict[str, str]
    prefix: dict[str, str]
    institution_heads: dict[str, str]
    ancient: set[str]
    monument: re.Pattern
    monument_types: dict[str, str]
    facility_near: re.Pattern
    facility_types: dict[str, str]
    within_after: re.Pattern
    within_article_types: set[str]


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
    people: PeopleRules | None = None
    sites: SiteRules | None = None
    rejected: frozenset[str] = frozenset()  # alias keys of names a contributor rejected


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _people_rules(d: dict, base: Path) -> PeopleRules:
    roles = _alternation(d["role_nouns"])
    return PeopleRules(
        given_file=(base / d["given_names_file"]).resolve(),
        given=read_given_names((base / d["given_names_file"]).resolve()) | set(d["also_given_names"]),
        not_given=set(d["not_given_names"]),
        kunya=set(d["kunya"]),
        particles=set(d["particles"]),
        role_nouns=set(d["role_nouns"]),
        name_after=re.compile(r"\b(?:" + _alternation(d["name_after"]) + r")\s+$", re.I),
        speech_after=re.compile(r"^\s*,?\s*(?:" + _alternation(d["speech_after"]) + r")\b"),
        speech_cut=re.compile(r"\s+(?:" + _alternation(d["speech_after"]) + r")\b"),
        speech_before=re.compile(r"\b(?:" + _alternation(d["speech_before"]) + r")\s*,?\s+$", re.I),
        credit_markers=tuple(m.lower() for m in d["credit_markers"]),
        # ", the head of Syria's antiquities department," / ", 82, a spokesman for the YPG"
        appositive=re.compile(
            r"^\s*,\s*(?:\d{1,3}\s*,\s*)?(?:who\s+(?:is|was)\s+)?(?P<role>(?:(?:the|a|an)\s+)?"
            r"(?:[\w'’.-]+\s+){0,4}?(?:" + roles + r")\b[^,;()\"“”]{0,90}?)(?=[,;.()\"“”]|$)"
        ),
        # "said the executive director of that London-based group, X"
        appositive_before=re.compile(
            r"(?P<role>\b(?:" + roles + r")\b[^,;.()\"“”]{0,90}),\s*$"
        ),
    )


def _site_rules(d: dict) -> SiteRules:
    return SiteRules(
        head_of=dict(d["head_of"]),
        head_after=dict(d["head_after"]),
        head_after_lower=dict(d["head_after_lower"]),
        prefix=dict(d["prefix"]),
        institution_heads=dict(d["institution_heads"]),
        ancient=set(d["ancient"]),
        monument=re.compile(
            r"\bthe\s+(?:(?:ancient|famous|old|historic|celebrated|great|Roman)\s+)?"
            r"(?P<type>" + _alternation(d["monument_types"]) + r")\b",
            re.I,
        ),
        monument_types={k.lower(): v for k, v in d["monument_types"].items()},
        facility_near=re.compile(
            r"\bthe\s+(?P<type>" + _alternation(d["facility_near"]) + r")\s+(?:"
            + _alternation(d["near_words"]) + r")\s+$",
            re.I,
        ),
        facility_types={k.lower(): v for k, v in d["facility_near"].items()},
        within_after=re.compile(r"^\s+(?:" + _alternation(d["within_words"]) + r")\s+$", re.I),
        within_article_types=set(d["within_article_types"]),
    )


def load_discovery_rules(path: Path) -> DiscoveryRules:
    name = str(path)
    d = load_yaml(read_text_utf8(path), name)
    rejected_path = path.parent / "rejected.yml"
    rejected = load_yaml(read_text_utf8(rejected_path), str(rejected_path)) if rejected_path.exists() else {}
    try:
        names = (rejected or {}).get("names") or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise BuildError(rejected_path, None, "'names' must be a list of names")
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
            people=_people_rules(d["people"], path.parent) if "people" in d else None,
            sites=_site_rules(d["sites"]) if "sites" in d else None,
            rejected=frozenset(alias_key(n) for n in names),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise BuildError(name, None, f"missing or malformed rule {exc}") from None


def _is_title(tok: str, rules: DiscoveryRules) -> bool:
    """"commander", "President", "Director-General": a word that puts a person's name after it."""
    return tok in rules.person_titles or re.split(r"[-‐]", tok)[0] in rules.person_titles


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
            elif (  # "Valley of the Tombs", "Institute for the Study of War": two connectors, then a name
                tokens[k][0] in ("of", "for", "on", "de", "du")
                and k + 2 < n
                and tokens[k + 1][0] in ("the", "la", "le")
                and not masked(k + 2)
                and _is_name_token(tokens[k + 2][0], rules)
            ):
                k += 2
            else:
                break
        yield i, j
        i = j + 1


def _person_of_group(tokens, i, j, rules: DiscoveryRules) -> tuple[int, int, int, int, str, str] | None:
    """A titled person, then "of (the)" and a group or organisation, read as one chain: "Commander Ali
    Hassan of the Hamza Division", "analyst Hassan Hassan of the Tahrir Institute", "Colonel Ali Nasr
    of the Jaish al-Izza" (the group by its head word or its prefix). Gives the token indexes (title,
    first and last of the name, first of the group) and the group's type and rule, or None. Without a
    title the chain stays one name ("Army of the Men of the Naqshbandi Order")."""
    words = [t[0] for t in tokens]
    of = next((k for k in range(i + 1, j) if words[k] == "of"), None)
    if of is None:
        return None
    g0 = of + 2 if words[of + 1] == "the" else of + 1
    if j - g0 + 1 < 2 or not words[g0][:1].isupper():
        return None
    if words[j] in rules.group_heads:
        kind = "armed group", "group head"
    elif words[j] in rules.organisation_heads:
        kind = "organisation", "organisation head"
    elif words[g0] in rules.group_prefixes:
        kind = "armed group", "group prefix"
    else:
        return None
    # The title opens the chain (capitalised at the start of a sentence: "Analyst"), or comes just before.
    if _is_title(words[i], rules) or _is_title(words[i].lower(), rules):
        t, p0 = i, i + 1
    elif i > 0 and _is_title(words[i - 1], rules):
        t, p0 = i - 1, i
    else:
        return None
    p1 = of - 1
    name = words[p0 : p1 + 1]
    if not 2 <= len(name) <= rules.person_max_tokens or not all(
        _is_name_token(w, rules) or w.lower() in rules.connectors for w in name
    ):
        return None
    if not (_is_name_token(name[0], rules) and _is_name_token(name[-1], rules)):
        return None
    return t, p0, p1, g0, *kind


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
    sentence: str,
    masked_spans: list[tuple[int, int]],
    rules: DiscoveryRules,
    sentence_initial: int = 0,
    ctx: Context | None = None,
) -> tuple[list[Finding], list[tuple[int, int, str]]]:
    """Findings (strong rules) and weak candidates (start, end, text) in one sentence."""
    ctx = ctx or Context()
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    in_mask = [any(s < t[2] and t[1] < e for s, e in masked_spans) for t in tokens]

    def masked(k: int) -> bool:
        return in_mask[k]

    findings: list[Finding] = []
    weak: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = list(masked_spans)
    lowered = sentence.lower()
    credit = rules.people is not None and any(m in lowered for m in rules.people.credit_markers)
    headline = title_case(sentence)  # "Army Retakes Ancient City Gate": capitals that are not names

    def add(start: int, end: int, name: str, kind: str, typ: str, rule: str, **extra) -> None:
        spans = [(f.start, f.end) for f in findings] if extra.get("absorbs") else taken
        if any(s < end and start < e for s, e in spans) or alias_key(name) in rules.rejected:
            return
        taken.append((start, end))
        findings.append(Finding(start, end, name, kind, typ, rule, **extra))

    def text(i: int, j: int) -> str:
        return sentence[tokens[i][1] : tokens[j][2]]

    def add_person(start: int, end: int, title: tuple[int, int]) -> None:
        """A person after a title: the apposition's role if there is one, else the title."""
        role, span = None, None
        if rules.people is not None:
            role, span, _rule = apposition(sentence[:start], sentence[end:], start, end, rules.people)
        if role is None:
            span = title
            role = sentence[title[0] : title[1]]
        name = sentence[start:end]
        add(start, end, name, "actor", "person", "title before name", role=role, role_span=span)

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

    if rules.sites is not None:
        for f in sites_around_places(sentence, tokens, rules, ctx):
            add(f.start, f.end, f.name, f.kind, f.type, f.rule, **_extra(f))

    for i, j in _chains(tokens, rules, masked):
        i, j = _strip_to_name(tokens, i, j, rules)
        if i > j:
            continue
        words = [t[0] for t in tokens[i : j + 1]]
        if all(w in rules.demonyms or w.lower() in rules.connectors for w in words):
            continue  # "Russian base", "Syrian": an adjective, not a name
        split = _person_of_group(tokens, i, j, rules) if not credit else None
        if split is not None:
            # "Commander Ali Hassan of the Hamza Division": a person and the group they speak for.
            t, p0, p1, g0, typ, rule = split
            add_person(tokens[p0][1], tokens[p1][2], (tokens[t][1], tokens[t][2]))
            add(tokens[g0][1], tokens[j][2], text(g0, j), "actor", typ, rule)
            continue
        # Person: a title inside or just before the chain, then 2..N name tokens.
        title_at = max((k for k in range(i, j + 1) if _is_title(tokens[k][0], rules)), default=None)
        before = tokens[i - 1][0] if i > 0 else ""
        if title_at is not None and not credit:
            # "Secretary of State Mike Pompeo": the office runs on to the given name that starts the name.
            k = title_at + 1
            if k <= j and not tokens[k][0][:1].isupper():
                given = [x for x in range(k, j) if rules.people and is_given(tokens[x][0], rules.people)]
                k = given[0] if given else j + 1
            if 2 <= j - k + 1 <= rules.person_max_tokens:
                # The title is the person's role, with a catalogued name just before it ("Homs Governor").
                r0 = next((s for s, e in masked_spans if sentence[e : tokens[i][1]] == " "), tokens[i][1])
                add_person(tokens[k][1], tokens[j][2], (r0, tokens[k - 1][2]))
                continue
        if (
            title_at is None
            and _is_title(before, rules)
            and 2 <= j - i + 1 <= rules.person_max_tokens
            and words[-1] not in rules.group_heads
            and not credit
        ):
            # "Human Rights Watch researcher Sara Kayyali": a catalogued name before the title joins the role.
            t0 = tokens[i - 1][1]
            r0 = next((s for s, e in masked_spans if sentence[e:t0] == " "), t0)
            add_person(tokens[i][1], tokens[j][2], (r0, tokens[i - 1][2]))
            continue
        # Sites, buildings, institutions and waters: "Temple of Bel", "Palmyra Museum", "Lake Assad".
        site = None
        if rules.sites is not None and not headline:
            site = site_in_chain(sentence, tokens, i, j, rules, ctx)
        if site is not None:
            add(site.start, site.end, site.name, site.kind, site.type, site.rule, **_extra(site))
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
        opener = re.split(r"[-‐]", words[0])[0]
        if len(words) >= 3 and opener in rules.organisation_heads and words[1] in ("of", "for", "on"):
            add(tokens[i][1], tokens[j][2], text(i, j), "actor", "organisation", "organisation head")
            continue  # "Institute for the Study of War", "Directorate-General of Antiquities"
        person = (
            person_in_chain(sentence, tokens, i, j, rules, ctx)
            if rules.people is not None and not credit
            else None
        )
        if person is not None:
            add(person.start, person.end, person.name, "actor", "person", person.rule, **_extra(person))
            continue
        if len(words) >= 2 and tokens[i][1] > 0 and alias_key(text(i, j)) not in rules.rejected:
            weak.append((tokens[i][1], tokens[j][2], text(i, j)))
    if rules.sites is not None:
        for f in monuments(sentence, rules, ctx):
            add(f.start, f.end, f.name, f.kind, f.type, f.rule, **_extra(f))
    findings.sort(key=lambda f: f.start)
    return findings, weak


def _extra(f: Finding) -> dict:
    return {
        "role": f.role,
        "role_span": f.role_span,
        "within": f.within,
        "lookups": f.lookups,
        "absorbs": f.absorbs,
    }


def _canonical_designation(des: str) -> str:
    """T62 and T-62 are one weapon: the canonical form has a hyphen before the first digit."""
    if "-" in des:
        return des
    m = re.match(r"^([A-Za-z]+)(\d.*)$", des)
    return f"{m.group(1)}-{m.group(2)}" if m else des
