"""The timeline: timeline.md, and when it is long timeline/<year>.md, timeline/<year>-<month>.md and
numbered pages of a busy month, each page small whatever the size of the corpus."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from functools import partial

from .common import entities_of, event_date, event_link, rel
from .context import BuildContext, Page


def emit(ctx: BuildContext) -> Iterable[Page]:
    events = ctx.events
    per = ctx.limits.page_events
    if len(events) <= per:
        yield Page(
            "timeline.md",
            "",
            lambda: ctx.render(
                "timeline.md.j2",
                years=_years(ctx, "timeline.md", events),
                count=len(events),
                axis=ctx.figures.timeline_axis(events),
                periods=[],
                period=None,
            ),
        )
        return
    by_year: dict[str, list] = {}
    for ev in events:
        by_year.setdefault(_when(ev)[0], []).append(ev)
    pages: list[tuple[str, str, list, tuple]] = []  # (path, label, events, axis bounds)
    periods = []
    for year, evs in by_year.items():
        entry = {"label": year, "count": len(evs), "link": "", "months": []}
        if len(evs) <= per or year == "Undated":
            path = f"timeline/{year.lower()}.md"
            entry["link"] = rel("timeline.md", path)
            pages.append((path, year, evs, (year, year) if year != "Undated" else None))
        else:
            by_month: dict[tuple[str, str], list] = {}
            for ev in evs:
                _, label, slug = _when(ev)
                by_month.setdefault((slug, label), []).append(ev)
            for (slug, label), mevs in by_month.items():
                path = f"timeline/{slug}.md"
                bounds = (slug, slug) if slug[5:].isdigit() else (year, year)
                link_ = rel("timeline.md", path)
                entry["months"].append({"label": label, "count": len(mevs), "link": link_})
                pages.append((path, label, mevs, bounds))
        periods.append(entry)
    # A month busier than a page holds continues on timeline/<year>-<month>-2.md, ...
    pages = [
        (
            path if i == 0 else f"{path[:-3]}-{i // per + 1}.md",
            label if i == 0 else f"{label} ({i // per + 1})",
            evs[i : i + per],
            bounds,
        )
        for path, label, evs, bounds in pages
        for i in range(0, len(evs), per)
    ]
    yield Page(
        "timeline.md",
        "",
        lambda: ctx.render(
            "timeline.md.j2", years=[], count=len(events), axis="", periods=periods, period=None
        ),
    )
    for i, (path, label, evs, bounds) in enumerate(pages):
        nav = {
            "index": rel(path, "timeline.md"),
            "previous": (pages[i - 1][1], rel(path, pages[i - 1][0])) if i else None,
            "next": (pages[i + 1][1], rel(path, pages[i + 1][0])) if i + 1 < len(pages) else None,
        }
        args = (ctx, path, label, evs, bounds, nav)
        yield Page(path, "", partial(_period, *args), partial(_key, *args))


def _key(ctx: BuildContext, path: str, label: str, evs: list, bounds: tuple | None, nav: dict) -> str:
    """Everything _period reads (keys.py): its events, the names they show, its place among the pages."""
    k = ctx.keys
    names = sorted({eid for ev in evs for eid in entities_of(ev)})
    digests = [k.event(e) for e in evs]
    return k.key("period", path, label, digests, bounds, nav, [(x, k.entity(x)) for x in names])


def _period(ctx: BuildContext, path: str, label: str, evs: list, bounds: tuple | None, nav: dict) -> str:
    """A year's or a month's page of a long timeline."""
    return ctx.render(
        "timeline.md.j2",
        years=_years(ctx, path, evs),
        count=len(evs),
        axis=ctx.figures.timeline_axis(evs, path, *bounds) if bounds else "",
        periods=[],
        period={"label": label, **nav},
    )


def _when(ev) -> tuple[str, str, str]:
    """(year label, month label, month slug) of an event on the timeline."""
    # Undated events stand at the date they were reported, marked as such.
    day = ev.earliest or ev.latest
    if not day:
        return "Undated", "Undated", "undated"
    if ev.precision != "year" or not ev.earliest:
        return _month(day.year, day.month)
    return str(day.year), f"{day.year}, month not given", f"{day.year}-month-not-given"


@functools.cache
def _month(year: int, month: int) -> tuple[str, str, str]:
    """_when of a dated event (asked for every event several times: strftime is slow)."""
    return str(year), dt.date(year, month, 1).strftime("%B %Y"), f"{year}-{month:02d}"


def _years(ctx: BuildContext, src: str, events: list) -> list[dict]:
    years: list[dict] = []
    for ev in events:
        year_label, month_label, _ = _when(ev)
        if not years or years[-1]["label"] != year_label:
            years.append({"label": year_label, "months": []})
        months = years[-1]["months"]
        if not months or months[-1]["label"] != month_label:
            months.append({"label": month_label, "events": []})
        months[-1]["events"].append(
            {
                "date": event_date(ev),
                "link": event_link(src, ev),
                "label": ev.label,
                "names": [ctx.entity_link(src, eid) for eid in entities_of(ev)],
                "disputed": ev.disputed,
                "doubtful": ev.doubtful,
            }
        )
    return years
