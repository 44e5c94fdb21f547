"""Inline SVG pictures built at build time: region and locator maps, control strips, time axes, graphs.

Plain data in, one `<svg>...</svg>` string out; standard library only, no network, no JavaScript. The
caller embeds the string in a raw HTML block (`<div class="tadmur-figure" markdown="0">`), so:

- the SVG has no blank line (one element per line), and every piece of text in it (names, titles,
  labels, hrefs) is whitespace-folded and escaped with html.escape(quote=True);
- hrefs come from the caller (relative URLs); one with a script-capable scheme is dropped;
- the same input gives the same bytes: coordinates are rounded to 1 decimal, ids are derived from a
  hash of the input (pass `uid=` to choose them), and nothing depends on Python's hash();
- accessibility: a `<title>` first child named by aria-labelledby. An SVG without links is
  role="img"; one with links is role="group" (role="img" makes its children presentational, so links
  inside it would be hidden from assistive technology and axe-core's nested-interactive rule fails).
  Every link has an aria-label and a `<title>` (tooltip); purely visual text is aria-hidden;
- colours: text and outlines use currentColor (light and dark modes); categories use six mid-tone
  colours with at least 3:1 contrast on white and on #1e2129, and dark text on them stays above 4.5:1.
  Classes (tadmur-*) let docs/assets/tadmur.css refine the defaults set as presentation attributes.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .geodata import clip_ring, simplify

SVG_NS = "http://www.w3.org/2000/svg"
# Mid-tone colours: >= 3:1 against white and against #1e2129, and #111 text on them >= 4.5:1.
PALETTE = ("#3d8bd9", "#c9710b", "#5e9e3a", "#8f7bd6", "#e15759", "#2a9d8f")
BLUE, ORANGE, GREEN, PURPLE, RED, TEAL = PALETTE
INK = "#111"  # text drawn on a palette colour
MONTHS = (
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
FOCUS_COUNTRIES = ("Syria", "Iraq")

# Map marker colours by place kind: (legend group, colour).
_SETTLEMENT, _MILITARY, _AREA = ("city/town", BLUE), ("base/airport", RED), ("area", GREEN)
_ECONOMY, _SITE, _OTHER = ("field/facility", ORANGE), ("site", PURPLE), ("other", TEAL)
KIND_GROUPS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("city", "town", "village", "camp", "neighbourhood", "neighborhood"), _SETTLEMENT),
    **dict.fromkeys(("air base", "airbase", "base", "military base", "airport", "checkpoint"), _MILITARY),
    **dict.fromkeys(("governorate", "region", "district", "country", "province", "subdistrict"), _AREA),
    **dict.fromkeys(("field", "oil field", "gas field", "refinery", "dam", "power plant"), _ECONOMY),
    **dict.fromkeys(("site", "museum", "heritage site", "ruins"), _SITE),
}
GRAPH_KINDS = {"actor": ("actor", BLUE), "weapon": ("weapon", ORANGE), "place": ("place", GREEN)}

MAP_WIDTH = 800
MAP_MIN_HEIGHT, MAP_MAX_HEIGHT = 360, 640
MAX_MARKER_RADIUS = 18
MAP_LABELS = 12
GRAPH_MAX_NODES = 24


# --- small helpers -----------------------------------------------------------------------------------


def _fold(value: Any) -> str:
    """Whitespace folded to single spaces: no newline can reach the SVG (a blank line ends the block)."""
    return " ".join(str(value).split())


def _esc(value: Any) -> str:
    return html.escape(_fold(value), quote=True)


_UNSAFE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


def _href(value: Any) -> str | None:
    """The caller's URL, control characters removed and spaces encoded; None when absent or unsafe."""
    if value is None:
        return None
    text = "".join(ch for ch in str(value) if ch >= " " and ch != "\x7f").strip().replace(" ", "%20")
    if not text or _UNSAFE_SCHEME.match(re.sub(r"[\s\x00-\x1f]", "", text)):
        return None
    return html.escape(text, quote=True)


def _n(x: float) -> str:
    """A coordinate rounded to 1 decimal, without a trailing .0 or a negative zero."""
    text = f"{round(x, 1):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(value).lower()).strip("-") or "other"


def _uid(kind: str, *payload: Any) -> str:
    data = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return f"tadmur-{kind}-" + hashlib.sha1(data.encode("utf-8")).hexdigest()[:10]


def palette_colour(name: Any) -> str:
    """A stable colour for a name (holder, lane): sha1 of the folded name, never Python's hash()."""
    digest = hashlib.sha1(_fold(name).casefold().encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.58


def _truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, with an ellipsis."""
    text = _fold(text)
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    if text[len(cut)] != " ":
        # Never stop inside a word: screen readers announce the full name, and a visible fragment
        # ("amphitheate…") is not part of it. Finish a word that ends soon, else drop it.
        ahead = text.find(" ", len(cut))
        space = cut.rfind(" ")
        if 0 <= ahead - len(cut) <= 4 or (ahead < 0 and len(text) - len(cut) <= 4):
            cut = text[: ahead if ahead >= 0 else len(text)]
            if cut == text:
                return text
        elif space > 0:
            cut = cut[:space]
    return cut.rstrip(" -\u2013\u2014,;:") + "\u2026"


def _open(uid: str, kind: str, width: float, height: float, title: str, interactive: bool) -> list[str]:
    role = "group" if interactive else "img"
    return [
        f'<svg xmlns="{SVG_NS}" class="tadmur-svg tadmur-{kind}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="100%" style="max-width:{_n(width)}px" role="{role}" aria-labelledby="{uid}-title" '
        f'fill="currentColor" font-size="12">',
        f'<title id="{uid}-title">{_esc(title)}</title>',
    ]


def _link_open(href: str | None, label: str, cls: str) -> str:
    """An `<a>` (or a `<g>` when there is no usable href) with an accessible name and a tooltip."""
    safe = _href(href)
    if safe is None:
        return f'<g class="{cls}"><title>{_esc(label)}</title>'
    return f'<a class="{cls}" href="{safe}" aria-label="{_esc(label)}"><title>{_esc(label)}</title>'


def _link_close(href: str | None) -> str:
    return "</g>" if _href(href) is None else "</a>"


def _finish(parts: list[str]) -> str:
    parts.append("</svg>")
    return "\n".join(p for p in parts if p.strip())


# --- dates -------------------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _parse_date(value: Any, *, end: bool = False) -> tuple[date, str]:
    """(date, precision) from a date, a datetime or an ISO string "YYYY", "YYYY-MM" or "YYYY-MM-DD".

    A month or year given as an end stands for its last day."""
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    match = _ISO.fullmatch(_fold(value))
    if not match:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if day is not None and month is not None:
        return date(year, month, day), "day"
    if month is not None:
        if not end:
            return date(year, month, 1), "month"
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return nxt - timedelta(days=1), "month"
    return (date(year, 12, 31) if end else date(year, 1, 1)), "year"


def format_date(d: date, precision: str = "day") -> str:
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    if precision == "week":
        return f"week of {d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _span_label(start: date, end: date, precision: str) -> str:
    if precision == "week":
        if end - start == timedelta(days=6):
            return format_date(start, "week")
        precision = "day"
    first, last = format_date(start, precision), format_date(end, precision)
    return first if first == last else f"{first} \u2013 {last}"


class _Axis:
    """Dates to x: [t0, t1) in ordinal days onto [x0, x1]."""

    def __init__(self, t0: int, t1: int, x0: float, x1: float) -> None:
        self.t0, self.t1, self.x0, self.x1 = t0, max(t1, t0 + 1), x0, x1

    def x(self, ordinal: float) -> float:
        return self.x0 + (ordinal - self.t0) / (self.t1 - self.t0) * (self.x1 - self.x0)

    def year_ticks(self, min_gap: float = 44.0) -> list[tuple[float, str]]:
        first, last = date.fromordinal(self.t0).year, date.fromordinal(self.t1 - 1).year + 1
        per_year = (self.x1 - self.x0) / max((self.t1 - self.t0) / 365.25, 1e-9)
        step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if s * per_year >= min_gap), 100)
        ticks = []
        for year in range(first, last + 1):
            ordinal = date(year, 1, 1).toordinal()
            if year % step == 0 and self.t0 <= ordinal <= self.t1:
                ticks.append((self.x(ordinal), str(year)))
        return ticks

    def month_ticks(self) -> list[float]:
        d = date.fromordinal(self.t0)
        d = date(d.year, d.month, 1)
        out = []
        while d.toordinal() <= self.t1:
            if d.month != 1 and d.toordinal() >= self.t0:
                out.append(self.x(d.toordinal()))
            d = date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)
        return out


def _axis_lines(axis: _Axis, y: float, minor: bool) -> list[str]:
    """Baseline, year ticks with labels and (when `minor`) month ticks; aria-hidden."""
    parts = [
        '<g class="tadmur-axis" aria-hidden="true" stroke="currentColor" stroke-opacity="0.5">',
        f'<path d="M{_n(axis.x0)} {_n(y)}H{_n(axis.x1)}"/>',
    ]
    if minor:
        d = "".join(f"M{_n(x)} {_n(y)}v3" for x in axis.month_ticks())
        if d:
            parts.append(f'<path d="{d}" stroke-opacity="0.5"/>')
    ticks = axis.year_ticks()
    if ticks:
        parts.append('<path d="' + "".join(f"M{_n(x)} {_n(y)}v6" for x, _ in ticks) + '"/>')
    parts.append("</g>")
    parts.append('<g class="tadmur-axis-labels" aria-hidden="true" font-size="11" fill-opacity="0.8">')
    for x, label in ticks:
        anchor = "middle"
        if x - 14 < axis.x0 - 6:
            anchor = "start"
        elif x + 14 > axis.x1 + 6:
            anchor = "end"
        parts.append(f'<text x="{_n(x)}" y="{_n(y + 18)}" text-anchor="{anchor}">{label}</text>')
    parts.append("</g>")
    return parts


# --- geography -----------------------------------------------------------------------------------------


def load_region(path: str | Path) -> dict[str, Any]:
    """data/geo/region.json (written by `python -m tadmur.geodata`)."""
    region = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(region, dict) or not isinstance(region.get("countries"), list):
        raise ValueError(f"{path}: not a region file (no countries list)")
    return region


Box = tuple[float, float, float, float]  # lon0, lat0, lon1, lat1


def _ring_box(rings: Iterable[Sequence[Sequence[float]]]) -> Box | None:
    xs: list[float] = []
    ys: list[float] = []
    for ring in rings:
        xs.extend(p[0] for p in ring)
        ys.extend(p[1] for p in ring)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _data_box(region: dict[str, Any]) -> Box:
    box = region.get("bbox")
    if box and len(box) == 4:
        return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
    found = _ring_box(r for c in region["countries"] for r in c.get("polygons", []))
    return found or (25.0, 25.0, 60.0, 45.0)


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _fit(lo: float, hi: float, span: float, limit_lo: float, limit_hi: float) -> tuple[float, float]:
    """A range of `span` centred on lo..hi, shifted to stay inside the limits when it fits."""
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    if span <= limit_hi - limit_lo:
        if lo < limit_lo:
            lo, hi = limit_lo, limit_lo + span
        if hi > limit_hi:
            lo, hi = limit_hi - span, limit_hi
    return lo, hi


class _Projection:
    """Equirectangular with the standard parallel at the view's middle latitude, fitted to a width."""

    def __init__(
        self,
        box: Box,
        width: float,
        height: float | None = None,
        min_height: float = 0,
        max_height: float = 1e9,
        limits: Box | None = None,
    ) -> None:
        lon0, lat0, lon1, lat1 = box
        self.k = math.cos(math.radians((lat0 + lat1) / 2))
        limits = limits or (-180.0, -90.0, 180.0, 90.0)
        if height is None:
            height = width * (lat1 - lat0) / max((lon1 - lon0) * self.k, 1e-9)
            height = min(max(height, min_height), max_height)
        want_ratio = height / width
        have_ratio = (lat1 - lat0) / max((lon1 - lon0) * self.k, 1e-9)
        if have_ratio < want_ratio:  # too wide: more latitude
            lat0, lat1 = _fit(lat0, lat1, (lon1 - lon0) * self.k * want_ratio, limits[1], limits[3])
        else:  # too tall: more longitude
            lon0, lon1 = _fit(lon0, lon1, (lat1 - lat0) / want_ratio / self.k, limits[0], limits[2])
        self.box = (lon0, lat0, lon1, lat1)
        self.width, self.height = width, height
        self.scale = width / ((lon1 - lon0) * self.k)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.box[0]) * self.k * self.scale, (self.box[3] - lat) * self.scale)

    def contains(self, lon: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.box
        return x0 <= lon <= x1 and y0 <= lat <= y1


def _ring_area_centroid(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, list(points[1:]) + [points[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        return 0.0, points[0][0], points[0][1]
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


_RINGS: list = []  # [(region, its rings)] of the last region drawn: every locator map reads them


def _rings(region: dict[str, Any]) -> list[tuple[dict[str, Any], list]]:
    """Each country with its rings as float points, each with its bounding box (x0, y0, x1, y1)."""
    if _RINGS and _RINGS[0][0] is region:
        return _RINGS[0][1]
    out = []
    for country in region["countries"]:
        rings = []
        for ring in country.get("polygons", []):
            points = [(float(p[0]), float(p[1])) for p in ring]
            if points:
                rings.append((_ring_box([points]), points))
        out.append((country, rings))
    _RINGS[:] = [(region, out)]
    return out


def _land(region: dict[str, Any], proj: _Projection, tolerance: float = 0.5):
    """Country paths (clipped to the view, simplified in pixels) and label anchors (largest ring)."""
    lon0, lat0, lon1, lat1 = proj.box
    pad_lon, pad_lat = (lon1 - lon0) * 0.02, (lat1 - lat0) * 0.02  # cut lines fall outside the view
    clip_box = (lon0 - pad_lon, lat0 - pad_lat, lon1 + pad_lon, lat1 + pad_lat)
    paths: list[tuple[dict[str, Any], str]] = []
    anchors: dict[str, tuple[float, float, float]] = {}
    for country, rings in _rings(region):
        d_parts = []
        best = (0.0, 0.0, 0.0)
        for (x0, y0, x1, y1), ring in rings:
            if x1 < clip_box[0] or x0 > clip_box[2] or y1 < clip_box[1] or y0 > clip_box[3]:
                continue  # wholly outside the view: clipping would leave nothing
            clipped = clip_ring(ring, clip_box)
            if len(clipped) < 3:
                continue
            pts = [proj(lon, lat) for lon, lat in clipped]
            start = min(range(len(pts)), key=lambda i: pts[i])
            pts = simplify(pts[start:] + pts[:start] + [pts[start]], tolerance)[:-1]
            out: list[str] = []
            for x, y in pts:
                pair = f"{_n(x)} {_n(y)}"
                if not out or out[-1] != pair:
                    out.append(pair)
            if len(out) < 3:
                continue
            d_parts.append("M" + out[0] + "L" + " ".join(out[1:]) + "Z")
            area, cx, cy = _ring_area_centroid(pts)
            if area > best[0]:
                best = (area, cx, cy)
        if d_parts:
            paths.append((country, "".join(d_parts)))
            anchors[str(country.get("name", ""))] = best
    return paths, anchors


def _land_layer(paths: list[tuple[dict[str, Any], str]]) -> list[str]:
    parts = [
        '<g class="tadmur-land-layer" aria-hidden="true" fill="currentColor" fill-opacity="0.07" '
        'fill-rule="evenodd" stroke="currentColor" stroke-opacity="0.4" stroke-width="0.7" '
        'stroke-linejoin="round">'
    ]
    for country, d in paths:
        name = str(country.get("name", ""))
        cls = "tadmur-land"
        extra = ""
        if name in FOCUS_COUNTRIES:
            cls += " tadmur-land-focus"
            extra = ' fill-opacity="0.14"'
        elif country.get("context"):
            cls += " tadmur-land-context"
            extra = ' fill-opacity="0.03"'
        parts.append(f'<path class="{cls}" data-name="{_esc(name)}"{extra} d="{d}"/>')
    parts.append("</g>")
    return parts


class _Boxes:
    """Placed label boxes; a new label is placed only where it overlaps none of them."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.boxes: list[tuple[float, float, float, float]] = []

    def free(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 2 or y0 < 2 or x1 > self.width - 2 or y1 > self.height - 2:
            return False
        return all(x1 <= a0 or x0 >= a1 or y1 <= b0 or y0 >= b1 for a0, b0, a1, b1 in self.boxes)

    def add(self, box: tuple[float, float, float, float]) -> None:
        self.boxes.append(box)


def _place_label(
    boxes: _Boxes, x: float, y: float, r: float, text: str, size: float, force: bool = False
) -> tuple[float, float, str] | None:
    """Right of the point, else left, above, below; None if all overlap (unless `force`)."""
    w, h = _text_width(text, size), size * 1.2
    candidates = [
        (x + r + 3, y + size * 0.35, "start", (x + r + 2, y - h / 2, x + r + 4 + w, y + h / 2)),
        (x - r - 3, y + size * 0.35, "end", (x - r - 4 - w, y - h / 2, x - r - 2, y + h / 2)),
        (x, y - r - 4, "middle", (x - w / 2, y - r - 4 - h, x + w / 2, y - r - 3)),
        (x, y + r + size + 2, "middle", (x - w / 2, y + r + 2, x + w / 2, y + r + 3 + h)),
    ]
    for tx, ty, anchor, box in candidates:
        if boxes.free(box):
            boxes.add(box)
            return tx, ty, anchor
    if force:
        tx, ty, anchor, box = candidates[0]
        boxes.add(box)
        return tx, ty, anchor
    return None


def _country_labels(
    anchors: dict[str, tuple[float, float, float]],
    boxes: _Boxes,
    names: Iterable[str],
    min_area: float,
    required: Iterable[str] = (),
) -> list[str]:
    """Country names at their largest ring's centroid (nudged up or down to a free spot)."""
    required = set(required)
    parts = []
    for name in names:
        if name not in anchors:
            continue
        area, cx, cy = anchors[name]
        if area < min_area and name not in required:
            continue
        text = _fold(name).upper()
        size = 13 if area >= min_area * 4 else 11
        w, h = len(text) * size * 0.78, size * 1.2
        spot = None
        for dy in (0, -18, 18, -36, 36, -54, 54):
            box = (cx - w / 2, cy + dy - h * 0.8, cx + w / 2, cy + dy + h * 0.3)
            if boxes.free(box):
                spot = (cy + dy, box)
                break
        if spot is None:
            if name not in required or not (0 <= cx <= boxes.width and 0 <= cy <= boxes.height):
                continue
            spot = (cy, (cx - w / 2, cy - h * 0.8, cx + w / 2, cy + h * 0.3))
        boxes.add(spot[1])
        parts.append(
            f'<text x="{_n(cx)}" y="{_n(spot[0])}" font-size="{size}" '
            f'letter-spacing="2">{html.escape(text, quote=True)}</text>'
        )
    if not parts:
        return []
    return [
        '<g class="tadmur-country-label" aria-hidden="true" pointer-events="none" text-anchor="middle" '
        'fill-opacity="0.55">',
        *parts,
        "</g>",
    ]


def _kind_group(kind: Any) -> tuple[str, str]:
    return KIND_GROUPS.get(_fold(kind).lower(), _OTHER)


def _weight(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def marker_radius(weight: Any) -> float:
    return min(MAX_MARKER_RADIUS, 3 + 2 * math.sqrt(_weight(weight)))


def _place_label_text(place: dict[str, Any]) -> str:
    if place.get("label"):
        return _fold(place["label"])
    weight = _weight(place.get("weight"))
    noun = "event/mention" if weight == 1 else "events/mentions"
    return f"{_fold(place.get('name', ''))} \u2014 {weight} {noun}"


def _legend(entries: list[tuple[str, str]], x: float, y: float, cls: str) -> list[str]:
    """A row of coloured dots with names, left to right from (x, y); aria-hidden."""
    if not entries:
        return []
    parts = [f'<g class="{cls}" aria-hidden="true" pointer-events="none" font-size="11">']
    for label, colour in entries:
        text = _truncate(label, 18)
        parts.append(
            f'<circle cx="{_n(x + 5)}" cy="{_n(y - 4)}" r="5" fill="{colour}"/>'
            f'<text x="{_n(x + 14)}" y="{_n(y)}">{html.escape(text, quote=True)}</text>'
        )
        x += 14 + _text_width(text, 11) + 14
    parts.append("</g>")
    return parts


def _graph_label(
    boxes: _Boxes, x: float, y: float, r: float, angle: float, text: str
) -> tuple[float, float, str]:
    """Outward side of a graph node first, then the other places; the outward side if none is free."""
    size = 11
    w, h = _text_width(text, size), size * 1.2
    right = (x + r + 4, y + 4, "start", (x + r + 3, y - h / 2, x + r + 5 + w, y + h / 2))
    left = (x - r - 4, y + 4, "end", (x - r - 5 - w, y - h / 2, x - r - 3, y + h / 2))
    above = (x, y - r - 5, "middle", (x - w / 2, y - r - 4 - h, x + w / 2, y - r - 3))
    below = (x, y + r + 13, "middle", (x - w / 2, y + r + 2, x + w / 2, y + r + 3 + h))
    cos, sin = math.cos(angle), math.sin(angle)
    vertical = [above, below] if sin < 0 else [below, above]
    side = [right, left] if cos >= 0 else [left, right]
    order = vertical + side if abs(cos) < 0.35 else side + vertical
    for tx, ty, anchor, box in order:
        if boxes.free(box):
            boxes.add(box)
            return tx, ty, anchor
    tx, ty, anchor, box = order[0]
    boxes.add(box)
    return tx, ty, anchor


# --- public: maps ----------------------------------------------------------------------------------------


def region_map(
    region: dict[str, Any],
    places: Sequence[dict[str, Any]],
    title: str,
    bbox: Sequence[float] | None = None,
    *,
    uid: str | None = None,
) -> str:
    """A map of the region with one linked marker per place.

    places: {"name", "lat", "lon", "href", "weight" (int >= 0), "kind", optional "label" (link name;
    default "Name — N events/mentions")}. bbox: (lon0, lat0, lon1, lat1); default: the places' box
    padded, covering at least Syria and Iraq, within the data's box. The view keeps an 800-wide frame
    360..640 high; places outside an explicit bbox are left out. Markers: radius 3 + 2*sqrt(weight)
    (at most 18), biggest drawn first; names of the 12 heaviest places where they do not overlap.
    """
    data_box = _data_box(region)
    pts = [p for p in places if p.get("lat") is not None and p.get("lon") is not None]
    if bbox is None:
        countries = {c.get("name"): c for c in region["countries"]}
        box = None
        for name in FOCUS_COUNTRIES:
            if name in countries:
                box = _union(box, _ring_box(countries[name].get("polygons", [])))
        if pts:
            lons = [float(p["lon"]) for p in pts]
            lats = [float(p["lat"]) for p in pts]
            box = _union(box, (min(lons), min(lats), max(lons), max(lats)))
        box = box or data_box
        pad_x, pad_y = max(0.6, (box[2] - box[0]) * 0.06), max(0.6, (box[3] - box[1]) * 0.06)
        box = (box[0] - pad_x, box[1] - pad_y, box[2] + pad_x, box[3] + pad_y)
        box = (
            max(box[0], data_box[0]),
            max(box[1], data_box[1]),
            min(box[2], data_box[2]),
            min(box[3], data_box[3]),
        )
    else:
        box = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
    proj = _Projection(box, MAP_WIDTH, None, MAP_MIN_HEIGHT, MAP_MAX_HEIGHT, limits=data_box)
    width, height = proj.width, proj.height
    uid = uid or _uid("map", title, [list(proj.box)], pts)

    shown = [p for p in pts if proj.contains(float(p["lon"]), float(p["lat"]))]
    shown.sort(
        key=lambda p: (
            -marker_radius(p.get("weight")),
            _fold(p.get("name", "")),
            float(p["lon"]),
            float(p["lat"]),
        )
    )
    interactive = any(_href(p.get("href")) for p in shown)
    parts = _open(uid, "map", width, height, title, interactive)
    paths, anchors = _land(region, proj)
    parts += _land_layer(paths)
    parts.append(
        f'<rect class="tadmur-frame" x="0.5" y="0.5" width="{_n(width - 1)}" '
        f'height="{_n(height - 1)}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>'
    )

    # Markers, big first so the small ones stay on top and clickable.
    boxes = _Boxes(width, height)
    marks = []
    legend: dict[str, str] = {}
    parts.append('<g class="tadmur-markers" fill-opacity="0.85" stroke="#fff" stroke-width="1">')
    for place in shown:
        x, y = proj(float(place["lon"]), float(place["lat"]))
        r = marker_radius(place.get("weight"))
        group, colour = _kind_group(place.get("kind"))
        legend.setdefault(group, colour)
        label = _place_label_text(place)
        parts.append(
            _link_open(place.get("href"), label, "tadmur-place-link")
            + f'<circle class="tadmur-marker tadmur-kind-{_slug(place.get("kind") or "other")}" '
            f'cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{colour}"/>' + _link_close(place.get("href"))
        )
        marks.append((place, x, y, r))
    parts.append("</g>")

    # Labels: heaviest first; a label that would overlap a placed one is skipped.
    labels = []
    by_weight = sorted(marks, key=lambda m: (-_weight(m[0].get("weight")), _fold(m[0].get("name", ""))))
    for place, x, y, r in by_weight[:MAP_LABELS]:
        text = _truncate(place.get("name", ""), 28)
        spot = _place_label(boxes, x, y, r, text, 12)
        if spot:
            tx, ty, anchor = spot
            labels.append(
                f'<text x="{_n(tx)}" y="{_n(ty)}" text-anchor="{anchor}">'
                f"{html.escape(text, quote=True)}</text>"
            )
    names = [str(c.get("name", "")) for c in region["countries"] if not c.get("context")]
    legend_entries = sorted(legend.items())[:6]
    if legend_entries:  # keep the legend's corner clear of country labels
        boxes.add(
            (
                0,
                height - 24,
                sum(28 + _text_width(_truncate(k, 18), 11) for k, _ in legend_entries) + 8,
                height,
            )
        )
    parts += _country_labels(anchors, boxes, names, min_area=2500, required=FOCUS_COUNTRIES)
    if labels:
        parts += [
            '<g class="tadmur-place-label tadmur-halo" aria-hidden="true" pointer-events="none" '
            'font-size="12">',
            *labels,
            "</g>",
        ]
    parts += _legend(legend_entries, 10, height - 9, "tadmur-legend tadmur-halo")
    return _finish(parts)


def locator_map(
    region: dict[str, Any],
    place: dict[str, Any],
    neighbours: Sequence[dict[str, Any]] = (),
    *,
    title: str | None = None,
    span: float = 7.0,
    uid: str | None = None,
) -> str:
    """A 300x220 map centred on one place (marker and name), with neighbours as small grey dots.

    place / neighbours: {"name", "lat", "lon", optional "href"}; span: degrees of longitude shown.
    Neighbours outside the view are left out."""
    width, height = 300, 220
    lat, lon = float(place["lat"]), float(place["lon"])
    name = _fold(place.get("name", ""))
    title = title or f"Location of {name}"
    k = math.cos(math.radians(lat))
    half_lon = span / 2
    half_lat = span * k * height / width / 2
    data_box = _data_box(region)
    # Keep the place in the middle unless the view would leave the data's box.
    lo = _fit(lon - half_lon, lon + half_lon, 2 * half_lon, data_box[0], data_box[2])
    la = _fit(lat - half_lat, lat + half_lat, 2 * half_lat, data_box[1], data_box[3])
    proj = _Projection((lo[0], la[0], lo[1], la[1]), width, height, limits=data_box)
    near = [
        n
        for n in neighbours
        if n.get("lat") is not None
        and n.get("lon") is not None
        and proj.contains(float(n["lon"]), float(n["lat"]))
    ]
    near.sort(key=lambda n: (_fold(n.get("name", "")), float(n["lon"]), float(n["lat"])))
    uid = uid or _uid("locator", title, [place.get("name"), lat, lon, place.get("href")], near, span)
    interactive = bool(_href(place.get("href"))) or any(_href(n.get("href")) for n in near)

    parts = _open(uid, "locator", width, height, title, interactive)
    paths, anchors = _land(region, proj, tolerance=0.4)
    parts += _land_layer(paths)
    parts.append(
        f'<rect class="tadmur-frame" x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
        'fill="none" stroke="currentColor" stroke-opacity="0.3"/>'
    )
    boxes = _Boxes(width, height)
    x, y = proj(lon, lat)
    text = _truncate(name, 30)
    tx, ty, anchor = _place_label(boxes, x, y, 6, text, 13, force=True) or (x, y, "start")
    label = (
        f'<text x="{_n(tx)}" y="{_n(ty)}" text-anchor="{anchor}" font-size="13" font-weight="bold">'
        f"{html.escape(text, quote=True)}</text>"
    )
    boxes.add((x - 7, y - 7, x + 7, y + 7))
    dots, small = [], []
    for n in near:
        nx, ny = proj(float(n["lon"]), float(n["lat"]))
        nname = _fold(n.get("name", ""))
        dots.append(
            _link_open(n.get("href"), nname, "tadmur-neighbour-link")
            + f'<circle class="tadmur-neighbour" cx="{_n(nx)}" cy="{_n(ny)}" r="3"/>'
            + _link_close(n.get("href"))
        )
        boxes.add((nx - 3, ny - 3, nx + 3, ny + 3))
    for n in near:
        nx, ny = proj(float(n["lon"]), float(n["lat"]))
        ntext = _truncate(n.get("name", ""), 20)
        spot = _place_label(boxes, nx, ny, 3, ntext, 10)
        if spot:
            small.append(
                f'<text x="{_n(spot[0])}" y="{_n(spot[1])}" text-anchor="{spot[2]}">'
                f"{html.escape(ntext, quote=True)}</text>"
            )
    names = [str(c.get("name", "")) for c in region["countries"]]
    parts += _country_labels(anchors, boxes, names, min_area=6000)
    if dots:
        parts += ['<g class="tadmur-neighbours" fill-opacity="0.6">', *dots, "</g>"]
    if small:
        parts += [
            '<g class="tadmur-neighbour-label tadmur-halo" aria-hidden="true" pointer-events="none" '
            'font-size="10" '
            'fill-opacity="0.75">',
            *small,
            "</g>",
        ]
    marker = (
        f'<circle class="tadmur-marker tadmur-marker-main" cx="{_n(x)}" cy="{_n(y)}" r="6" '
        f'fill="{RED}" stroke="#fff" stroke-width="1.5"/>'
    )
    if _href(place.get("href")):
        marker = _link_open(place.get("href"), name, "tadmur-place-link") + marker + "</a>"
    parts.append(marker)
    parts += [
        '<g class="tadmur-place-label tadmur-halo" aria-hidden="true" pointer-events="none">',
        label,
        "</g>",
    ]
    return _finish(parts)


# --- public: time ---------------------------------------------------------------------------------------


def control_strip(
    periods: Sequence[dict[str, Any]], start: Any, end: Any, title: str, *, uid: str | None = None
) -> str:
    """Who held a place when: one linked, coloured segment per period on an 800x70 strip.

    periods: {"holder", "href", "start", "end" (None: until `end`), "uncertain": bool}; dates are
    date objects or ISO strings ("2015-05-23", "2016-03" = the month, "2016" = the year). Colour per
    holder from palette_colour(); uncertain periods are hatched with a dashed outline. Periods wholly
    outside start..end are left out."""
    width, height = 800, 70
    t0 = _parse_date(start)[0].toordinal()
    t1 = _parse_date(end, end=True)[0].toordinal() + 1
    axis = _Axis(t0, t1, 10, width - 10)
    rows = []
    for p in periods:
        s, s_prec = _parse_date(p["start"])
        if p.get("end") is None:
            e, e_prec, open_end = date.fromordinal(t1 - 1), "day", True
        else:
            (e, e_prec), open_end = _parse_date(p["end"], end=True), False
        if e.toordinal() + 1 <= t0 or s.toordinal() >= t1 or e < s:
            continue
        rows.append((s, s_prec, e, e_prec, open_end, p))
    rows.sort(key=lambda r: (r[0], r[2], _fold(r[5].get("holder", ""))))
    uid = uid or _uid("strip", title, t0, t1, [[r[0], r[2], r[5]] for r in rows])
    interactive = any(_href(r[5].get("href")) for r in rows)
    y0, bar = 6, 32
    parts = _open(uid, "strip", width, height, title, interactive)
    parts.append(
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2.5" height="6" fill="#fff" '
        'fill-opacity="0.55"/></pattern></defs>'
    )
    parts.append(
        f'<rect class="tadmur-strip-bg" x="{_n(axis.x0)}" y="{y0}" width="{_n(axis.x1 - axis.x0)}" '
        f'height="{bar}" fill="currentColor" fill-opacity="0.06"/>'
    )
    parts.append('<g class="tadmur-segments" stroke="#fff" stroke-width="1">')
    names: list[str] = []
    for s, s_prec, e, e_prec, open_end, p in rows:
        holder = _fold(p.get("holder", ""))
        xa = axis.x(max(s.toordinal(), t0))
        xb = axis.x(min(e.toordinal() + 1, t1))
        w = max(xb - xa, 2.0)
        when = (
            f"since {format_date(s, s_prec)}"
            if open_end
            else f"{format_date(s, s_prec)} \u2013 {format_date(e, e_prec)}"
        )
        if not open_end and s_prec == e_prec and format_date(s, s_prec) == format_date(e, e_prec):
            when = format_date(s, s_prec)
        uncertain = bool(p.get("uncertain"))
        label = f"{holder}: {when}" + (" (uncertain)" if uncertain else "")
        colour = palette_colour(holder)
        cls = "tadmur-segment" + (" tadmur-uncertain" if uncertain else "")
        dash = ' stroke-dasharray="4 2"' if uncertain else ""
        seg = [
            f'<rect class="tadmur-seg" x="{_n(xa)}" y="{y0}" width="{_n(w)}" height="{bar}" '
            f'fill="{colour}"{dash}/>'
        ]
        if uncertain:
            seg.append(
                f'<rect x="{_n(xa)}" y="{y0}" width="{_n(w)}" height="{bar}" fill="url(#{uid}-hatch)" '
                'stroke="none"/>'
            )
        fit = int((w - 8) / (12 * 0.58))
        if fit >= 4:
            text = _truncate(holder, fit)
            names.append(
                f'<text x="{_n(xa + 4)}" y="{_n(y0 + bar / 2 + 4)}">{html.escape(text, quote=True)}</text>'
            )
        parts.append(_link_open(p.get("href"), label, cls) + "".join(seg) + _link_close(p.get("href")))
    parts.append("</g>")
    if names:  # outside the links (their names are the aria-labels), and transparent to the pointer
        parts += [
            f'<g class="tadmur-segment-label" aria-hidden="true" pointer-events="none" fill="{INK}">',
            *names,
            "</g>",
        ]
    parts += _axis_lines(axis, y0 + bar + 4, minor=(t1 - t0) < 3 * 366)
    return _finish(parts)


def _event_span(event: dict[str, Any]) -> tuple[date, date, str]:
    """(first day, last day, precision) of an event: precision from the event, else from its start."""
    s, s_prec = _parse_date(event["start"])
    precision = _fold(event.get("precision") or s_prec).lower()
    if precision not in ("day", "week", "month", "year"):
        precision = "day"
    if event.get("end") is not None:
        e = _parse_date(event["end"], end=True)[0]
    elif precision == "week":
        e = s + timedelta(days=6)
    elif precision in ("month", "year"):
        e = _parse_date(f"{s.year}-{s.month:02d}" if precision == "month" else str(s.year), end=True)[0]
    else:
        e = s
    if precision == "day":
        e = s if event.get("end") is None else max(e, s)
    return s, max(e, s), precision


def time_axis(
    events: Sequence[dict[str, Any]],
    title: str,
    *,
    start: Any = None,
    end: Any = None,
    lanes: Sequence[str] | None = None,
    uid: str | None = None,
) -> str:
    """Events on an 800-wide time axis, one lane per category (names at the left).

    events: {"title", "href", "start", "end", "precision" ("day"|"week"|"month"|"year"), "lane"}.
    A day-precision event is a dot (7 px across); week, month and year precision are bars from start
    to end (at least 3 px wide). Overlapping marks in a lane go to sub-rows (up to 4). Default range:
    whole years around the events. lanes: their order (default: alphabetical)."""
    width = 800
    spans = [(*_event_span(e), e) for e in events]
    if start is not None:
        t0 = _parse_date(start)[0].toordinal()
    else:
        t0 = date(min((s.year for s, *_ in spans), default=2000), 1, 1).toordinal()
    if end is not None:
        t1 = _parse_date(end, end=True)[0].toordinal() + 1
    else:
        t1 = date(max((e.year for _, e, *_ in spans), default=2000) + 1, 1, 1).toordinal()
    lane_names = sorted({_fold(e.get("lane") or "other") for *_, e in spans})
    if lanes:
        order = [_fold(x) for x in lanes]
        lane_names = [x for x in order if x in lane_names] + [x for x in lane_names if x not in order]
    widest = max((_text_width(_truncate(x, 24), 11) for x in lane_names), default=0)
    gutter = min(170.0, max(70.0, widest + 16))
    axis = _Axis(t0, t1, gutter, width - 12)
    dot_r, bar_h, row_h, max_rows = 3.5, 9.0, 13.0, 4

    layout = []  # (lane, [(row, x0, x1, kind, span, event)])
    for lane in lane_names:
        items = []
        for s, e, precision, event in spans:
            if _fold(event.get("lane") or "other") != lane:
                continue
            if e.toordinal() + 1 <= t0 or s.toordinal() >= t1:
                continue
            if precision == "day" and e == s:
                cx = axis.x(s.toordinal() + 0.5)
                items.append((cx - dot_r, cx + dot_r, "dot", s, e, precision, event))
            else:
                xa, xb = axis.x(max(s.toordinal(), t0)), axis.x(min(e.toordinal() + 1, t1))
                if xb - xa < 3:
                    mid = (xa + xb) / 2
                    xa, xb = mid - 1.5, mid + 1.5
                items.append((xa, xb, "bar", s, e, precision, event))
        items.sort(key=lambda i: (i[0], i[1], _fold(i[6].get("title", ""))))
        ends: list[float] = []
        placed = []
        for item in items:
            row = next((r for r, last in enumerate(ends) if last + 2 <= item[0]), None)
            if row is None:
                if len(ends) < max_rows:
                    ends.append(item[1])
                    row = len(ends) - 1
                else:
                    row = min(range(len(ends)), key=lambda r: (ends[r], r))
            ends[row] = max(ends[row], item[1])
            placed.append((row, *item))
        layout.append((lane, max(1, len(ends)), placed))

    top = 6
    height = top + sum(rows * row_h + 10 for _, rows, _ in layout) + 30
    uid = uid or _uid("axis", title, t0, t1, lane_names, [[s, e, p, ev] for s, e, p, ev in spans])
    interactive = any(_href(ev.get("href")) for *_, ev in spans)
    parts = _open(uid, "timeaxis", width, height, title, interactive)
    y = top
    for i, (lane, rows, placed) in enumerate(layout):
        lane_h = rows * row_h + 10
        colour = palette_colour(lane)
        if i % 2 == 0:
            parts.append(
                f'<rect class="tadmur-lane-bg" x="0" y="{_n(y)}" width="{width}" '
                f'height="{_n(lane_h)}" fill="currentColor" fill-opacity="0.04"/>'
            )
        short = _truncate(lane, 24)
        lane_title = f"<title>{_esc(lane)}</title>" if short != lane else ""
        parts.append(f'<g class="tadmur-lane tadmur-lane-{_slug(lane)}">')
        parts.append(
            f'<text class="tadmur-lane-name" x="6" y="{_n(y + lane_h / 2 + 4)}" font-size="11">'
            f"{lane_title}{html.escape(short, quote=True)}</text>"
        )
        for row, xa, xb, kind, s, e, precision, event in placed:
            cy = y + 5 + row * row_h + row_h / 2
            label = f"{_fold(event.get('title', ''))} \u2014 {_span_label(s, e, precision)}"
            if kind == "dot":
                shape = (
                    f'<circle class="tadmur-mark tadmur-prec-day" cx="{_n((xa + xb) / 2)}" '
                    f'cy="{_n(cy)}" r="{_n(dot_r)}" fill="{colour}"/>'
                )
            else:
                shape = (
                    f'<rect class="tadmur-mark tadmur-prec-{precision}" x="{_n(xa)}" '
                    f'y="{_n(cy - bar_h / 2)}" width="{_n(max(xb - xa, 3))}" height="{_n(bar_h)}" '
                    f'rx="2" fill="{colour}"/>'
                )
            parts.append(
                _link_open(event.get("href"), label, "tadmur-event-link")
                + shape
                + _link_close(event.get("href"))
            )
        parts.append("</g>")
        y += lane_h
    parts.append(
        f'<path class="tadmur-gutter" aria-hidden="true" d="M{_n(gutter - 4)} {top}V{_n(y)}" '
        'stroke="currentColor" stroke-opacity="0.2"/>'
    )
    parts += _axis_lines(axis, y + 4, minor=(t1 - t0) < 3 * 366)
    return _finish(parts)


# --- public: graph --------------------------------------------------------------------------------------


def heaviest_nodes(nodes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nodes neighbourhood_graph draws: the GRAPH_MAX_NODES heaviest."""
    return sorted(
        nodes,
        key=lambda n: (-_weight(n.get("weight")), _fold(n.get("name", "")), _fold(n.get("relation", ""))),
    )[:GRAPH_MAX_NODES]


def neighbourhood_graph(
    center: dict[str, Any], nodes: Sequence[dict[str, Any]], title: str, *, uid: str | None = None
) -> str:
    """A radial graph (640x560): the center in the middle, linked nodes around it.

    center: {"name", "href", "kind"}; nodes: {"name", "href", "kind" ("actor"|"weapon"|"place"),
    "relation", "weight"}. At most 24 nodes (the heaviest); actors on the top arc, weapons lower
    right, places lower left; two rings when there are more than 12. Each node is one link (edge,
    circle and label) named "Name — relation"; labels are cut to 18 characters with an ellipsis."""
    width, height = 640, 560
    cx, cy = width / 2, height / 2

    def weight(n: dict[str, Any]) -> int:
        return _weight(n.get("weight"))

    kept = heaviest_nodes(nodes)
    rank = {"actor": 0, "weapon": 1, "place": 3}
    kept.sort(
        key=lambda n: (rank.get(_fold(n.get("kind", "")).lower(), 2), -weight(n), _fold(n.get("name", "")))
    )
    count = len(kept)
    actors = sum(1 for n in kept if _fold(n.get("kind", "")).lower() == "actor")
    two_rings = count > 12
    slot = 2 * math.pi / max(count, 1)
    uid = uid or _uid("graph", title, center, kept)
    interactive = bool(_href(center.get("href"))) or any(_href(n.get("href")) for n in kept)
    parts = _open(uid, "graph", width, height, title, interactive)

    # Positions first, so labels can avoid every node and the center.
    boxes = _Boxes(width, height)
    boxes.add((cx - 22, cy - 22, cx + 22, cy + 22))
    ctext = _truncate(_fold(center.get("name", "")), 24)
    boxes.add((cx - _text_width(ctext, 13) / 2, cy + 24, cx + _text_width(ctext, 13) / 2, cy + 41))
    placed = []
    for i, node in enumerate(kept):
        # Clockwise from the top: actors centred on the top, then weapons, others, places.
        angle = -math.pi / 2 + ((i - (actors - 1) / 2) if actors else (i + 0.5)) * slot
        if two_rings:
            rx, ry = (180, 225) if i % 2 == 0 else (100, 125)
        else:
            rx, ry = 165, 190
        nx, ny = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        r = min(14.0, 5 + 2 * math.sqrt(weight(node)))
        boxes.add((nx - r, ny - r, nx + r, ny + r))
        placed.append((node, angle, nx, ny, r))

    legend: dict[str, str] = {}
    parts.append('<g class="tadmur-graph-nodes">')
    for node, angle, nx, ny, r in placed:
        kind = _fold(node.get("kind", "")).lower()
        group, colour = GRAPH_KINDS.get(kind, (kind or "other", PURPLE))
        legend.setdefault(group, colour)
        name = _fold(node.get("name", ""))
        relation = _fold(node.get("relation", ""))
        label = f"{name} \u2014 {relation}" if relation else name
        # Edge from the center's rim to the node's rim.
        dist = math.hypot(nx - cx, ny - cy) or 1.0
        ux, uy = (nx - cx) / dist, (ny - cy) / dist
        ex0, ey0, ex1, ey1 = cx + ux * 22, cy + uy * 22, nx - ux * (r + 1), ny - uy * (r + 1)
        stroke_w = min(4.0, 1 + weight(node) / 5)
        text = _truncate(name, 18)
        spot = _graph_label(boxes, nx, ny, r, angle, text)
        parts.append(
            _link_open(node.get("href"), label, f"tadmur-node tadmur-node-{_slug(kind or 'other')}")
            + f'<line class="tadmur-edge" x1="{_n(ex0)}" y1="{_n(ey0)}" x2="{_n(ex1)}" y2="{_n(ey1)}" '
            f'stroke="currentColor" stroke-opacity="0.35" stroke-width="{_n(stroke_w)}"/>'
            + f'<circle cx="{_n(nx)}" cy="{_n(ny)}" r="{_n(r)}" fill="{colour}" stroke="#fff"/>'
            + f'<text class="tadmur-halo" x="{_n(spot[0])}" y="{_n(spot[1])}" text-anchor="{spot[2]}" '
            f'font-size="11">{html.escape(text, quote=True)}</text>' + _link_close(node.get("href"))
        )
    parts.append("</g>")
    cname = _fold(center.get("name", ""))
    ckind = _fold(center.get("kind", "")).lower()
    ccolour = GRAPH_KINDS.get(ckind, ("", PURPLE))[1]
    centre = (
        f'<circle class="tadmur-center" cx="{_n(cx)}" cy="{_n(cy)}" r="20" fill="{ccolour}" '
        f'stroke="currentColor" stroke-width="2"/>'
        f'<text class="tadmur-halo" x="{_n(cx)}" y="{_n(cy + 36)}" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{html.escape(ctext, quote=True)}</text>'
    )
    if _href(center.get("href")):
        centre = _link_open(center.get("href"), cname, "tadmur-center-link") + centre + "</a>"
    else:
        centre = f'<g class="tadmur-center-link"><title>{_esc(cname)}</title>{centre}</g>'
    parts.append(centre)
    order = [g for g in ("actor", "weapon", "place") if g in legend] + sorted(
        g for g in legend if g not in ("actor", "weapon", "place")
    )
    parts += _legend([(g, legend[g]) for g in order], 10, height - 10, "tadmur-legend")
    return _finish(parts)
