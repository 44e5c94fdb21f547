"""Generate data/geo/region.json: country outlines of the region, from Natural Earth via `world-atlas`.

Run by hand, never by the build (the build only reads data/geo/region.json):

    cd /tmp && npm pack world-atlas@2
    python -m tadmur.geodata /tmp/world-atlas-2.0.2.tgz        # or an extracted countries-50m.json

Standard library only. The TopoJSON is decoded here (delta-encoded quantized arcs + transform), each
ring is clipped to the region's box (lon 25..60, lat 25..45), lightly simplified, rounded to 2 decimals,
and written with sorted, stable output: the same input gives the same bytes.

Output: {"source", "bbox": [lon0, lat0, lon1, lat1], "countries": [{"name", "polygons", ["context"]}]}.
`polygons` is a list of rings (outer rings and holes alike: draw them with fill-rule evenodd). The
countries the site is about come first, in REGION order; other countries that reach into the box
follow with "context": true, so the map has no holes where a neighbour should be.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

BBOX = (25.0, 25.0, 60.0, 45.0)  # lon0, lat0, lon1, lat1
REGION = (
    "Syria",
    "Iraq",
    "Turkey",
    "Lebanon",
    "Israel",
    "Palestine",
    "Jordan",
    "Saudi Arabia",
    "Iran",
    "Egypt",
    "Cyprus",
    "Kuwait",
    "Armenia",
    "Azerbaijan",
    "Georgia",
)
# Natural Earth names merged into another entry (the island of Cyprus is drawn whole).
MERGE = {"N. Cyprus": "Cyprus"}
SOURCE = "Natural Earth via world-atlas (public domain)"
MEMBER = "package/countries-50m.json"
TOLERANCE = 0.01  # degrees: Douglas-Peucker tolerance, under a pixel even on a zoomed-in locator map
OUTPUT = Path(__file__).resolve().parents[2] / "data" / "geo" / "region.json"

Point = tuple[float, float]
Ring = list[Point]


def decode_arcs(topo: dict[str, Any]) -> list[Ring]:
    """Absolute lon/lat points of every arc (delta-decoded and de-quantized when there is a transform)."""
    transform = topo.get("transform")
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """Stitch arcs into one ring; a negative index ~i is arc i reversed; shared end points kept once."""
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def geometry_rings(geometry: dict[str, Any], arcs: list[Ring]) -> list[Ring]:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [_ring(ring, arcs) for polygon in polygons for ring in polygon]


def clip_ring(ring: Ring, bbox: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clipping of a closed ring to an axis-aligned box."""
    x0, y0, x1, y1 = bbox
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    )
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    for inside, cross in edges:
        if not points:
            break
        out: Ring = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        points = out
    return points


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on an open polyline (iterative; end points always kept)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, best_dist = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                dist = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if dist > best_dist:
                best, best_dist = i, dist
        if best >= 0:
            keep[best] = True
            stack.extend(((first, best), (best, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: Ring) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _tidy(ring: Ring, tolerance: float) -> list[list[float]] | None:
    """Simplify a clipped ring, round to 2 decimals, drop repeats; None when nothing of it is left."""
    if len(ring) < 3:
        return None
    # Simplify as a polyline from the ring's westmost point, so the cut does not depend on arc order.
    start = min(range(len(ring)), key=lambda i: ring[i])
    ordered = ring[start:] + ring[:start] + [ring[start]]
    points = simplify(ordered, tolerance)[:-1]
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, 2), round(y, 2)]
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3 or _area([(p[0], p[1]) for p in out]) < 0.005:
        return None
    out.append(list(out[0]))  # closed, as GeoJSON rings are
    return out


def convert(topo: dict[str, Any], bbox=BBOX, tolerance: float = TOLERANCE) -> dict[str, Any]:
    arcs = decode_arcs(topo)
    rings: dict[str, list[Ring]] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        name = (geometry.get("properties") or {}).get("name")
        if not name:
            continue
        name = MERGE.get(name, name)
        for ring in geometry_rings(geometry, arcs):
            clipped = clip_ring(ring, bbox)
            if clipped:
                rings.setdefault(name, []).append(clipped)
    countries = []
    order = list(REGION) + sorted(n for n in rings if n not in REGION)
    for name in order:
        polygons = [t for t in (_tidy(r, tolerance) for r in rings.get(name, [])) if t]
        polygons.sort(key=lambda r: (-_area([(p[0], p[1]) for p in r]), r))
        if not polygons:
            if name in REGION:
                raise ValueError(f"{name}: no outline inside the box")
            continue
        entry: dict[str, Any] = {"name": name, "polygons": polygons}
        if name not in REGION:
            entry["context"] = True
        countries.append(entry)
    return {"source": SOURCE, "bbox": list(bbox), "countries": countries}


def read_topojson(source: Path) -> dict[str, Any]:
    """A countries-*.json file, or the `npm pack world-atlas` tarball (its countries-50m.json)."""
    if source.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(source) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise ValueError(f"{source}: no {MEMBER}")
            return json.load(io.TextIOWrapper(member, encoding="utf-8"))
    return json.loads(source.read_text(encoding="utf-8"))


def dumps(region: dict[str, Any]) -> str:
    """Compact JSON, one country per line (small diffs, stable bytes)."""
    lines = [
        "{" + f'"source": {json.dumps(region["source"])}, "bbox": {json.dumps(region["bbox"])},',
        '"countries": [',
    ]
    items = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in region["countries"]]
    lines.append(",\n".join(items))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tadmur.geodata", description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas tarball (.tgz) or countries-*.json")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"output (default: {OUTPUT})")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="simplification, in degrees")
    args = parser.parse_args(argv)
    region = convert(read_topojson(args.source), tolerance=args.tolerance)
    text = dumps(region)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    points = sum(len(r) for c in region["countries"] for r in c["polygons"])
    print(f"geodata: {len(region['countries'])} countries, {points} points, {len(text)} bytes -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
