"""Inline SVG visuals: well-formed, accessible, escaped, deterministic; the shipped region outlines."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from tadmur import geodata, visuals

ROOT = Path(__file__).resolve().parents[1]
REGION_FILE = ROOT / "data" / "geo" / "region.json"
NS = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>alert(1)</script>", '" onmouseover="x', "a\n\nb &amp; <b>bold</b>", "]]><x/>"]


@pytest.fixture(scope="module")
def region() -> dict:
    return visuals.load_region(REGION_FILE)


def _places(names=("Palmyra", "Raqqa", "Mosul", "Tiyas air base", "Deir ez-Zor Governorate")) -> list[dict]:
    coords = [(34.56, 38.28), (35.95, 39.01), (36.34, 43.13), (34.52, 37.63), (35.0, 40.5), (33.31, 44.37)]
    kinds = ["city", "city", "city", "air base", "governorate", "town"]
    return [
        {"name": name, "lat": coords[i % 6][0] + i * 0.01, "lon": coords[i % 6][1],
         "href": f"../places/p{i}/", "weight": (i * 7) % 30, "kind": kinds[i % 6]}
        for i, name in enumerate(names)
    ]


def _periods(holders=("Syrian government", "Islamic State", "Syrian government")) -> list[dict]:
    spans = [("2012-01-01", date(2015, 5, 20)), (date(2015, 5, 21), "2016-03"), ("2016-03-27", None)]
    return [
        {"holder": h, "href": f"../actors/a{i}/", "start": spans[i % 3][0], "end": spans[i % 3][1],
         "uncertain": i == 1}
        for i, h in enumerate(holders)
    ]


def _events(titles=("Fall of Palmyra", "Destruction of temples", "Recapture", "Air campaign")) -> list[dict]:
    shapes = [("2015-05-21", None, "day", "battle"), ("2015-08", None, "month", "heritage"),
              (date(2016, 3, 27), None, "day", "battle"), ("2016-01-04", "2016-01-10", "week", "air strikes")]
    return [
        {"title": t, "href": f"../events/e{i}/", "start": shapes[i % 4][0], "end": shapes[i % 4][1],
         "precision": shapes[i % 4][2], "lane": shapes[i % 4][3]}
        for i, t in enumerate(titles)
    ]


def _nodes(count: int = 10, names: list[str] | None = None) -> list[dict]:
    kinds = ["actor", "weapon", "place"]
    names = names or [f"Node {i}" for i in range(count)]
    return [{"name": n, "href": f"../n/{i}/", "kind": kinds[i % 3], "relation": "fought over", "weight": i}
            for i, n in enumerate(names)]


CENTER = {"name": "Palmyra", "href": "../places/palmyra/", "kind": "place"}


def _all_svgs(region: dict, name: str = "Palmyra") -> dict[str, str]:
    places = _places([name, "Raqqa", "Mosul"])
    return {
        "map": visuals.region_map(region, places, f"Places: {name}"),
        "locator": visuals.locator_map(region, places[0], places[1:]),
        "locator-plain": visuals.locator_map(region, {"name": name, "lat": 34.56, "lon": 38.28}),
        "strip": visuals.control_strip(_periods([name, "Islamic State", name]), "2011", "2020", name),
        "axis": visuals.time_axis(_events([name, "b", "c", "d"]), f"Events: {name}"),
        "graph": visuals.neighbourhood_graph({**CENTER, "name": name}, _nodes(names=[name, "x", "y"]), name),
    }


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def _with_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in _classes(el)]


def test_region_file_has_syria_and_iraq_inside_the_box(region):
    assert "Natural Earth" in region["source"]
    by_name = {c["name"]: c for c in region["countries"]}
    for name in geodata.REGION:
        assert name in by_name, name
    lon0, lat0, lon1, lat1 = region["bbox"]
    for name in ("Syria", "Iraq"):
        rings = by_name[name]["polygons"]
        assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings)
        for ring in rings:
            for lon, lat in ring:
                assert lon0 <= lon <= lon1 and lat0 <= lat <= lat1
                assert round(lon, 2) == lon and round(lat, 2) == lat
    # Damascus is in Syria's outline, Baghdad in Iraq's: the outlines are the right way up.
    assert _inside(by_name["Syria"]["polygons"][0], 36.29, 33.51)
    assert _inside(by_name["Iraq"]["polygons"][0], 44.37, 33.31)
    assert REGION_FILE.stat().st_size < 80_000


def _inside(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def test_geodata_decodes_quantized_delta_arcs_and_clips():
    # Two arcs of a unit square scaled by 10 and moved to (30, 30); the second is used reversed (~1).
    topo = {
        "type": "Topology",
        "transform": {"scale": [10, 10], "translate": [30, 30]},
        "arcs": [[[0, 0], [1, 0], [0, 1]], [[0, 0], [0, 1], [1, 0]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, -2]], "properties": {"name": "Syria"}},
            {"type": "MultiPolygon", "arcs": [[[0, -2]]], "properties": {"name": "Elsewhere"}},
        ]}},
    }
    assert geodata.decode_arcs(topo)[0] == [(30, 30), (40, 30), (40, 40)]
    ring = geodata.geometry_rings(topo["objects"]["countries"]["geometries"][0], geodata.decode_arcs(topo))[0]
    assert ring == [(30, 30), (40, 30), (40, 40), (30, 40), (30, 30)]
    clipped = geodata.clip_ring(ring, (25, 25, 35, 35))
    assert sorted(clipped) == [(30, 30), (30, 35), (35, 30), (35, 35)]
    with pytest.raises(ValueError, match="Iraq"):  # every REGION country must be found
        geodata.convert(topo, bbox=(25, 25, 35, 35))


@pytest.mark.parametrize("kind", ["map", "locator", "locator-plain", "strip", "axis", "graph"])
def test_every_svg_is_well_formed_and_named(region, kind):
    svg = _all_svgs(region)[kind]
    root = _parse(svg)
    first = root[0]
    assert first.tag == f"{NS}title" and first.text
    assert root.get("aria-labelledby") == first.get("id")
    links = list(root.iter(f"{NS}a"))
    # role="img" makes children presentational: an SVG with links is a named group instead.
    assert root.get("role") == ("group" if links else "img")
    for a in links:
        assert a.get("aria-label") and a.get("href")
        assert a[0].tag == f"{NS}title" and a[0].text == a.get("aria-label")
    assert "\n\n" not in svg and all(line.strip() for line in svg.splitlines())
    assert svg.startswith("<svg ") and svg.endswith("</svg>")


def test_plain_locator_is_an_image(region):
    root = _parse(_all_svgs(region)["locator-plain"])
    assert root.get("role") == "img"
    assert "Palmyra" in "".join(root.itertext())


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_escaped_everywhere(region, name):
    svgs = _all_svgs(region, name)
    svgs["hrefs"] = visuals.region_map(
        region, [{"name": name, "lat": 34.5, "lon": 38.3, "href": 'javascript:alert(1)', "weight": 1,
                  "kind": name, "label": name}], name)
    for kind, svg in svgs.items():
        root = _parse(svg)
        for el in root.iter():
            assert el.tag.rsplit("}", 1)[-1].lower() not in ("script", "foreignobject", "x", "b"), kind
            for attr, value in el.attrib.items():
                assert not attr.lower().startswith("on"), (kind, attr)
                if attr == "href":
                    assert not value.lower().startswith("javascript"), kind
        assert "<script" not in svg and '" onmouseover="' not in svg
        assert all(line.strip() for line in svg.splitlines()), kind


def test_hostile_text_survives_as_text(region):
    svg = visuals.locator_map(region, {"name": "<script>alert(1)</script>", "lat": 34.5, "lon": 38.3})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<script>alert(1)</script>" in "".join(_parse(svg).itertext())


def test_output_is_deterministic(region):
    first = _all_svgs(region)
    again = _all_svgs(copy.deepcopy(visuals.load_region(REGION_FILE)))
    assert first == again


def test_region_map_markers_sizes_and_labels(region):
    names = [f"Place {i}" for i in range(30)]
    places = _places(names)
    for i, p in enumerate(places):
        p["lat"] = 33 + (i % 6) * 0.5
        p["lon"] = 37 + (i // 6) * 1.2
    svg = visuals.region_map(region, places, "Thirty places")
    root = _parse(svg)
    markers = _with_class(root, "tadmur-marker")
    assert len(markers) == len(places)
    radii = [float(m.get("r")) for m in markers]
    assert radii == sorted(radii, reverse=True)  # big first, small on top
    assert max(radii) <= visuals.MAX_MARKER_RADIUS and min(radii) >= 3
    assert [visuals.marker_radius(w) for w in (0, 4, 500)] == [3, 7, 18]
    labels = _with_class(root, "tadmur-place-label")[0]
    assert 1 <= len(list(labels)) <= visuals.MAP_LABELS
    titles = [a[0].text for a in root.iter(f"{NS}a")]
    assert "Place 1 \u2014 7 events/mentions" in titles
    country_text = "".join(_with_class(root, "tadmur-country-label")[0].itertext())
    assert "SYRIA" in country_text and "IRAQ" in country_text
    assert len(svg.encode()) < 60_000
    assert root.get("viewBox").startswith("0 0 800 ")


def test_region_map_keeps_to_the_data_box_and_accepts_a_bbox(region):
    far = _places(["Tehran", "Cairo"])
    far[0].update(lat=35.69, lon=51.39)
    far[1].update(lat=30.04, lon=31.24)
    root = _parse(visuals.region_map(region, far, "Far"))
    assert len(_with_class(root, "tadmur-marker")) == 2
    zoomed = _parse(visuals.region_map(region, _places(), "Zoomed", bbox=(37, 33, 41, 37)))
    # Mosul (43.1 E) is outside the box and left out.
    assert {a.get("aria-label").split(" \u2014")[0] for a in zoomed.iter(f"{NS}a")} == {
        "Palmyra", "Raqqa", "Tiyas air base", "Deir ez-Zor Governorate"}


def test_locator_shows_place_name_and_neighbour_links(region):
    places = _places()
    root = _parse(visuals.locator_map(region, places[0], places[1:]))
    assert root.get("viewBox") == "0 0 300 220"
    assert "Palmyra" in "".join(_with_class(root, "tadmur-place-label")[0].itertext())
    assert _with_class(root, "tadmur-marker-main")
    near = [a.get("aria-label") for a in root.iter(f"{NS}a")]
    assert "Raqqa" in near and "Tiyas air base" in near and "Mosul" not in near  # Mosul is out of view


def test_control_strip_one_segment_per_period(region):
    periods = _periods()
    root = _parse(visuals.control_strip(periods, "2011", "2020-06", "Control of Palmyra"))
    segments = _with_class(root, "tadmur-segment")
    assert len(segments) == len(periods)
    labels = [s.get("aria-label") for s in segments]
    assert labels[1] == "Islamic State: 21 May 2015 \u2013 March 2016 (uncertain)"
    assert labels[2] == "Syrian government: since 27 March 2016"
    assert "tadmur-uncertain" in _classes(segments[1])
    assert any("url(#" in (el.get("fill") or "") for el in segments[1].iter())  # hatched
    rects = [s.find(f"{NS}rect") for s in segments]
    xs = [float(r.get("x")) for r in rects]
    assert xs == sorted(xs)
    # Same holder, same colour; the colour does not depend on the strip.
    assert rects[0].get("fill") == rects[2].get("fill") == visuals.palette_colour("Syrian government")
    years = [t.text for t in _with_class(root, "tadmur-axis-labels")[0]]
    assert "2012" in years and "2020" in years


def test_time_axis_month_is_a_bar_and_day_a_dot(region):
    root = _parse(visuals.time_axis(_events(), "Events at Palmyra"))
    marks = {a.get("aria-label"): a[1] for a in root.iter(f"{NS}a")}
    dot = marks["Fall of Palmyra \u2014 21 May 2015"]
    bar = marks["Destruction of temples \u2014 August 2015"]
    week = marks["Air campaign \u2014 week of 4 January 2016"]
    assert dot.tag == f"{NS}circle" and bar.tag == f"{NS}rect" and week.tag == f"{NS}rect"
    assert float(bar.get("width")) > 2 * float(dot.get("r"))
    assert float(week.get("width")) >= 3
    lane_names = [t.text for t in _with_class(root, "tadmur-lane-name")]
    assert lane_names == ["air strikes", "battle", "heritage"]


def test_time_axis_grows_with_lanes_and_keeps_thin_marks_visible():
    def height(lanes: int) -> float:
        events = [{"title": f"E{i}", "href": None, "start": "2012-05-05", "precision": "day", "lane": f"L{i}"}
                  for i in range(lanes)]
        return float(_parse(visuals.time_axis(events, "t")).get("viewBox").split()[3])

    assert height(1) < height(3) < height(6)
    wide = [
        {"title": "Short", "href": "x/", "start": "2001-01-01", "end": "2001-01-02", "precision": "week",
         "lane": "a"},
        {"title": "Long", "href": "y/", "start": "2000", "end": "2024", "precision": "year", "lane": "a"},
    ]
    root = _parse(visuals.time_axis(wide, "Wide"))
    widths = [float(el.get("width")) for el in _with_class(root, "tadmur-mark")]
    assert min(widths) >= 3


def test_graph_caps_nodes_and_keeps_the_heaviest():
    long_name = "An extremely long organisation name that will not fit"
    nodes = _nodes(40)
    nodes[0]["name"], nodes[0]["weight"] = long_name, 100
    root = _parse(visuals.neighbourhood_graph(CENTER, nodes, "Palmyra's neighbourhood"))
    kept = _with_class(root, "tadmur-node")
    assert len(kept) == visuals.GRAPH_MAX_NODES
    names = {a.get("aria-label").split(" \u2014 ")[0] for a in kept}
    assert long_name in names and "Node 39" in names and "Node 1" not in names
    shown = [t.text for t in root.iter(f"{NS}text")]
    assert any(t and t.endswith("\u2026") and len(t) <= 18 for t in shown)
    assert f"{long_name} \u2014 fought over" in [a[0].text for a in kept]
    assert root.get("viewBox").startswith("0 0 640 ")


def test_graph_puts_actors_on_top():
    root = _parse(visuals.neighbourhood_graph(CENTER, _nodes(9), "Kinds"))
    cy = float(root.get("viewBox").split()[3]) / 2
    for a in _with_class(root, "tadmur-node"):
        y = float(a.find(f"{NS}circle").get("cy"))
        if "tadmur-node-actor" in _classes(a):
            assert y < cy
        else:
            assert y > cy - 60


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("colour", visuals.PALETTE)
def test_palette_contrast_in_light_and_dark_modes(colour):
    assert _contrast(colour, "#ffffff") >= 3
    assert _contrast(colour, "#1e2129") >= 3
    assert _contrast(colour, "#111111") >= 4.5  # holder names drawn on segments


def test_palette_colour_is_stable():
    assert visuals.palette_colour("Islamic State") == visuals.palette_colour("  Islamic   State ")
    assert visuals.palette_colour("Islamic State") in visuals.PALETTE
    assert len({visuals.palette_colour(f"holder {i}") for i in range(40)}) == len(visuals.PALETTE)
