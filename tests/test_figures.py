"""The pictures on the built site: map, place locator and control strip, time axis, actor graph."""

from __future__ import annotations

import re
from pathlib import Path

from siteutil import parse_file


def _html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_map_has_one_marker_per_place_with_coordinates(built_site: Path, knowledge: dict):
    site = built_site / "site"
    html = _html(site, "map")
    # Places of the region (the map's frame): Paris or Moscow are listed, not drawn.
    places = [
        e
        for e in knowledge["entities"]
        if e["kind"] == "place"
        and e["coordinates"]
        and e["type"] != "country"
        and 25 <= e["coordinates"][1] <= 60
        and 25 <= e["coordinates"][0] <= 45
    ]
    markers = re.findall(r'<circle class="tadmur-marker ', html)
    assert len(markers) == len(places) > 10
    # Every marker is a link to a place page that exists.
    for e in places:
        assert f'href="../{e["page_url"]}"' in html, e["id"]
    # Drawn from shipped outlines: no tile or image requests, no external URL in the figure.
    figure = html[html.index('<figure class="tadmur-figure') : html.index("</figure>")]
    assert "http" not in figure.replace("http://www.w3.org/2000/svg", "")


def test_palmyra_page_has_locator_and_a_four_part_control_strip(built_site: Path):
    html = _html(built_site / "site", "places/palmyra")
    assert 'class="tadmur-figure tadmur-locator"' in html
    strip = html[html.index("Who held Palmyra when") :]
    strip = strip[: strip.index("</svg>")]
    segments = re.findall(r'<a class="tadmur-segment', strip)
    assert len(segments) == 4


def test_timeline_has_a_time_axis_with_month_spans(built_site: Path):
    html = _html(built_site / "site", "timeline")
    axis = html[html.index('<figure class="tadmur-figure') : html.index("</figure>")]
    assert axis.count("<a ") >= 10
    assert "May 2015" in axis or "March 2016" in axis  # month-precision events are labelled as spans


def test_actor_page_shows_its_neighbourhood(built_site: Path):
    path = built_site / "site" / "actors" / "islamic-state" / "index.html"
    html = path.read_text(encoding="utf-8")
    graph = html[html.index("Neighbourhood of Islamic State") :]
    graph = graph[: graph.index("</svg>")]
    for target in ("../../places/palmyra/", "../al-qaeda/", "../../weapons/bgm-71-tow/"):
        assert f'href="{target}"' in graph, target
    # The inline SVG carries no script and no event handler attributes.
    assert "<script" not in graph
    for tag, attrs in parse_file(path).elements:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
