"""Which reports tell of one happening.

- Changes of hands, per place: an actor cannot take a place twice without losing it in between, so
  reports of "A took X" with no other holder dated between them are one event, even when they give
  different dates (the disagreement is kept as separate date claims).
- Other reports merge within their family (an air strike and the weapons it destroyed) at one place when
  their dates overlap and their actors agree.
- Fighting, siege and strike reports at the place (or a site inside it) and time of a change of hands
  are part of it: dated reports when their dates overlap, undated ones when told in the same sentence.
Each group caches what merging asks of it again and again, so thousands of reports stay near-linear.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict

from ..kb import KB
from .dates import report_range
from .model import Report
from .vocabulary import Vocabulary

MATERIEL = ("materiel-capture", "weapons-use", "supply")  # one happening per set of weapons


class Group(list):
    """A list of reports with a cache of its holder, articles and dated days."""

    def __init__(self, items=()):
        super().__init__(items)
        self._cache: dict[str, object] = {}

    def append(self, item) -> None:
        super().append(item)
        self._cache.clear()

    def extend(self, items) -> None:
        super().extend(items)
        self._cache.clear()

    def memo(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make(self)
        return self._cache[key]


def holder(group: list[Report]) -> str | None:
    def make(g):
        holders = Counter(r.holder for r in g if r.holder)
        return sorted(holders.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if holders else None

    return group.memo("holder", make) if isinstance(group, Group) else make(group)


def _days(group: Group) -> list[dt.date]:
    return group.memo("days", lambda g: sorted({x.date.earliest for x in g if x.date}))


def _any_between(days: list[dt.date], lo: dt.date, hi: dt.date) -> bool:
    """Is a day of the sorted list within [lo, hi]?"""
    i = bisect.bisect_left(days, lo)
    return i < len(days) and days[i] <= hi


def _articles(group: Group) -> set[str]:
    return group.memo("articles", lambda g: {x.article for x in g})


def _overlaps(a: Report, b: Report) -> bool:
    ea, la = report_range(a)
    eb, lb = report_range(b)
    return ea <= lb and eb <= la


def _fits_holder(g: Group, r: Report) -> bool:
    """Same holder, or one side does not say; but a report that X lost the place never joins X's taking."""
    h = holder(g)
    if r.holder is None:
        return h is None or r.target != h
    return h is None or h == r.holder


def group_territorial(reports: list[Report]) -> list[Group]:
    by_place: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        by_place[r.place].append(r)
    groups: list[Group] = []
    for place in sorted(by_place, key=str):
        reps = by_place[place]
        place_groups: list[Group] = []
        # Every group's dated days as (day, group), in the order the reports come, which is by day: the
        # days between two dates are a slice at the end, not a search through every group.
        marks: list[tuple[dt.date, Group]] = []
        for r in sorted(
            (r for r in reps if r.date), key=lambda r: (r.date.earliest, r.article, r.paragraph, r.start)
        ):
            cur = next((g for g in reversed(place_groups) if _fits_holder(g, r)), None)
            if cur is not None:
                last = cur.memo("last_dated", lambda g: max(report_range(x)[0] for x in g if x.date))
                # (every mark is on or before r's day: the reports come sorted by it)
                start = bisect.bisect_left(marks, last, key=lambda m: m[0])
                between = any(
                    g is not cur and holder(g) not in (r.holder, None) for _, g in marks[start:]
                )
                same_holder = r.holder is not None and holder(cur) == r.holder
                if not between and (same_holder or any(x.date and _overlaps(x, r) for x in cur)):
                    cur.append(r)
                    marks.append((r.date.earliest, cur))
                    continue
            place_groups.append(Group([r]))
            marks.append((r.date.earliest, place_groups[-1]))
        undated = sorted((r for r in reps if not r.date), key=lambda r: (r.article, r.paragraph, r.sentence))
        holdings = _Holdings(place_groups) if undated else None
        for r in undated:
            # Undated: the most recent matching event reported on or before the article's date.
            latest = holdings.latest(r)
            fits = [
                g
                for g in holdings.pool(r)
                if _fits_holder(g, r)
                and (r.holder is not None or _recent_or_same_article(g, r))
                and g.memo("start", lambda g: min(report_range(x)[0] for x in g)) <= r.published
                and not _taken_since(g, latest)
            ]
            if fits:
                g = max(
                    fits,
                    key=lambda g: g.memo(
                        "last", lambda g: max(x.date.earliest if x.date else x.published for x in g)
                    ),
                )
                holdings.join(g, r)
            else:
                holdings.start(r)
        groups += _merge_contested(place_groups)
    return groups


def _recent_or_same_article(g: Group, r: Report) -> bool:
    """A report that does not say who took the place ("the fall of Mosul") joins an event only if that
    event is from the same article or happened in the month before the report."""
    if r.article in _articles(g):
        return True
    days = _days(g)
    return bool(days) and (r.published - days[-1]).days <= 31


class _Holdings:
    """The groups at one place, indexed for its undated reports, so that one report costs about the
    number of holders at the place rather than the number of groups there (a country's page gathers
    thousands). Per holder, every dated day of its groups, sorted; per holder, its groups in the
    place's order; per article, the groups that include it. Undated reports add no days, so only a
    group whose holder changes as a report joins it moves between the lists."""

    def __init__(self, groups: list[Group]):
        self.groups = groups  # the place's groups, in order; `start` adds one
        self._seq: dict[int, int] = {}  # id(group) -> its place in `groups`
        self._days: dict[str, list[tuple[dt.date, int, Group]]] = defaultdict(list)
        self._members: dict[str | None, list[tuple[int, Group]]] = defaultdict(list)
        self._by_article: dict[str, dict[int, Group]] = defaultdict(dict)
        for g in groups:
            self._add(g, sort=False)
        for entries in self._days.values():
            entries.sort(key=lambda e: e[:2])
        # Each dated group by its last day (undated reports add none, and new groups have none).
        self._last = sorted(((_days(g)[-1], self._seq[id(g)], g) for g in groups if _days(g)),
                            key=lambda e: e[:2])

    def start(self, r: Report) -> None:
        """`r` is a group of its own, after the place's others."""
        self.groups.append(Group([r]))
        self._add(self.groups[-1])

    def _add(self, g: Group, sort: bool = True) -> None:
        seq = self._seq[id(g)] = len(self._seq)
        self._index(g, holder(g), seq, sort)
        for article in _articles(g):
            self._by_article[article][id(g)] = g

    def _index(self, g: Group, h: str | None, seq: int, sort: bool = True) -> None:
        bisect.insort(self._members[h], (seq, g), key=lambda m: m[0])
        if h is None:
            return
        entries = self._days[h]
        for day in _days(g):
            if sort:
                bisect.insort(entries, (day, seq, g), key=lambda e: e[:2])
            else:
                entries.append((day, seq, g))

    def join(self, g: Group, r: Report) -> None:
        """`r` joins `g`, whose holder may change with it."""
        was = holder(g)
        g.append(r)
        self._by_article[r.article][id(g)] = g
        now = holder(g)
        if now != was:
            seq = self._seq[id(g)]
            self._members[was] = [m for m in self._members[was] if m[0] != seq]
            if was is not None:
                self._days[was] = [e for e in self._days[was] if e[1] != seq]
            self._index(g, now, seq)

    def pool(self, r: Report) -> list[Group]:
        """In the place's order, the groups `r` could join: by holder (`_fits_holder`) when it names one,
        else by time (`_recent_or_same_article`: from its article, or with a last day no earlier than
        31 days before its publication)."""
        if r.holder is not None:
            both = self._members.get(r.holder, []) + self._members.get(None, [])
            return [g for _, g in sorted(both, key=lambda m: m[0])]
        since = r.published - dt.timedelta(days=31)
        first = bisect.bisect_left(self._last, since, key=lambda e: e[0])
        pool = {seq: g for _, seq, g in self._last[first:]}
        pool.update((self._seq[key], g) for key, g in self._by_article.get(r.article, {}).items())
        return [pool[seq] for seq in sorted(pool)]

    def latest(self, r: Report) -> list[tuple[dt.date, str]]:
        """The groups' latest day on or before the report's publication, per holder: the two latest,
        each of another holder (what `_taken_since` asks of any group needs no more). Takings told in
        the report's own article, and rival claims within three days of them, are its background and
        do not count."""
        own = sorted(d for o in self._by_article.get(r.article, {}).values() for d in _days(o))
        rivals: dict[int, bool] = {}

        def rival(g: Group) -> bool:
            if id(g) not in rivals:
                rivals[id(g)] = any(
                    _any_between(own, d - dt.timedelta(days=3), d + dt.timedelta(days=3)) for d in _days(g)
                )
            return rivals[id(g)]

        best: dict[str, dt.date] = {}
        for h, entries in self._days.items():
            # From the latest day on or before publication back: the first of a group that counts.
            i = bisect.bisect_right(entries, r.published, key=lambda e: e[0]) - 1
            while i >= 0:
                day, _, g = entries[i]
                if r.article not in _articles(g) and not rival(g):
                    best[h] = day
                    break
                i -= 1
        return sorted(((d, h) for h, d in best.items()), reverse=True)[:2]


def _taken_since(g: Group, latest: list[tuple[dt.date, str]]) -> bool:
    """Taken by another holder after g's last day and before the report was published (`latest`, from
    `_Holdings.latest`)? A group that took the place on a day in that span is of another holder than
    g's, so g itself, or any group of g's holder, never counts."""
    days = _days(g)
    start = days[-1] if days else g.memo("first_report", lambda g: min(x.published for x in g))
    mine = holder(g)
    return any(day > start for day, h in latest if h != mine)


_DAYS_LISTED = 62  # a precise report's range longer than this is not indexed day by day


def _precise(x: Report) -> bool:
    return bool(x.date) and x.date.precision in ("day", "week")


def _merge_contested(groups: list[Group]) -> list[Group]:
    """Two outcomes reported for one fight ("Russian air power drove the militants out" and "the
    militants reentered the city" the same weekend) are one event with disagreeing claims.

    A group joins the first earlier one (in `out`'s order) of another holder with a day- or
    week-precise report whose days meet one of its own. Those days are indexed (day -> the groups in
    `out` with a precise report on it), so a group is tested against the few that share a day rather
    than against every group at the place."""
    out: list[Group] = []
    on_day: dict[int, set[int]] = defaultdict(set)
    wide: set[int] = set()  # groups with a precise report whose range is too long to index by day

    def days(x: Report) -> range | None:
        """The days of a precise report, as ordinals; None when there are too many to list."""
        a, b = (d.toordinal() for d in report_range(x))
        return range(a, b + 1) if b - a <= _DAYS_LISTED else None

    def index(i: int, reports) -> None:
        for y in filter(_precise, reports):
            listed = days(y)
            if listed is None:
                wide.add(i)
            for day in listed or ():
                on_day[day].add(i)

    for g in groups:
        dated = [x for x in g if _precise(x)]
        home = None
        if dated:
            near: set[int] = set(wide)
            for x in dated:
                listed = days(x)
                if listed is None:  # a long range: every group is near
                    near = set(range(len(out)))
                    break
                for day in listed:
                    near |= on_day.get(day, set())
            mine = holder(g)
            home = next(
                (
                    i
                    for i in sorted(near)
                    if holder(out[i]) != mine
                    and any(_precise(y) and _overlaps(x, y) for x in dated for y in out[i])
                ),
                None,
            )
        if home is not None:
            out[home].extend(g)
            index(home, g)
        else:
            out.append(g)
            index(len(out) - 1, g)
    return out


def related(kb: KB, vocab: Vocabulary, a: str | None, b: str | None, memo: dict | None = None) -> bool:
    """The same actor, or one is part of or led by the other, or both belong to one parent ("US
    forces", "the US-led coalition" and "the United States" in strike reports); which catalog
    relations count is data (`same_side` in data/events.yml). `memo` keeps each actor's parents for
    the caller's many questions. (The same as: their `sides` meet.)"""
    if a is None or b is None or a == b:
        return True
    pa, pb = _parents(kb, vocab, a, memo), _parents(kb, vocab, b, memo)
    return b in pa or a in pb or bool(pa & pb)


def _parents(kb: KB, vocab: Vocabulary, x: str, memo: dict | None) -> set[str]:
    if memo is not None and x in memo:
        return memo[x]
    ent = kb.entities.get(x)
    out = {t for t, rel in ent.affiliation if rel in vocab.same_side} if ent else set()
    if memo is not None:
        memo[x] = out
    return out


def sides(kb: KB, vocab: Vocabulary, x: str, memo: dict | None = None) -> set[str]:
    """The actor and its parents: two actors are `related` exactly when their sides meet (the same
    actor; one the other's parent; a parent in common)."""
    return {x} | _parents(kb, vocab, x, memo)


class _Sides:
    """The groups of one bucket of group_other by the sides of their actors (`sides`), so that a report
    naming its actor is tested only against the groups whose actors agree with it (or that have none):
    an undated report could otherwise meet every group of its place."""

    def __init__(self):
        self.by_side: dict[str, set[int]] = defaultdict(set)
        self.open: set[int] = set()  # groups with no actor yet

    def agreeing(self, agent_sides: set[str]) -> set[int]:
        out = set(self.open)
        for z in agent_sides:
            out |= self.by_side.get(z, set())
        return out

    def add(self, i: int, actor_sides: list[set[str]]) -> None:
        """Group i now has these actors (by their sides); none: it still has no actor."""
        if not actor_sides:
            self.open.add(i)
            return
        self.open.discard(i)
        for zs in actor_sides:
            for z in zs:
                self.by_side[z].add(i)


def group_other(reports: list[Report], kb: KB, vocab: Vocabulary) -> list[Group]:
    """Reports of one family at one place merge when their dates overlap and their actors (and, for
    weapons events, weapons) agree. Undated reports merge across articles published within a month of
    each other; a report that names no place joins its family's event in the same article."""
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    when: dict[tuple, _Months] = defaultdict(_Months)  # per bucket: its groups' dated days, by month
    by_side: dict[tuple, _Sides] = defaultdict(_Sides)  # per bucket: its groups' actors, by side
    order: list[dict] = []
    memo: dict[str, set[str]] = {}
    for r in sorted(
        reports, key=lambda r: (r.family, str(r.place), r.published, r.article, r.paragraph, r.start)
    ):
        where = (r.family, r.place)
        bucket, months, side = buckets[where], when[where], by_side[where]
        # The first group r joins, in the order the groups were made; a dated report is tested only
        # against the groups whose days could meet its own (the others fail _joins' first test).
        candidates = months.candidates(r, len(bucket))
        if r.agent is not None:
            # and only against those whose actors agree with its own (the others fail _joins too)
            agree = side.agreeing(sides(kb, vocab, r.agent, memo))
            if isinstance(candidates, range):
                candidates = sorted(agree)
            else:
                candidates = [i for i in candidates if i in agree]
        for i in candidates:
            g = bucket[i]
            if _joins(g, r, kb, vocab, memo):
                break
        else:
            g = {
                "reports": Group(),
                "actors": set(),
                "weapons": set(),
                "ranges": _Spans(),
                "dated_ranges": _Spans(),
                "dated": False,
                "first": r,
                "published": set(),
            }
            g["index"] = len(bucket)
            bucket.append(g)
            order.append(g)
            months.undated.add(g["index"])
        new_actors = {r.agent, r.target} - {None} - g["actors"]
        if new_actors or not g["reports"]:
            side.add(g["index"], [sides(kb, vocab, a, memo) for a in sorted(new_actors)])
        g["actors"] |= new_actors
        g["reports"].append(r)
        g["weapons"] |= set(r.weapons)
        g["ranges"].add(*report_range(r))
        if r.date:
            g["dated_ranges"].add(*report_range(r))
            months.add(g["index"], *report_range(r))
        g["dated"] = g["dated"] or r.date is not None
        g["published"].add(r.published)
    placed = [g for g in order if g["first"].place]
    # (family, article) -> the placed groups with a report from that article, by their place in
    # `placed`: the candidates for a report without a place, without scanning every group.
    told: dict[tuple, list[int]] = defaultdict(list)
    for i, h in enumerate(placed):
        for a in sorted({x.article for x in h["reports"]}):
            told[(h["first"].family, a)].append(i)
    out = []
    for g in order:
        if g["first"].place is None:
            arts = {x.article for x in g["reports"]}
            family = g["first"].family
            candidates = sorted({i for a in arts for i in told.get((family, a), ())})
            fits = (i for i in candidates if all(_joins(placed[i], x, kb, vocab, memo) for x in g["reports"]))
            home = next(fits, None)
            if home is not None:
                placed[home]["reports"].extend(g["reports"])
                for a in arts:
                    if home not in told[(family, a)]:
                        bisect.insort(told[(family, a)], home)
                continue
        out.append(g["reports"])
    return out


class _Months:
    """The groups of one bucket of group_other by the months their dated reports' days fall in, so that
    a dated report finds the groups it could join without testing every group of a place (at 5,000
    articles a bucket holds hundreds). A group with no dated report is tested by all its reports'
    days, which reach back without end: it is always a candidate, as is one whose days span too many
    months to list."""

    SPAN = 36  # months: a longer range is kept as always a candidate, a longer query scans them all

    def __init__(self):
        self.cells: dict[int, set[int]] = defaultdict(set)
        self.undated: set[int] = set()  # groups without a dated report
        self.wide: set[int] = set()  # groups with a dated range wider than SPAN

    @staticmethod
    def _month(d: dt.date) -> int:
        return d.year * 12 + d.month - 1

    def add(self, i: int, first: dt.date, last: dt.date) -> None:
        """Group i now holds a dated report of these days."""
        self.undated.discard(i)
        a, b = self._month(first), self._month(last)
        if b - a > self.SPAN:
            self.wide.add(i)
            return
        for m in range(a, b + 1):
            self.cells[m].add(i)

    def candidates(self, r: Report, count: int):
        """The groups (by index, in order) r could join; all `count` of them for an undated report."""
        if not r.date:
            return range(count)
        a, b = (self._month(d) for d in report_range(r))
        if b - a > self.SPAN:
            return range(count)
        found = self.undated | self.wide
        for m in range(a, b + 1):
            found |= self.cells.get(m, set())
        return sorted(found)


def _joins(g: dict, r: Report, kb: KB, vocab: Vocabulary, memo: dict | None = None) -> bool:
    # A dated report must meet the group's dates; its undated reports could be any time before. (Tested
    # first: of the group's tests it is the one that rules most groups out, and the cheapest.)
    actors = g["actors"]
    ranges = g["dated_ranges"] if r.date and g["dated_ranges"] else g["ranges"]
    if not ranges.overlaps(*report_range(r)):
        return False
    actors_agree = not actors or r.agent is None or any(related(kb, vocab, r.agent, a, memo) for a in actors)
    weapons_agree = not r.weapons or bool(set(r.weapons) & g["weapons"]) or r.family not in MATERIEL
    if not (actors_agree and weapons_agree):
        return False
    if r.date or g["dated"] or r.article == g["first"].article:
        return True
    # Two undated reports: one happening if reported within a month of each other by named actors.
    return r.agent is not None and any(abs((r.published - p).days) <= 31 for p in g["published"])


def absorb(territorial: list[Group], other: list[Report], kb: KB, vocab: Vocabulary) -> list[Report]:
    """Fold fighting, siege and strike reports into the change of hands they are part of, one report at
    a time (so that no chain of loosely dated reports drags an event along); return the others."""
    by_place: dict[str, list[Group]] = defaultdict(list)
    for g in territorial:
        by_place[g[0].place].append(g)
    order = {p: i for i, p in enumerate(by_place)}
    # What a report asks of each change of hands (see _Reach), kept up to date as reports join it, so a
    # report is tested against a group in logarithmic time instead of against each of its reports; and
    # per place, which groups could take a report at all (_AtPlace), so that it is tested against few.
    seen = {id(g): _Reach(g) for g in territorial}
    at = {p: _AtPlace(gs, seen) for p, gs in by_place.items()}
    keep = []
    for r in other:
        how = vocab.joins_territory(r.family)
        home = None
        if how and r.place:
            # The places r lies in (itself, then each `within` up the chain), in the groups' order:
            # a lookup per ancestor instead of a test against every place that changed hands.
            places = sorted((p for p in _enclosing(kb, r.place) if p in order), key=order.__getitem__)
            home = next((t for p in places if (t := at[p].first(r, how)) is not None), None)
        if home is not None:
            home.append(r)
            seen[id(home)].add(r)
            at[home[0].place].add(home, r)
        else:
            keep.append(r)
    return keep


class _AtPlace:
    """The changes of hands at one place, with the ones a report could be part of found by index: by
    the months of their dated days, and by the paragraphs and sentences their reports are told in. The
    first of those (in the place's order) that _Reach.part_of accepts is the one a scan would find."""

    def __init__(self, groups: list[Group], seen: dict[int, _Reach]):
        self.groups, self.seen = groups, seen
        self.where = {id(g): i for i, g in enumerate(groups)}
        self.months = _Months()
        self.paragraphs: dict[tuple, set[int]] = defaultdict(set)
        self.sentences: dict[tuple, set[int]] = defaultdict(set)
        for g in groups:
            for y in g:
                self.add(g, y)

    def add(self, g: Group, y: Report) -> None:
        i = self.where[id(g)]
        self.paragraphs[(y.article, y.paragraph)].add(i)
        self.sentences[(y.article, y.paragraph, y.sentence)].add(i)
        if y.date:
            self.months.add(i, *report_range(y))

    def first(self, r: Report, how: str) -> Group | None:
        if r.date:
            offered = self.months.candidates(r, len(self.groups))
        elif how == "paragraph":
            offered = sorted(self.paragraphs.get((r.article, r.paragraph), ()))
        else:
            offered = sorted(self.sentences.get((r.article, r.paragraph, r.sentence), ()))
        return next((self.groups[i] for i in offered if self.seen[id(self.groups[i])].part_of(r, how)), None)


class _Spans:
    """A union of closed date intervals, as sorted disjoint intervals: does [e, l] meet any of those added?
    (It meets the union exactly when it meets one of them.)"""

    def __init__(self):
        self.starts: list[dt.date] = []
        self.ends: list[dt.date] = []

    def __bool__(self) -> bool:
        return bool(self.starts)

    def add(self, e: dt.date, last: dt.date) -> None:
        lo = bisect.bisect_left(self.ends, e)  # the first interval that ends on or after e
        hi = bisect.bisect_right(self.starts, last)  # past the last that starts on or before last
        if lo < hi:
            e, last = min(e, self.starts[lo]), max(last, self.ends[hi - 1])
        self.starts[lo:hi] = [e]
        self.ends[lo:hi] = [last]

    def overlaps(self, e: dt.date, last: dt.date) -> bool:
        i = bisect.bisect_right(self.starts, last) - 1
        return i >= 0 and self.ends[i] >= e


class _Reach:
    """A change of hands as a fighting, siege or strike report asks of it: the union of its dated
    reports' days and the paragraphs and sentences its reports are told in."""

    def __init__(self, group: list[Report]):
        self.days = _Spans()
        self.paragraphs: set[tuple] = set()
        self.sentences: set[tuple] = set()
        for y in group:
            self.add(y)

    def add(self, y: Report) -> None:
        self.paragraphs.add((y.article, y.paragraph))
        self.sentences.add((y.article, y.paragraph, y.sentence))
        if y.date:
            self.days.add(*report_range(y))

    def part_of(self, r: Report, how: str) -> bool:
        """Is r part of this change of hands? Dated: its days meet the group's (never when dated as
        after one); undated: told in the same paragraph, or sentence, as one of its reports."""
        if r.date and r.date.relation == "after":
            return False
        if r.date:
            return self.days.overlaps(*report_range(r))
        if how == "paragraph":
            return (r.article, r.paragraph) in self.paragraphs
        return (r.article, r.paragraph, r.sentence) in self.sentences


def _enclosing(kb: KB, place: str) -> list[str]:
    """The place and every place it lies within (the same chain `inside` walks)."""
    out, seen = [], set()
    while place and place not in seen:
        seen.add(place)
        out.append(place)
        ent = kb.entities.get(place)
        place = ent.within if ent else None
    return out
