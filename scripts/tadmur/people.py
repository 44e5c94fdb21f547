"""Person names without a title in front: "X, the governor of Y", "said X", "under X", "Talal Barazi".

Rules and words come from `people` in data/rules/discovery.yml. A chain of capitalised words is a
person when an apposition gives it a role ("X, head of Y"; "the director of that group, X"), or when
its first word is a known given name (data/names/given-names.txt). The position (speaker of a claim,
after "under" or "led by") only names the rule that found it, so the review page can show it.
"""

from __future__ import annotations

import re

from .finding import Context, Finding

_POSSESSIVE = ("'s", "’s")
_LEAD = re.compile(r"^(?:(?:the|a|an)\s+)", re.I)
_BACK_STOP = {"the", "a", "an", "its", "their", "his", "her", "said", "says", "told", "by", "to", "and",
              "of", "according", "that", "this", "was", "is", "who", "with", "for", "from"}


def is_given(word: str, p) -> bool:
    """A given name on the list, and not one the rules set aside ("Tal", "Jordan")."""
    return word in p.given and word not in p.not_given


def title_case(sentence: str) -> bool:
    """A headline-style line ("Syrian Army Retakes Ancient City"): most of its words are capitalised."""
    words = re.findall(r"[^\W\d_][\w'’-]*", sentence)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) >= 0.7


def person_in_chain(sentence: str, tokens, i: int, j: int, rules, ctx: Context) -> Finding | None:
    """The person named by tokens i..j of the sentence, if the rules read one there."""
    p = rules.people
    if ctx.role not in ("body", "caption", "embed"):
        return None  # headlines are in title case; readers' comments hold readers' names
    # "Engineer Sergei Vasiliyev said", "Director-General Irina Bokova": a role word opens the chain.
    opener = re.split(r"[-‐]", tokens[i][0])[0]
    titled = j - i >= 2 and (opener.lower() in p.role_nouns or opener in rules.person_titles)
    if titled:
        i += 1
    start, end = tokens[i][1], tokens[j][2]
    words = [t[0] for t in tokens[i : j + 1]]
    nxt = tokens[j + 1][0] if j + 1 < len(tokens) else ""
    if nxt[:1].isupper() and nxt.endswith(_POSSESSIVE) and len(nxt) > 4:  # "Valery Gergiev's orchestra"
        words.append(nxt[:-2])
        end = tokens[j + 1][2] - 2
    core = [w for w in words if w.lower() not in p.particles and w.lower() not in rules.connectors]
    if not 2 <= len(core) <= rules.person_max_tokens or not words[0][:1].isupper():
        return None
    heads = (
        rules.group_heads
        | rules.organisation_heads
        | rules.place_heads_cap
        | (set(rules.sites.head_after) | set(rules.sites.head_of) if rules.sites else set())
    )
    if any(w in heads or w in rules.demonyms or (w.isupper() and len(w) > 1) for w in core):
        return None  # "Hazm Movement", "Syrian State TV", "SANA": not a person
    first = re.split(r"[-‐]", core[0])[0]
    if first in p.kunya:  # "Abu Bakr ...": the given name follows
        first = re.split(r"[-‐]", core[1])[0]
    given = is_given(first, p) and ctx.known(first) is None
    before, after = sentence[:start], sentence[end:]
    role, role_span, rule = apposition(before, after, start, end, p)
    if rule is None:
        if not given or title_case(sentence):
            return None
        if titled:
            rule = "role word"
        elif p.speech_before.search(before) or p.speech_after.match(after):
            rule = "speaker"
        elif p.name_after.search(before):
            rule = "role word"
        else:
            rule = "given name"
    name = " ".join(words)
    return Finding(start, end, name, "actor", "person", rule, role=role, role_span=role_span)


def apposition(before: str, after: str, start: int, end: int, p):
    """(role, (start, end) of the role in the sentence, 'apposition'), or (None, None, None)."""
    m = p.appositive.match(after)
    if m:
        s0 = end + m.start("role")
        return _role(m.group("role"), s0, p)
    m = p.appositive_before.search(before)
    if m and re.match(r"^\s*(?:[,.;:)]|$|(?:said|says|told)\b)", after):
        s0 = m.start("role")
        # Take up to two describing words before the role noun: "the executive director".
        words = list(re.finditer(r"[\w'’-]+", before[max(0, s0 - 40) : s0]))
        for w in reversed(words[-2:]):
            if w.group().lower() in _BACK_STOP or not w.group()[:1].islower():
                break
            s0 = max(0, s0 - 40) + w.start()
        return _role(before[s0 : m.end("role")], s0, p)
    return None, None, None


def _role(text: str, s0: int, p):
    lead = _LEAD.match(text)
    if lead:
        s0 += lead.end()
        text = text[lead.end() :]
    cut = p.speech_cut.search(text)
    if cut:
        text = text[: cut.start()]
    text = text.rstrip()
    if not text or len(text) > 100:
        return None, None, None
    return text, (s0, s0 + len(text)), "apposition"
