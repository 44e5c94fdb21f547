"""The event stage over the whole corpus: read every citable sentence, find its reports, cluster
them into events and give each event its permanent id."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from ..kb import KB, Mention
from ..temporal import TimeExpr, find_dates, frame_after
from .assemble import make_event
from .cluster import absorb, group_other, group_territorial
from .dates import assign_dates, claims, settle
from .model import Event, Report
from .roles import Sentence, reports_in_sentence
from .sentence import claimant, clauses, dominant, figures, seats, sentence_refs
from .vocabulary import Vocabulary


def extract_events(
    kb: KB,
    vocab: Vocabulary,
    origin: dict[str, tuple[str, str, str]] | None = None,
    catalog: dict | None = None,
    cache=None,
) -> list[Event]:
    """Every event reported in the corpus, merged across reports, in date order. `origin` maps the
    surface of a name a contributor merged away to its old id (see sentence.dominant); `catalog`
    (id -> entity, default the KB's) tells which government a capital stands for. `cache` keeps each
    article's reports (articlecache.ReportCache); None computes them all."""
    reports = find_reports(kb, vocab, origin or {}, seats(catalog or kb.entities, vocab), cache)
    territorial = [r for r in reports if r.territory and r.place]
    other = [r for r in reports if not r.territory]
    t_groups = group_territorial(territorial)
    date_after_takings(t_groups, other)
    o_groups = group_other(absorb(t_groups, other, kb, vocab), kb, vocab)
    events = [make_event(g, kb, vocab) for g in t_groups + o_groups]
    events.sort(key=lambda e: (e.sort_key(), e.title))
    used: dict[str, int] = defaultdict(int)
    for e in sorted(events, key=lambda e: e.reports[0].founding_order()):
        used[e.id] += 1
        if used[e.id] > 1:
            e.id = f"{e.id}-{used[e.id]}"
    link_neighbours(events)
    return events


def find_reports(
    kb: KB, vocab: Vocabulary, origin: dict[str, tuple[str, str, str]], seat_of: dict[str, str], cache=None
) -> list[Report]:
    by_sentence: dict[tuple[str, int, int], list[Mention]] = defaultdict(list)
    for m in kb.mentions:
        by_sentence[(m.article, m.paragraph, m.sentence)].append(m)

    def one(art) -> list[Report]:
        return article_reports(kb, vocab, origin, seat_of, art, by_sentence)

    if cache is not None:
        return cache.reports(kb, origin, seat_of, one)
    return [r for art in kb.articles for r in one(art)]


def article_reports(
    kb: KB,
    vocab: Vocabulary,
    origin: dict[str, tuple[str, str, str]],
    seat_of: dict[str, str],
    art,
    by_sentence: dict[tuple[str, int, int], list[Mention]],
) -> list[Report]:
    """The reports of one article, which depend only on it, its mentions and the entities they name."""
    reports: list[Report] = []
    doc = kb.docs[art.id]
    dominant_of = {
        "armed group": dominant(kb, art.id, "actor", {"armed group"}, origin),
        "state force": dominant(kb, art.id, "actor", {"state force"}, origin),
        "city": dominant(kb, art.id, "place", {"city", "town"}, origin),
    }
    recent: dict[str, str] = {}  # the last city named so far in the article, for "the city"
    for para in doc.scanned():
        if para.role == "comment":
            continue  # readers' comments are not reports
        frame = None  # the time the paragraph is talking about, set by its date phrases
        for si, (s0, s1) in enumerate(para.sentences):
            text = para.text[s0:s1]
            refs = sentence_refs(
                kb,
                vocab,
                text,
                s0,
                by_sentence.get((art.id, para.n, si), []),
                dominant_of,
                recent,
                seat_of,
            )
            dated_text = re.split(r"\s--\s", text)[0] if para.role == "headline" else text
            dates = find_dates(dated_text, art.published, frame)
            for d in dates:
                frame = frame_after(d, frame)
            actors = [r for r in refs if kb.entities[r.entity].kind == "actor"]
            figs = figures(text, vocab)
            who = claimant(text, actors, vocab)
            for f in figs:
                f["claimant"] = who
            s = Sentence(
                kb,
                vocab,
                art.id,
                para.n,
                si,
                text,
                refs,
                para.role,
                para.author,
                who,
                figs,
                bool(vocab.doubt.search(text)),
            )
            found, triggers = reports_in_sentence(s)
            assign_dates(found, triggers, dates, clauses(text), text)
            if para.role == "headline":
                date_news(found, text, art.published)
            reports += found
    return reports


NEWS_VERB = re.compile(r"(?:\b(?:has|have)\s+(?:been\s+)?(?:\w+ly\s+)?$)", re.I)


def date_news(reports: list[Report], text: str, published: dt.date) -> None:
    """A headline in the present or present perfect ("Syrian army retakes Palmyra", "says it has
    recaptured Palmyra") reports news of the days before publication: the week up to it. A past
    tense or a noun ("used", "Palmyra's fall") could be any time, and stays undated."""
    for r in reports:
        word = r.trigger.split()[-1].lower()
        perfect = bool(NEWS_VERB.search(text[: r.start]))
        present = word.endswith("s") and not word.endswith(("ss", "us")) and len(r.trigger.split()) == 1
        if r.date is None and (perfect or present):
            r.date = TimeExpr(
                r.start,
                r.start + len(r.trigger),
                "(headline news)",
                published - dt.timedelta(days=6),
                published,
                "week",
                published,
                "at",
            )


def date_after_takings(territorial: list[list[Report]], other: list[Report]) -> None:
    """ "The Islamic State's conquest of Palmyra appears to have netted the group a trove of weaponry":
    an undated report told in the same sentence as a dated change of hands at its place (or with no
    place) happened between that change of hands and its own publication."""
    start: dict[tuple, tuple[dt.date, str]] = {}
    for g in territorial:
        earliest, _, _, _ = settle(claims(g))
        if earliest is None:
            continue
        for r in g:
            start.setdefault((r.article, r.paragraph, r.sentence), (earliest, r.trigger, r.place))
    for r in other:
        hit = start.get((r.article, r.paragraph, r.sentence))
        if r.date is None and hit and (r.place in (None, hit[2])) and hit[0] <= r.published:
            days = (r.published - hit[0]).days
            precision = "day" if days == 0 else "week" if days < 7 else "month" if days < 31 else "year"
            r.date = TimeExpr(
                r.start,
                r.start + len(r.trigger),
                f"after the {hit[1]}",
                hit[0],
                r.published,
                precision,
                hit[0],
                "after",
            )


def link_neighbours(events: list[Event]) -> None:
    """Previous and next event at the same place."""
    by_place: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        e.previous = e.next = None
        if e.place:
            by_place[e.place].append(e)
    for evs in by_place.values():
        for a, b in zip(evs, evs[1:], strict=False):
            a.next, b.previous = b.id, a.id
