"""Pictures on the pages: the map, place locators, who-held-it strips, the time axis and each actor's
neighbourhood. Plain data is gathered here from the knowledge base and events; `visuals.py` draws the
SVG. Figures are inline SVG in a raw HTML block, so links inside them are written as the served
(directory) URLs, relative to the page.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
from collections import Counter
from pathlib import Path

from . import visuals
from .events import control_history
from .kb import KB
from .paths import relpath


def served_dir(doc_path: str) -> str:
    """The folder a docs/ page is served from: places/palmyra.md -> places/palmyra/."""
    if doc_path.endswith("index.md"):
        return posixpath.dirname(doc_path)
    return doc_path[: -len(".md")]


def href(src_doc: str, target_url: str) -> str:
    """Relative link from a page to a directory URL such as places/palmyra/."""
    path = relpath(target_url.rstrip("/") or ".", served_dir(src_doc) or ".")
    return "./" if path == "." else path + "/"


def figure(svg: str, caption: str = "", kind: str = "") -> str:
    """A raw HTML block Markdown leaves alone (no blank line may appear inside)."""
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    cls = f"tadmur-figure tadmur-{kind}" if kind else "tadmur-figure"
    # Labels inside a picture repeat the page's text: kept out of the search index.
    return f'<figure class="{cls}" data-search-exclude markdown="0">\n{svg.strip()}\n{cap}</figure>'


NEAR = 2.5  # degrees: the places a locator map shows around its place


class Figures:
    def __init__(self, kb: KB, events: list, geo_path: Path):
        self.kb = kb
        self.events = events
        self.region = visuals.load_region(geo_path) if geo_path.exists() else {"countries": []}
        self.event_count = Counter()
        # Made once, so that each page's figure looks only at its own events and neighbours.
        self.at_place: dict[str, list] = {}
        self.with_participant: dict[str, list] = {}
        self.affiliated: dict[str, list[tuple[str, str]]] = {}
        for e in events:
            for eid in {e.place, *e.weapons, *(x for ids in e.participants.values() for x in ids)} - {None}:
                self.event_count[eid] += 1
            self.at_place.setdefault(e.place, []).append(e)
            for eid in dict.fromkeys(x for ids in e.participants.values() for x in ids):
                self.with_participant.setdefault(eid, []).append(e)
        for other in kb.entities.values():
            for target, relation in other.affiliation:
                self.affiliated.setdefault(target, []).append((other.id, relation))
        self._place_list: list[dict] | None = None
        self._last: dt.date | None = None  # the newest article's day: control strips end after it

    def weight(self, eid: str) -> int:
        """How much happens at or with an entity: events count three times a mention."""
        return self.event_count[eid] * 3 + len(self.kb.by_entity.get(eid, []))

    def _places(self, src: str | None) -> list[dict]:
        out = []
        for e in self.kb.entities.values():
            if e.kind == "place" and e.coordinates and e.type != "country":
                n_ev, n_m = self.event_count[e.id], len(self.kb.by_entity.get(e.id, []))
                out.append(
                    {
                        "name": e.name,
                        "lat": e.coordinates[0],
                        "lon": e.coordinates[1],
                        # None: the site-relative URL, made relative to each page later
                        "href": href(src, e.url) if src is not None else e.url,
                        "weight": self.weight(e.id),
                        "kind": e.type,
                        "label": f"{e.name}: {n_ev} events, {n_m} mentions",
                    }
                )
        return sorted(out, key=lambda p: (-p["weight"], p["name"]))

    def map_page_svg(self) -> str:
        """The region map of every place with coordinates, or nothing when there are none."""
        places = self._places("map.md")
        if not places:
            return ""
        return figure(visuals.region_map(self.region, places, "Map of the places named in the articles"))

    def place_parts(self, eid: str) -> tuple:
        """What a place's pictures (locator map and, if the place changed hands, the control strip) are
        drawn from, as plain data: `draw` makes them, and the page's key includes it."""
        ent = self.kb.entities[eid]
        src = ent.doc_path
        locator = None
        if ent.coordinates and self.region["countries"]:
            lat, lon = ent.coordinates
            # The nearest neighbours, and only what the locator draws of them: by weight or with their
            # counts, every neighbour's page would change whenever an article names a place.
            around = sorted(
                ((d, p["name"], p) for p in self._near(lat, lon) if p["name"] != ent.name
                 if (d := math.hypot(p["lat"] - lat, p["lon"] - lon)) < NEAR),
                key=lambda x: x[:2],
            )
            near = [
                {"name": p["name"], "lat": p["lat"], "lon": p["lon"], "href": href(src, p["href"])}
                for _, _, p in around[:8]
            ]
            locator = ({"name": ent.name, "lat": lat, "lon": lon, "href": href(src, ent.url)}, near)
        return ("place", locator, self.control_parts(eid))

    def _near(self, lat: float, lon: float) -> list[dict]:
        """The places in the grid cells around (lat, lon): every place within NEAR degrees is among
        them."""
        if self._place_list is None:
            self._place_list = self._places(None)
            self._grid: dict[tuple[int, int], list[int]] = {}
            for i, p in enumerate(self._place_list):
                cell = (math.floor(p["lat"] / NEAR), math.floor(p["lon"] / NEAR))
                self._grid.setdefault(cell, []).append(i)
        r, c = math.floor(lat / NEAR), math.floor(lon / NEAR)
        cells = [(r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
        found = sorted(i for cell in cells for i in self._grid.get(cell, ()))
        return [self._place_list[i] for i in found]

    def draw(self, parts: tuple) -> str:
        """The figures of `place_parts` or `actor_parts`."""
        if parts[0] == "actor":
            _, center, ordered = parts
            if not ordered:
                return ""
            return figure(visuals.neighbourhood_graph(center, ordered, f"Neighbourhood of {center['name']}"))
        _, locator, control = parts
        out = []
        if locator is not None:
            out.append(figure(visuals.locator_map(self.region, *locator), kind="locator"))
        if control is not None:
            out.append(figure(visuals.control_strip(*control)))
        return "\n\n".join(out)

    def control_parts(self, eid: str) -> tuple | None:
        ent = self.kb.entities[eid]
        history = control_history(self.at_place.get(eid, []), eid)
        if len(history) < 2:
            return None
        periods = []
        for i, h in enumerate(history):
            start = h["earliest"] or h["latest"]
            nxt = history[i + 1] if i + 1 < len(history) else None
            end = (nxt["earliest"] or nxt["latest"]) if nxt else None
            holder = self.kb.entities[h["holder"]]
            periods.append(
                {
                    "holder": holder.name,
                    "href": href(ent.doc_path, holder.url),
                    "start": start,
                    "end": end,
                    "uncertain": h["precision"] not in ("day", "week"),
                }
            )
        if self._last is None:
            self._last = max(a.published for a in self.kb.articles)
        start = periods[0]["start"].replace(day=1)
        return (
            periods,
            start,
            max(self._last, periods[-1]["start"]) + dt.timedelta(days=31),
            f"Who held {ent.name} when",
        )

    def timeline_axis(
        self, events: list | None = None, src: str = "timeline.md", start=None, end=None
    ) -> str:
        """The time axis of `events` (default: all) on the page `src`, from `start` to `end` (ISO strings,
        default: whole years around the events)."""
        marks = []
        for e in self.events if events is None else events:
            if not e.earliest:
                continue
            marks.append(
                {
                    "title": e.title,
                    "href": href(src, e.url),
                    "start": e.earliest,
                    "end": e.latest or e.earliest,
                    "precision": e.precision,
                    "lane": e.category,
                }
            )
        if not marks:
            return ""
        title = "Dated events on a time axis, by category"
        return figure(visuals.time_axis(marks, title, start=start, end=end))

    def actor_parts(self, eid: str) -> tuple:
        """What the actor's neighbourhood (affiliations, weapons it used or captured, places it fought
        over) is drawn from, as plain data, like place_parts."""
        kb = self.kb
        ent = kb.entities[eid]
        src = ent.doc_path
        nodes: dict[str, dict] = {}

        def add(other: str, relation: str, weight: int = 1) -> None:
            if other == eid or other not in kb.entities:
                return
            o = kb.entities[other]
            node = nodes.setdefault(
                other, {"name": o.name, "href": o.url, "kind": o.kind, "relation": relation, "weight": 0}
            )
            node["weight"] += weight

        for target, relation in ent.affiliation:
            add(target, f"affiliation: {relation}", 3)
        for other, relation in self.affiliated.get(eid, []):
            add(other, f"affiliation: {relation}", 3)
        for e in self.with_participant.get(eid, []):
            roles = {r for r, ids in e.participants.items() if eid in ids}
            if not roles:
                continue
            for w in e.weapons:
                add(w, "used or captured" if "agent" in roles else "weapons in its events")
            if e.place:
                add(e.place, "fought over" if e.category == "Battles" else "acted at")
            for r, ids in e.participants.items():
                for other in ids:
                    if other != eid:
                        add(other, "opponent" if {r, *roles} & {"target", "taken from"} else "alongside")
        center = {"name": ent.name, "href": href(src, ent.url), "kind": ent.kind}
        # Only the nodes the graph draws, linked from this page: the others are no part of the page.
        kept = [{**n, "href": href(src, n["href"])} for n in visuals.heaviest_nodes(list(nodes.values()))]
        ordered = sorted(kept, key=lambda n: (-n["weight"], n["name"]))
        return ("actor", center, ordered)
