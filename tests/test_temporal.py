"""Rule-based temporal expressions: real news sentences, hostile inputs, and invariants of the output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from tadmur.temporal import TimeExpr, find_dates

D = dt.date.fromisoformat
PRECISIONS = {"day", "week", "month", "year"}


def summary(found: list[TimeExpr]) -> list[tuple]:
    return [(t.text, t.earliest.isoformat(), t.latest.isoformat(), t.precision, t.relation) for t in found]


def check_invariants(sentence: str, found: list[TimeExpr]) -> None:
    for t in found:
        assert sentence[t.start:t.end] == t.text
        assert t.earliest <= t.latest
        assert t.precision in PRECISIONS
        assert t.relation in {"at", "since", "until"}
    spans = [(t.start, t.end) for t in found]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no overlaps


# (published, sentence, context, expected [(text, earliest, latest, precision, relation)])
REAL = [
    # P = Saturday 2016-12-17
    ("2016-12-17", "struck ... in Palmyra on Thursday, following the surprise capture of the Syrian city "
     "last weekend.", None,
     [("on Thursday", "2016-12-15", "2016-12-15", "day", "at"),
      ("last weekend", "2016-12-10", "2016-12-11", "week", "at")]),
    ("2016-12-17", "arrived at the besieged T4 base near Palmyra on Wednesday", None,
     [("on Wednesday", "2016-12-14", "2016-12-14", "day", "at")]),
    ("2016-12-17", "Earlier this week, IS released a video", None,
     [("Earlier this week", "2016-12-12", "2016-12-16", "week", "at")]),
    ("2016-12-17", "intervened in the Syria war in September 2015", None,
     [("in September 2015", "2015-09-01", "2015-09-30", "month", "at")]),
    # P = Tuesday 2016-12-13
    ("2016-12-13", "drove Syrian government troops almost completely from the city on Sunday", None,
     [("on Sunday", "2016-12-11", "2016-12-11", "day", "at")]),
    ("2016-12-13", "The group seized the city in 2014", None,
     [("in 2014", "2014-01-01", "2014-12-31", "year", "at")]),
    ("2016-12-13", "after the city was first retaken in March", None,
     [("in March", "2016-03-01", "2016-03-31", "month", "at")]),
    ("2016-12-13", "News clips from May of the Russian base", None,
     [("May", "2016-05-01", "2016-05-31", "month", "at")]),
    ("2016-12-13", "Images posted online Tuesday", None,
     [("Tuesday", "2016-12-13", "2016-12-13", "day", "at")]),
    ("2016-12-13", "December 13, 2016", None,
     [("December 13, 2016", "2016-12-13", "2016-12-13", "day", "at")]),
    # P = Monday 2016-12-12
    ("2016-12-12", "assault on Palmyra over the weekend", None,
     [("over the weekend", "2016-12-10", "2016-12-11", "week", "at")]),
    ("2016-12-12", "back in May 2015", None, [("in May 2015", "2015-05-01", "2015-05-31", "month", "at")]),
    ("2016-12-12", "recapture Palmyra from the militants last March", None,
     [("last March", "2016-03-01", "2016-03-31", "month", "at")]),
    ("2016-12-12", "in Raqqa province in August 2014", None,
     [("in August 2014", "2014-08-01", "2014-08-31", "month", "at")]),
    ("2016-12-12", "in June ended in an abysmal defeat", None,
     [("in June", "2016-06-01", "2016-06-30", "month", "at")]),
    ("2016-12-12", "launched last November 6", None,
     [("last November 6", "2016-11-06", "2016-11-06", "day", "at")]),
    ("2016-12-12", "lost Manbij to the SDF in mid-August", None,
     [("in mid-August", "2016-08-11", "2016-08-20", "month", "at")]),
    ("2016-12-12", "their November 2015 loss of Shingal", None,
     [("November 2015", "2015-11-01", "2015-11-30", "month", "at")]),
    ("2016-12-12", "Last May Russia invited journalists", None,
     [("Last May", "2016-05-01", "2016-05-31", "month", "at")]),
    ("2016-12-12", "during the previous July", "2016-05-01",
     [("during the previous July", "2015-07-01", "2015-07-31", "month", "at")]),
    ("2016-12-12", "the recapture of Tikrit in April", None,
     [("in April", "2016-04-01", "2016-04-30", "month", "at")]),
    ("2016-12-12", "until the end of the following December", "2015-05-01",
     [("until the end of the following December", "2015-12-21", "2015-12-31", "month", "until")]),
    ("2016-12-12", "On Sunday the Russian press reported", None,
     [("On Sunday", "2016-12-11", "2016-12-11", "day", "at")]),
    # P = Tuesday 2015-06-09
    ("2015-06-09", "after a weeklong offensive two weeks ago", None,
     [("two weeks ago", "2015-05-19", "2015-06-02", "week", "at")]),
    ("2015-06-09", "since May 13", None, [("since May 13", "2015-05-13", "2015-05-13", "day", "since")]),
    ("2015-06-09", "Last December, the jihadist group", None,
     [("Last December", "2014-12-01", "2014-12-31", "month", "at")]),
    ("2015-06-09", "Last October", None, [("Last October", "2014-10-01", "2014-10-31", "month", "at")]),
    # P = Thursday 2017-03-02
    ("2017-03-02", "Thursday, March 2, 2017", None,
     [("Thursday, March 2, 2017", "2017-03-02", "2017-03-02", "day", "at")]),
    ("2017-03-02", "new T62 tanks", None, []),
    ("2017-03-02", "the last 2-3 years", None, []),
]


@pytest.mark.parametrize(("published", "sentence", "context", "expected"), REAL)
def test_real_sentences(published, sentence, context, expected):
    found = find_dates(sentence, D(published), D(context) if context else None)
    check_invariants(sentence, found)
    assert summary(found) == expected


NEGATIVES = [
    "The militants may well be trying",
    "It may have",
    "May have been the turning point",
    "May be the last chance",
    "462 civilians, 241 government troops",
    "more than 1,000 anti-tank missiles",
    "60,000 feet",
    "17 miles",
    "S-125",
    "T-62",
    "2 min read",
    "4th time",
    "4,000 militants",
    "They march on the city",
    "Theresa May's government",
    "Hammond and May met",
    "The Sunday Times reported",
    "after Good Friday prayers",
    "in the 1990s and in the early 2000s",
    "a crowd of 2000 people",
    "killed 1950 and wounded",
    "over the last year the group",
    "in the past 24 hours",
    "over the next month",
    "later this year",
    "the September 11 attacks",
    "this Sunday the army will",
    "Resolution 2254 was adopted",
    "amid clashes, $2015 raised",
    "",
]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_negatives(sentence):
    assert find_dates(sentence, D("2017-03-02")) == []


# More rules, P = Monday 2016-12-12 unless given.
MORE = [
    ("2016-12-12", "In March 30 people died", [("In March", "2016-03-01", "2016-03-31", "month", "at")]),
    ("2016-12-12", "On March 30 militants attacked",
     [("On March 30", "2016-03-30", "2016-03-30", "day", "at")]),
    ("2016-12-12", "last year the group", [("last year", "2015-01-01", "2015-12-31", "year", "at")]),
    ("2016-12-12", "late last year", [("late last year", "2015-09-01", "2015-12-31", "year", "at")]),
    ("2016-12-12", "earlier this year", [("earlier this year", "2016-01-01", "2016-12-12", "year", "at")]),
    ("2016-12-12", "earlier this month",
     [("earlier this month", "2016-12-01", "2016-12-12", "month", "at")]),
    ("2016-12-12", "this year and this month",
     [("this year", "2016-01-01", "2016-12-31", "year", "at"),
      ("this month", "2016-12-01", "2016-12-31", "month", "at")]),
    ("2016-12-12", "last month", [("last month", "2016-11-01", "2016-11-30", "month", "at")]),
    ("2016-12-12", "last week and this week",
     [("last week", "2016-12-05", "2016-12-11", "week", "at"),
      ("this week", "2016-12-12", "2016-12-12", "week", "at")]),
    ("2016-12-12", "in 2014-15", [("in 2014-15", "2014-01-01", "2015-12-31", "year", "at")]),
    ("2016-12-12", "June 2015-16", []),
    ("2016-12-12", "in 2014 militants seized Mosul", [("in 2014", "2014-01-01", "2014-12-31", "year", "at")]),
    ("2016-12-12", "between March and May",
     [("March", "2016-03-01", "2016-03-31", "month", "at"),
      ("May", "2016-05-01", "2016-05-31", "month", "at")]),
    ("2016-12-12", "between 2014 and 2015",
     [("2014", "2014-01-01", "2014-12-31", "year", "at"),
      ("2015", "2015-01-01", "2015-12-31", "year", "at")]),
    ("2016-12-12", "the summer of 2014", [("2014", "2014-01-01", "2014-12-31", "year", "at")]),
    ("2016-12-12", "Palmyra, 2015.", [("2015", "2015-01-01", "2015-12-31", "year", "at")]),
    ("2016-12-12", "mid-2015", [("mid-2015", "2015-05-01", "2015-08-31", "year", "at")]),
    ("2016-12-12", "in early May", [("in early May", "2016-05-01", "2016-05-10", "month", "at")]),
    ("2016-12-12", "late June", [("late June", "2016-06-21", "2016-06-30", "month", "at")]),
    # A bare month: P's own month counts, so in a mid-December article this is the coming end of month.
    ("2016-12-12", "the end of December",
     [("the end of December", "2016-12-21", "2016-12-31", "month", "at")]),
    ("2016-12-12", "in December", [("in December", "2016-12-01", "2016-12-31", "month", "at")]),
    ("2016-12-12", "last December", [("last December", "2015-12-01", "2015-12-31", "month", "at")]),
    ("2016-12-12", "this past May", [("this past May", "2016-05-01", "2016-05-31", "month", "at")]),
    ("2016-12-12", "since last March", [("since last March", "2016-03-01", "2016-03-31", "month", "since")]),
    ("2016-12-12", "since 2014", [("since 2014", "2014-01-01", "2014-12-31", "year", "since")]),
    ("2016-12-12", "till Tuesday", [("till Tuesday", "2016-12-06", "2016-12-06", "day", "until")]),
    ("2016-12-12", "yesterday and today",
     [("yesterday", "2016-12-11", "2016-12-11", "day", "at"),
      ("today", "2016-12-12", "2016-12-12", "day", "at")]),
    ("2016-12-12", "3 days ago, a year ago, six months ago, a week ago",
     [("3 days ago", "2016-12-09", "2016-12-09", "day", "at"),
      ("a year ago", "2015-01-01", "2015-12-31", "year", "at"),
      ("six months ago", "2016-06-01", "2016-06-30", "month", "at"),
      ("a week ago", "2016-12-02", "2016-12-08", "week", "at")]),
    ("2016-12-12", "13 May 2015, Dec. 13, 2016 and Sept. 5",
     [("13 May 2015", "2015-05-13", "2015-05-13", "day", "at"),
      ("Dec. 13, 2016", "2016-12-13", "2016-12-13", "day", "at"),
      ("Sept. 5", "2016-09-05", "2016-09-05", "day", "at")]),
    ("2016-12-12", "Sunday, Dec. 11", [("Sunday, Dec. 11", "2016-12-11", "2016-12-11", "day", "at")]),
    ("2016-12-12", "March 2-3", [("March 2-3", "2016-03-02", "2016-03-03", "week", "at")]),
    ("2017-03-02", "on February 29", [("on February 29", "2016-02-29", "2016-02-29", "day", "at")]),
    ("2016-12-12", "February 30", []),
    ("2016-12-12", "March saw heavy fighting", [("March", "2016-03-01", "2016-03-31", "month", "at")]),
    ("2016-12-12", "March on Raqqa begins", []),
    ("2016-12-12", "Theresa May said on Tuesday",
     [("on Tuesday", "2016-12-06", "2016-12-06", "day", "at")]),
    ("2016-12-12", "Sunday's attack", [("Sunday", "2016-12-11", "2016-12-11", "day", "at")]),
    ("2016-12-12", "next Sunday", [("next Sunday", "2016-12-18", "2016-12-18", "day", "at")]),
    ("2016-12-12", "the next month, troops", [("the next month", "2017-01-01", "2017-01-31", "month", "at")]),
    # Weekday edge cases: P is that weekday; "last" is then a week earlier.
    ("2017-03-02", "on Thursday and last Thursday",
     [("on Thursday", "2017-03-02", "2017-03-02", "day", "at"),
      ("last Thursday", "2017-02-23", "2017-02-23", "day", "at")]),
    # Weekends around a Saturday P and a Sunday P.
    ("2016-12-17", "over the weekend, this weekend, at the weekend",
     [("over the weekend", "2016-12-17", "2016-12-17", "week", "at"),
      ("this weekend", "2016-12-17", "2016-12-17", "week", "at"),
      ("at the weekend", "2016-12-17", "2016-12-17", "week", "at")]),
    ("2016-12-18", "over the weekend", [("over the weekend", "2016-12-17", "2016-12-18", "week", "at")]),
    ("2016-12-18", "last weekend", [("last weekend", "2016-12-17", "2016-12-18", "week", "at")]),
]


@pytest.mark.parametrize(("published", "sentence", "expected"), MORE)
def test_more_rules(published, sentence, expected):
    found = find_dates(sentence, D(published))
    check_invariants(sentence, found)
    assert summary(found) == expected


def test_context_phrases_use_context_and_fall_back_to_published():
    pub, ctx = D("2016-12-12"), D("2015-05-01")
    for phrase, with_ctx, without in [
        ("that same month", ("2015-05-01", "2015-05-31"), ("2016-12-01", "2016-12-31")),
        ("the same month", ("2015-05-01", "2015-05-31"), ("2016-12-01", "2016-12-31")),
        ("the previous year", ("2014-01-01", "2014-12-31"), ("2015-01-01", "2015-12-31")),
        ("the following December", ("2015-12-01", "2015-12-31"), ("2017-12-01", "2017-12-31")),
        ("the previous July", ("2014-07-01", "2014-07-31"), ("2016-07-01", "2016-07-31")),
    ]:
        (a,) = find_dates(phrase, pub, ctx)
        assert (a.earliest.isoformat(), a.latest.isoformat(), a.anchor) == (*with_ctx, ctx), phrase
        (b,) = find_dates(phrase, pub)
        assert (b.earliest.isoformat(), b.latest.isoformat(), b.anchor) == (*without, pub), phrase
    # A bare month is read in the time the text has set: the April nearest May 2015, not the last one.
    (plain,) = find_dates("in April", pub, ctx)
    assert plain.anchor == ctx and plain.earliest == D("2015-04-01")
    (plain,) = find_dates("in April", pub)
    assert plain.anchor == pub and plain.earliest == D("2016-04-01")
    # "Last May ... the previous July": the second phrase counts back from the first.
    last_may, july = find_dates("Last May they played where the soldiers died the previous July.", pub)
    assert (last_may.earliest, july.earliest) == (D("2016-05-01"), D("2015-07-01"))
    # "A subsequent offensive ... in June" after August 2014: some June after it, a window not a guess.
    (june,) = find_dates("A subsequent offensive in June failed.", pub, D("2014-08-16"))
    assert (june.earliest, june.latest, june.precision) == (D("2015-06-01"), D("2016-06-30"), "year")
    (week,) = find_dates("Earlier in the week, the group released a video.", D("2016-12-17"))
    assert (week.earliest, week.latest, week.precision) == (D("2016-12-12"), D("2016-12-16"), "week")


def test_offsets_in_a_longer_sentence():
    s = "Thursday, March 2, 2017 — Since last March, and again on Sunday, the front (2014) moved."
    found = find_dates(s, D("2017-03-02"))
    check_invariants(s, found)
    assert [t.text for t in found] == ["Thursday, March 2, 2017", "Since last March", "on Sunday", "2014"]
    assert found[1].relation == "since" and found[1].earliest == D("2016-03-01")


def test_timeexpr_is_frozen():
    (t,) = find_dates("on Sunday", D("2016-12-12"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.start = 0  # type: ignore[misc]


def test_calendar_edges_do_not_raise():
    assert find_dates("9999 years ago and 5000 days ago", D("0001-01-05")) == []
    (t,) = find_dates("last month", D("2016-01-15"))
    assert (t.earliest, t.latest) == (D("2015-12-01"), D("2015-12-31"))
    (t,) = find_dates("two months ago", D("2016-01-15"))
    assert (t.earliest, t.latest) == (D("2015-11-01"), D("2015-11-30"))


def test_random_word_salad_keeps_invariants():
    rnd = random.Random(7)
    words = ("in on since until last this next the previous following May may March Sunday weekend week "
             "month year ago 2014 2015- 13 2-3 , . mid- early late end of 1,000 T-62 two weeks days Dec. 30 "
             "that same over").split()
    for _ in range(3000):
        s = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 12)))
        pub = dt.date(2000, 1, 1) + dt.timedelta(days=rnd.randint(0, 12000))
        found = find_dates(s, pub, rnd.choice([None, pub - dt.timedelta(days=400)]))
        check_invariants(s, found)


def test_long_hostile_input_is_linear_enough():
    s = "The militants may well in May 2015 have 60,000 feet on Sunday " * 2000
    found = find_dates(s, D("2016-12-12"))
    assert len(found) == 4000
    check_invariants(s, found)


def _sentences(seed: int, n: int) -> list[str]:
    """Made-up sentences full of date phrases and near misses, in every case."""
    rng = random.Random(seed)
    bits = [
        "on", "in", "since", "until", "last", "this past", "the following", "early", "mid-", "late",
        "the end of", "March", "May", "Sept.", "Sep", "december", "Jun", "2 March", "March 2,", "2015",
        "2014-15", "1999", "2100", "Thursday", "friday", "Good Friday", "weekend", "the weekend", "WEEKEND",
        "week", "Month", "YEAR", "years", "ago", "Ago", "two", "three days ago", "12 weeks ago",
        "3 days Ago", "two weeks AGO", "yesterday", "Today", "YESTERDAY", "Last Night", "last night",
        "this morning", "that same month", "the last 2-3 years", "September 11 attacks", "the 4th of", "of",
        ",", ".", "the", "Palmyra", "fell", "13,000", "2.5", "$2015", "-", "Mayday", "Marching", "Decade",
        "hours", "Augusta", "JANUARY", "earlier this",
    ]
    return [" ".join(rng.choice(bits) for _ in range(rng.randint(1, 14))) for _ in range(n)]


def test_the_rules_cores_skip_no_date(monkeypatch):
    """A rule is tried only on a sentence that holds its core (temporal._CORES); the dates found are
    the same as when every rule is tried on every sentence."""
    import re

    from tadmur import temporal

    sentences = _sentences(5, 3000)
    with_cores = [summary(find_dates(s, D("2016-03-27"))) for s in sentences]
    everything = re.compile("")
    monkeypatch.setattr(temporal, "_CORES", dict.fromkeys(temporal._CORES, everything))
    assert [summary(find_dates(s, D("2016-03-27"))) for s in sentences] == with_cores
    assert sum(map(len, with_cores)) > 1000  # the sentences do hold dates
