"""Temporal expressions in one English news sentence, resolved against the article's publication date.

Approach: a small set of regular-expression rules, one per kind of phrase (explicit date, month with
year, month with a modifier, bare year, weekday, weekend, "this/last week|month|year", "N units ago",
"yesterday"), plus *blocking* rules. Any rule may start with a preposition (on, in, during, since,
until, till); it is kept in the phrase, and "since"/"until" set the relation.

Each match resolves to an earliest..latest day range whose precision is never finer than the text:
"in March" is the whole month, "mid-March" narrows the range to the 11th-20th but stays month
precision, "two weeks ago" is a week-wide window. Past-leaning defaults follow news usage: a bare
"March" or "Sunday" is the most recent one on or before the publication date. Phrases that refer to a
previous phrase ("the previous July", "that same month") use the caller's context date.

Blocking rules recognise phrases we will not resolve honestly ("the last 2-3 years", "over the next
month", "this Sunday", "later this year", "2014-15" after a month) so that a shorter rule cannot
half-read them ("last year" inside "the last year"). All candidates compete: the longest wins each
overlap, ties go to the earlier rule, and blockers are then dropped from the output.

Ambiguous words are the main hazard. Month and weekday names are matched case-sensitively (lowercase
"may" and "march" are verbs). A bare capitalised month with no preposition or modifier is rejected when
it looks like part of a name ("Theresa May", "April Ryan"); bare "May" also needs a governing word
("from May", "between March and May") and no verb after it ("May have"). A four-digit year (1900-2099)
needs a governing word ("in 2014", "of 2015") or a following comma or full stop, and is never cut out
of a larger token ("60,000", "T-1962", "1990s").
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from .plainrepr import plain_repr

__all__ = ["TimeExpr", "find_dates", "frame_after"]


@plain_repr
@dataclass(frozen=True)
class TimeExpr:
    start: int  # char offset of the phrase in the sentence
    end: int
    text: str  # the phrase as written, e.g. "last March", "on Sunday"
    earliest: dt.date  # earliest possible day
    latest: dt.date  # latest possible day
    precision: str  # "day" | "week" | "month" | "year"
    anchor: dt.date  # the date it was resolved against (publication date, or the context date)
    # "at" (the thing happened then) | "since" (period starting then) | "until" | "after" (derived:
    # between an event told beside it and the report; see events/extract.py)
    relation: str


# ---- vocabulary -----------------------------------------------------------------------------------------

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUM = {name: i for i, name in enumerate(_MONTHS, 1)}
_MONTH_NUM.update(
    {
        "Jan": 1,
        "Feb": 2,
        "Mar": 3,
        "Apr": 4,
        "Jun": 6,
        "Jul": 7,
        "Aug": 8,
        "Sep": 9,
        "Sept": 9,
        "Oct": 10,
        "Nov": 11,
        "Dec": 12,
    }
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # .weekday()
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

# Words after a number that make it a count, not a day or year ("In March 30 people died").
_COUNT_NOUNS = frozenset(
    "people civilians soldiers troops fighters militants insurgents rebels men women children members "
    "others dead wounded killed percent per more were have had km kilometres kilometers miles feet metres "
    "meters tanks aircraft jets houses homes families refugees residents".split()
)
# Lowercase words that make a preceding "May" the modal verb ("May have", "it May well").
_VERBISH = frozenset(
    "have has be been not also well still never only soon help take make need want seem become come go "
    "get yet even already include face prove lead cause allow see use offer pose signal mean require try "
    "find feel look say continue remain reach".split()
)
# Words that govern a following bare "May" as a month on their own ("from May", "the May offensive").
_MAY_GOVERNORS = frozenset(
    "from of before after throughout between the around since until till in "
    "during early late mid last".split()
)
# Words that govern a month or year only in a list or span next to another one ("March and May").
_LIST_WORDS = frozenset("and or to through by".split())
# Words that govern a following bare year ("summer of 2014", "by 2015").
_YEAR_GOVERNORS = frozenset(
    "in since during until till by of from early late mid before after through "
    "throughout between around circa".split()
)
# Capitalised words that may precede a month without making it part of a name (sentence openers).
_OPENERS = frozenset(
    "the this that in on since until till by from last early late mid and but after "
    "before during of a an through throughout between around".split()
)
# Words before a weekday that make it a holiday or a name ("Good Friday", "Bloody Sunday").
_WEEKDAY_NAMES = frozenset(
    "good black bloody holy easter ash palm maundy cyber super great clean shrove".split()
)

# ---- regular-expression pieces ----------------------------------------------------------------------------
# Month and weekday names are case-sensitive on purpose; modifiers use scoped (?i:...) groups.

_UNITS = r"(?:years?|months?|weeks?|days?|decades?|hours?)\b"
_PREP = r"(?:\b(?P<prep>(?i:since|until|till|up\s+until|on|in|during))\s+)?"
_NARROW = (
    r"(?:\b(?P<narrow>(?i:early|mid|middle\s+of|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of))"
    r"(?:\s*-\s*|\s+))?"
)
_REL = (
    r"(?:\b(?P<rel>(?i:last|this\s+past|this\s+coming|this|next|coming|the\s+previous|the\s+following"
    r"|the\s+next))\s+)?"
)
_MONTH = r"(?P<mon>" + "|".join(_MONTHS) + r")\b"
_MONTH_X = (
    r"(?P<mon>(?:" + "|".join(_MONTHS) + r")\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_WEEKDAY = r"(?P<wd>" + "|".join(_WEEKDAYS) + r")\b"
# A day of the month, optionally a range ("2-3"); never the head of a larger number ("13,000", "2.5").
_DAY = (
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?"
    r"(?![\w%]|[,.:]\d)"
)
# A year, optionally a span ("2014-15", "2014/2015") that the handler resolves or blocks.
_YEAR = r"(?P<year>(?:19|20)\d\d)(?:[-–/](?P<year2>\d{4}|\d{2}))?(?![\w%]|[,.]\d|[-–/]\d)"

_BLOCKERS = re.compile(
    # Durations, not points in time: "the last 2-3 years", "in the past week", "over the next month".
    r"(?i:\b(?:(?:over|in|during|for|within|throughout)\s+)?the\s+(?:last|past)\s+(?:[\w-]+\s+)?"
    + _UNITS
    + r"|\b(?:over|in|during|for|within|throughout)\s+the\s+(?:next|coming|following)\s+(?:[\w-]+\s+)?"
    + _UNITS
    + r"|\bthe\s+(?:next|coming|following|previous)\s+(?:\d+|few|several|couple\s+of|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve)\s+"
    + _UNITS
    + r")"
    # A named event, not a date in the article's year.
    + r"|\b(?:September|Sept\.?)\s+11(?:th)?\s+(?i:attacks?|hijack\w*|terror\w*)"
)
_EXPLICIT_MD = re.compile(  # "Thursday, March 2, 2017", "December 13, 2016", "last November 6", "May 13"
    _PREP
    + r"(?:"
    + _WEEKDAY
    + r",?\s+)?(?:\b(?P<last>(?i:last|this\s+past))\s+)?"
    + _MONTH_X
    + r"\s+"
    + _DAY
    + r"(?:,?\s+"
    + _YEAR
    + r")?"
)
_EXPLICIT_DM = re.compile(  # "2 March 2017", "Thursday 2 March", "the 4th of July"
    _PREP
    + r"(?:"
    + _WEEKDAY
    + r",?\s+)?(?:\b(?i:the)\s+)?(?<![\w,.])"
    + _DAY
    + r"\s+(?:(?i:of)\s+)?"
    + _MONTH_X
    + r"(?:,?\s+"
    + _YEAR
    + r")?"
)
_MONTH_YEAR = re.compile(  # "May 2015", "in mid-August 2014", "May of 2015"
    _PREP + _NARROW + _MONTH_X + r"(?:\s+(?i:of))?,?\s+" + _YEAR
)
_MONTH_ONLY = re.compile(  # "in April", "last March", "the end of the following December"
    _PREP + _NARROW + _REL + _MONTH
)
_YEAR_ONLY = re.compile(  # "in 2014", "mid-2015"; without a modifier, not glued to a word or number
    _PREP + _NARROW + r"(?(narrow)|(?<![\w$£€.,/-]))" + _YEAR
)
_REL_UNIT = re.compile(  # "earlier this week", "last month", "late last year", "that same month"
    _PREP + _NARROW + r"\b(?P<rel>(?i:earlier\s+this|later\s+this|earlier\s+in\s+the|later\s+in\s+the"
    r"|this\s+past|this\s+coming|this|last|next"
    r"|the\s+previous|the\s+following|the\s+next|that\s+same|the\s+same|that))\s+"
    r"(?P<unit>(?i:week|month|year))\b"
)
_WEEKEND = re.compile(
    _PREP + r"\b(?P<rel>(?i:last|this\s+past|this\s+coming|this|next|coming|over\s+the|at\s+the|during\s+the"
    r"|on\s+the|the))\s+(?i:weekend)\b"
)
_WEEKDAY_RE = re.compile(_PREP + _REL + _WEEKDAY)
_AGO = re.compile(
    _PREP + r"(?<![\w,.])(?P<n>\d{1,4}|(?i:" + "|".join(_NUMBER_WORDS) + r"))\s+"
    r"(?P<unit>(?i:days?|weeks?|months?|years?))\s+(?i:ago)\b"
)
_DAYWORD = re.compile(
    _PREP + r"\b(?P<w>(?i:the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|this\s+morning"
    r"|this\s+afternoon|this\s+evening))\b"
)

_LATER = re.compile(r"\b(?:subsequent(?:ly)?|later|afterwards|after that|since then)\b", re.I)
_PREV_WORD = re.compile(r"([A-Za-z]+)\s+$")
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_NEARBY_MONTH = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\b")
_NEARBY_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

# ---- date arithmetic -------------------------------------------------------------------------------------


class _Res(NamedTuple):
    earliest: dt.date
    latest: dt.date
    precision: str
    anchor: dt.date


_BLOCK = object()  # a phrase recognised but deliberately not resolved; it still occupies its span
_CONTEXT_RELS = frozenset({"the previous", "the following", "the next", "that same", "the same", "that"})
_Handler = Callable[[re.Match, str, dt.date, "dt.date | None"], "_Res | object | None"]


def _norm(word: str | None) -> str:
    return " ".join(word.lower().split()) if word else ""


def _narrow_kind(narrow: str | None) -> str:
    n = _norm(narrow)
    if not n:
        return ""
    if "early" in n or "beginning" in n or "start" in n:
        return "early"
    return "mid" if "mid" in n else "late"


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    y, m0 = divmod(year * 12 + month - 1 + k, 12)
    return y, m0 + 1


def _month_res(year: int, month: int, narrow: str, anchor: dt.date) -> _Res:
    """A month, narrowed to its first/middle/last ten days by early/mid/late, precision still month."""
    last_day = calendar.monthrange(year, month)[1]
    lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, last_day)}.get(narrow, (1, last_day))
    return _Res(dt.date(year, month, lo), dt.date(year, month, hi), "month", anchor)


def _year_res(year: int, narrow: str, anchor: dt.date) -> _Res:
    """A year, narrowed to its first/middle/last four months, by analogy with the month thirds."""
    lo, hi = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}.get(narrow, (1, 12))
    return _Res(dt.date(year, lo, 1), dt.date(year, hi, calendar.monthrange(year, hi)[1]), "year", anchor)


def _day_res(day: dt.date, anchor: dt.date) -> _Res:
    return _Res(day, day, "day", anchor)


def _week_res(monday: dt.date, anchor: dt.date) -> _Res:
    return _Res(monday, monday + dt.timedelta(days=6), "week", anchor)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weekday_before(wd: int, ref: dt.date, strict: bool) -> dt.date:
    """The most recent weekday `wd` on or before ref (strictly before when strict)."""
    delta = (ref.weekday() - wd) % 7
    return ref - dt.timedelta(days=delta or (7 if strict else 0))


def _weekday_after(wd: int, ref: dt.date) -> dt.date:
    """The first weekday `wd` strictly after ref."""
    return ref + dt.timedelta(days=(wd - ref.weekday()) % 7 or 7)


def _month_before(month: int, ref: dt.date, strict: bool) -> int:
    """Year of the most recent `month` not after ref's month (strictly before it when strict)."""
    return ref.year if month < ref.month or (month == ref.month and not strict) else ref.year - 1


def _month_after(month: int, ref: dt.date) -> int:
    """Year of the first `month` strictly after ref's month."""
    return ref.year if month > ref.month else ref.year + 1


def _relation(prep: str | None) -> str:
    p = _norm(prep).split()
    if p and p[-1] == "since":
        return "since"
    return "until" if p and p[-1] in ("until", "till") else "at"


# ---- context checks ----------------------------------------------------------------------------------------


def _prev_word(s: str, i: int) -> str:
    """The word just before position i, if only whitespace separates them; else ''."""
    m = _PREV_WORD.search(s, max(0, i - 40), i)
    return m.group(1) if m else ""


def _next_word(s: str, j: int) -> str:
    """The word just after position j, if only whitespace separates them; else ''."""
    m = _NEXT_WORD.match(s, j)
    return m.group(1) if m else ""


def _at_sentence_start(s: str, i: int) -> bool:
    return not s[:i].strip(" \t\n\"'“‘([—-")


def _in_list(s: str, i: int, nearby: re.Pattern) -> bool:
    """True when another month/year sits shortly before, as in "between March and May", "2014 and 2015"."""
    return bool(nearby.search(s, max(0, i - 25), i))


def _bare_month_ok(m: re.Match, s: str) -> bool:
    """A capitalised month with no preposition or modifier: reject names, the verb May, "March on"."""
    name, start = m["mon"], m.start()
    prev, nxt = _prev_word(s, start), _next_word(s, m.end())
    if prev[:1].isupper() and prev.lower() not in _OPENERS:
        return False  # "Theresa May", "Brian May"
    if nxt[:1].isupper():
        return False  # "April Ryan", "June Carter"
    if name == "May":
        p = prev.lower()
        governed = p in _MAY_GOVERNORS or (p in _LIST_WORDS and _in_list(s, start, _NEARBY_MONTH))
        return governed and nxt.lower() not in _VERBISH
    if name == "March" and _at_sentence_start(s, start):
        return nxt.lower() not in {"on", "to", "against", "toward", "towards", "through", "into", "for"}
    return True


# ---- handlers: match -> _Res, _BLOCK, or None (no candidate) ----------------------------------------------


def _h_block(m, s, pub, ctx):
    return _BLOCK


def _h_explicit(m, s, pub, ctx):
    month = _MONTH_NUM[m["mon"].rstrip(".")]
    d1 = int(m["day"])
    d2 = int(m["day2"]) if m["day2"] else d1
    if d2 < d1 or m["year2"]:
        return _BLOCK  # "March 5-2", "March 2, 2016-17": a date we cannot pin down
    if m["year"]:
        year = int(m["year"])
    else:
        prep = _norm(m["prep"])
        if prep in ("", "in") and _next_word(s, m.end()).lower() in _COUNT_NOUNS:
            return None  # "In March 30 people died": a month and a count; the month rule takes it
        strict = bool(m.groupdict().get("last"))
        # Most recent such day on or before P; a few years back so that February 29 can be found.
        for year in range(pub.year, pub.year - 9, -1):
            try:
                day = dt.date(year, month, d1)
            except ValueError:
                continue
            if day < pub or (day == pub and not strict):
                break
        else:
            return _BLOCK  # "February 30"
    earliest, latest = dt.date(year, month, d1), dt.date(year, month, d2)
    precision = "day" if d1 == d2 else "week" if d2 - d1 < 7 else "month"
    return _Res(earliest, latest, precision, pub)


def _h_month_year(m, s, pub, ctx):
    if m["year2"]:
        return _BLOCK  # "June 2015-16": which June?
    return _month_res(int(m["year"]), _MONTH_NUM[m["mon"].rstrip(".")], _narrow_kind(m["narrow"]), pub)


def _h_month(m, s, pub, ctx):
    month, rel, narrow = _MONTH_NUM[m["mon"]], _norm(m["rel"]), _narrow_kind(m["narrow"])
    if not (rel or narrow or m["prep"]) and not _bare_month_ok(m, s):
        return None
    base = ctx or pub
    if rel == "" and ctx is not None and _LATER.search(s, 0, m.start()):
        # "A subsequent offensive ... in June", in a paragraph set in August 2014: some June after
        # that and not after publication; which one the text does not say, so the window spans them.
        first = ctx.year if month > ctx.month else ctx.year + 1
        last = _month_before(month, pub, strict=False)
        if first <= last:
            lo, hi = _month_res(first, month, narrow, ctx), _month_res(last, month, narrow, ctx)
            return _Res(lo.earliest, hi.latest, "month" if first == last else "year", ctx)
    if rel == "" and ctx is not None:
        # A bare month in a paragraph set in another time ("back in May 2015 ... in April"): the
        # occurrence nearest that time, never after publication.
        years = [y for y in (ctx.year - 1, ctx.year, ctx.year + 1) if dt.date(y, month, 1) <= pub]
        if years:
            year = min(years, key=lambda y: abs((dt.date(y, month, 15) - ctx).days))
            return _month_res(year, month, narrow, ctx)
    if rel == "":
        return _month_res(_month_before(month, pub, strict=False), month, narrow, pub)
    if rel in ("last", "this past"):
        return _month_res(_month_before(month, pub, strict=True), month, narrow, pub)
    if rel == "this":
        return _month_res(pub.year, month, narrow, pub)
    if rel in ("next", "coming", "this coming"):
        return _month_res(_month_after(month, pub), month, narrow, pub)
    if rel == "the previous":
        return _month_res(_month_before(month, base, strict=True), month, narrow, base)
    return _month_res(_month_after(month, base), month, narrow, base)  # the following / the next


def _h_year(m, s, pub, ctx):
    year, start = int(m["year"]), m.start("year")
    if not (m["prep"] or m["narrow"]):
        prev = _prev_word(s, start).lower()
        after = s[m.end() : m.end() + 2]
        governed = prev in _YEAR_GOVERNORS or (prev in _LIST_WORDS and _in_list(s, start, _NEARBY_YEAR))
        # "... fell in Palmyra, 2015." / "(2014)": a year by its punctuation, as the rules allow.
        punctuated = bool(re.match(r"[,.;)](?!\d)|$", after))
        if not (governed or punctuated):
            return None
        if _next_word(s, m.end()).lower() in _COUNT_NOUNS:
            return None  # "a crowd of 2000 people"
    if m["year2"]:
        suffix = m["year2"]
        year2 = int(suffix) if len(suffix) == 4 else year // 100 * 100 + int(suffix)
        if year2 <= year:
            return _BLOCK  # "1999-00", "2015/14"
        return _Res(dt.date(year, 1, 1), dt.date(year2, 12, 31), "year", pub)
    return _year_res(year, _narrow_kind(m["narrow"]), pub)


def _h_rel_unit(m, s, pub, ctx):
    rel, unit, narrow = _norm(m["rel"]), m["unit"].lower(), _narrow_kind(m["narrow"])
    if rel in ("earlier in the", "later in the"):  # news usage: the week of publication
        rel = "earlier this" if rel == "earlier in the" else "later this"
    if rel in ("later this", "this past"):
        return _BLOCK  # the future, or a rolling period ("this past month") rather than a calendar one
    base = (ctx or pub) if rel in _CONTEXT_RELS else pub
    step = {
        "last": -1,
        "the previous": -1,
        "next": 1,
        "this coming": 1,
        "the following": 1,
        "the next": 1,
    }.get(rel, 0)
    if unit == "week":
        if rel == "this":
            return _Res(_monday(pub), pub, "week", pub)  # the week so far
        if rel == "earlier this":  # the week so far, before the day of publication
            return _Res(_monday(pub), max(_monday(pub), pub - dt.timedelta(days=1)), "week", pub)
        return _week_res(_monday(base) + dt.timedelta(weeks=step), base)
    if unit == "month":
        res = _month_res(*_add_months(base.year, base.month, step), narrow, base)
    else:
        res = _year_res(base.year + step, narrow, base)
    if rel == "earlier this":
        if res.earliest > pub:
            return None
        res = res._replace(latest=min(res.latest, pub))  # "earlier this month": not after P
    return res


def _h_weekend(m, s, pub, ctx):
    rel = _norm(m["rel"])
    if rel in ("next", "coming", "this coming"):
        return _BLOCK
    sunday = pub - dt.timedelta(days=(pub.weekday() - 6) % 7)  # most recent Sunday on or before P
    if pub.weekday() == 5 and rel not in ("last", "this past"):
        return _Res(pub, pub, "week", pub)  # P is Saturday: this weekend so far, never the future
    return _Res(sunday - dt.timedelta(days=1), sunday, "week", pub)


def _h_weekday(m, s, pub, ctx):
    wd, rel = _WEEKDAYS.index(m["wd"]), _norm(m["rel"])
    if not (rel or m["prep"]):
        if _prev_word(s, m.start()).lower() in _WEEKDAY_NAMES or _next_word(s, m.end())[:1].isupper():
            return None  # "Good Friday", "Sunday Times"
    base = ctx or pub
    if rel == "":
        return _day_res(_weekday_before(wd, pub, strict=False), pub)
    if rel in ("last", "this past"):
        return _day_res(_weekday_before(wd, pub, strict=True), pub)
    if rel in ("next", "coming", "this coming"):
        return _day_res(_weekday_after(wd, pub), pub)
    if rel == "the previous":
        return _day_res(_weekday_before(wd, base, strict=True), base)
    if rel in ("the following", "the next"):
        return _day_res(_weekday_after(wd, base), base)
    return _BLOCK  # "this Sunday": past or coming, the text does not say


def _h_ago(m, s, pub, ctx):
    n_text, unit = m["n"].lower(), m["unit"].lower().rstrip("s")
    n = int(n_text) if n_text.isdigit() else _NUMBER_WORDS[n_text]
    if unit == "day":
        day = pub - dt.timedelta(days=n)
        return _Res(day, day, "day", pub)
    if unit == "week":
        # "a week ago" is within 3 days of it; "two weeks ago" loosely 10 to 18 days: the window widens.
        centre, half = pub - dt.timedelta(weeks=n), dt.timedelta(days=3 + 4 * (n - 1))
        return _Res(centre - half, centre + half, "week", pub)
    if unit == "month":
        return _month_res(*_add_months(pub.year, pub.month, -n), "", pub)
    return _year_res(pub.year - n, "", pub)


def _h_dayword(m, s, pub, ctx):
    w = _norm(m["w"])
    back = {"yesterday": 1, "last night": 1, "the day before yesterday": 2}.get(w, 0)
    day = pub - dt.timedelta(days=back)
    return _Res(day, day, "day", pub)


_CONTEXTUAL = (_h_month, _h_rel_unit, _h_weekday)

# What each rule cannot match without: a sentence the core is not in is not searched with the rule,
# whose optional leading groups make it slow to try at every place. (A month's name or short form
# starts with its first three letters; every weekday's name ends in "day".)
_MONTH_CORE = re.compile("|".join(m[:3] for m in _MONTHS))
_UNIT_CORE = re.compile(r"(?i:week|month|year)")
_CORES: dict[re.Pattern, re.Pattern] = {
    _BLOCKERS: re.compile(r"(?i:year|month|week|day|decade|hour)|Sept"),
    _EXPLICIT_MD: _MONTH_CORE,
    _EXPLICIT_DM: _MONTH_CORE,
    _MONTH_YEAR: _MONTH_CORE,
    _REL_UNIT: _UNIT_CORE,
    _WEEKEND: re.compile(r"(?i:weekend)"),
    _AGO: re.compile(r"(?i:ago)"),
    _DAYWORD: re.compile(r"(?i:yesterday|today|tonight|night|morning|afternoon|evening)"),
    _MONTH_ONLY: _MONTH_CORE,
    _YEAR_ONLY: re.compile(r"(?:19|20)\d\d"),
    _WEEKDAY_RE: re.compile("day"),
}

# Order breaks ties between equally long overlapping matches: blockers first.
_RULES: tuple[tuple[re.Pattern, _Handler], ...] = (
    (_BLOCKERS, _h_block),
    (_EXPLICIT_MD, _h_explicit),
    (_EXPLICIT_DM, _h_explicit),
    (_MONTH_YEAR, _h_month_year),
    (_REL_UNIT, _h_rel_unit),
    (_WEEKEND, _h_weekend),
    (_AGO, _h_ago),
    (_DAYWORD, _h_dayword),
    (_MONTH_ONLY, _h_month),
    (_YEAR_ONLY, _h_year),
    (_WEEKDAY_RE, _h_weekday),
)


def find_dates(sentence: str, published: dt.date, context: dt.date | None = None) -> list[TimeExpr]:
    """Temporal phrases in the sentence, in order, resolved. `context` is the date a previous phrase in
    the same paragraph resolved to (earliest day), used by 'the previous July', 'the following December',
    'that same month'; when None those resolve against `published`."""
    candidates = []
    for order, (pattern, handler) in enumerate(_RULES):
        core = _CORES.get(pattern)  # (a rule without a core is tried everywhere)
        if core is not None and not core.search(sentence):
            continue
        for m in pattern.finditer(sentence):
            try:
                res = handler(m, sentence, published, context)
            except (ValueError, OverflowError):
                res = _BLOCK  # out of the calendar's range ("9999 years ago"): recognised, unresolvable
            if res is not None:
                candidates.append((m.start(), m.end(), order, res, m.groupdict().get("prep"), m, handler))

    # Longest first; each accepted span (blockers included) excludes everything overlapping it. Accepted
    # spans are disjoint, so a sorted list and its two neighbours answer "does this overlap?" quickly.
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    taken: list[tuple[int, int]] = []
    found = []
    kept = []
    for cand in candidates:
        start, end = cand[0], cand[1]
        i = bisect.bisect_left(taken, (start, end))
        if (i > 0 and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end):
            continue
        taken.insert(i, (start, end))
        if cand[3] is not _BLOCK:
            kept.append(cand)
    # In text order, each phrase that depends on the time already set ("Last May ... the previous
    # July") is resolved against the phrase before it in the same sentence.
    running = context
    for start, end, _, res, prep, m, handler in sorted(kept, key=lambda c: c[0]):
        if running != context and handler in _CONTEXTUAL:
            again = handler(m, sentence, published, running)
            res = again if isinstance(again, _Res) else res
        expr = TimeExpr(
            start, end, sentence[start:end], res.earliest, res.latest, res.precision, res.anchor,
            _relation(prep),
        )
        found.append(expr)
        running = frame_after(expr, running)
    return found


_BARE_MONTH = re.compile(
    r"^(?:in |on |during |since |until |from |by )?(?:early |mid-?|late |the end of )?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)$",
    re.I,
)


def frame_after(expr: TimeExpr, frame: dt.date | None) -> dt.date | None:
    """The time the text is talking about after this phrase: the middle of its range. A bare month is
    itself read in the frame, and "until X" says when something ended, so neither sets a new frame."""
    if expr.relation == "until" or _BARE_MONTH.match(expr.text):
        return frame
    return expr.earliest + (expr.latest - expr.earliest) / 2
