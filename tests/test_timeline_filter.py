"""The timeline filter's data on the real seeds, and the filter in Debian's Chromium on a timeline split
into pages (the seeds are too few to split it, so the split build lowers the page size).

A reader who picks a name on one year's page sees that name's events from every year, fetched from
docs/data/timeline/; over file:// (no fetch) the page's own entries are filtered instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_project, guarded_page, run_cli, serve
from tadmur.emit import common

KIND_OF = {"actors": "actor", "places": "place", "weapons": "weapon"}


def _named(event: dict) -> set[str]:
    ids = {p["entity"] for p in event["participants"]} | set(event["weapons"])
    return ids | ({event["place"]} if event["place"] else set())


def _events_of(knowledge: dict) -> dict[str, list[str]]:
    """Entity id -> ids of the published events that name it, from the export."""
    out: dict[str, list[str]] = {}
    for e in knowledge["events"]:
        for eid in _named(e):
            out.setdefault(eid, []).append(e["id"])
    return out


def _rows(data: dict, folder: Path) -> list[list]:
    groups = data.get("groups") or [
        g for p in data["parts"] for g in json.loads((folder / f"{p}.json").read_text("utf-8"))["groups"]
    ]
    return [r for g in groups for r in g[2]]


@pytest.mark.e2e
def test_seed_build_writes_one_file_per_name_with_its_events(built_site: Path, knowledge: dict):
    site = built_site / "site"
    menus = json.loads((site / "data" / "filters.json").read_text("utf-8"))
    assert menus == json.loads((built_site / "docs" / "data" / "filters.json").read_text("utf-8"))
    kinds = {e["id"]: KIND_OF[e["page_url"].split("/")[0]] for e in knowledge["entities"]}
    names = {e["id"]: e["name"] for e in knowledge["entities"]}
    expected = {eid: evs for eid, evs in _events_of(knowledge).items() if eid in kinds}
    listed = {m[0]: (kind, m[1], m[2]) for kind, ms in menus.items() for m in ms}
    assert listed == {eid: (kinds[eid], names[eid], len(evs)) for eid, evs in expected.items()}
    order = [e["id"] for e in knowledge["events"]]
    for eid, evs in expected.items():
        path = site / "data" / "timeline" / kinds[eid] / f"{eid}.json"
        data = json.loads(path.read_text("utf-8"))
        rows = _rows(data, path.with_suffix(""))
        assert data["count"] == len(rows) == len(evs)
        assert [r[0] for r in rows] == [e for e in order if e in set(evs)], eid  # timeline order
        assert all(eid in r[4] for r in rows)
    # Nothing else under data/timeline/.
    folder = site / "data" / "timeline"
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*.json")}
    assert files == {f"{kinds[e]}/{e}.json" for e in expected}


# ---- in the browser, on a split timeline ------------------------------------------------------------------


@pytest.fixture(scope="module")
def split_site(tmp_path_factory) -> Path:
    """The seeds built with at most 3 events a timeline page (`tadmur site`): the site/ folder."""
    root = copy_project(tmp_path_factory.mktemp("split") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(common, "LIMITS", common.Limits(page_events=3))
        try:
            code, out, err = run_cli("--root", str(root), "site")
        except SystemExit as exc:
            pytest.fail(f"`tadmur site` failed: {exc}")
    assert code == 0, err
    return root / "site"


@pytest.fixture(scope="module")
def split_url(split_site: Path):
    with serve(split_site) as url:
        yield url


@pytest.fixture()
def page(browser, split_url):
    page = guarded_page(browser, split_url)
    page.seen["failed"] = []
    page.on("response", lambda r: r.status >= 400 and page.seen["failed"].append(f"{r.status} {r.url}"))
    try:
        yield page
    finally:
        page.close()
    assert not any(page.seen.values()), page.seen


def _knowledge(site: Path) -> dict:
    return json.loads((site / "data" / "knowledge.json").read_text("utf-8"))


def _page_with(site: Path, event_id: str) -> str:
    """The timeline page (served path) that lists an event."""
    for html in sorted((site / "timeline").glob("*/index.html")):
        if f"events/{event_id}/" in html.read_text("utf-8"):
            return html.parent.relative_to(site).as_posix() + "/"
    raise AssertionError(event_id)


def _shown(page) -> list[str]:
    hrefs = page.locator(".tadmur-timeline-all li > a:first-of-type").evaluate_all(
        "els => els.map(a => a.getAttribute('href'))"
    )
    return [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]


def test_picking_an_actor_lists_its_events_from_every_page(page, split_site, split_url):
    knowledge = _knowledge(split_site)
    wanted = [e["id"] for e in knowledge["events"] if "islamic-state" in _named(e)]
    path = _page_with(split_site, wanted[-1])
    page.goto(f"{split_url}/{path}", wait_until="networkidle")
    on_page = page.locator(".tadmur-timeline li").count()
    assert 0 < on_page <= 3 < len(wanted)
    page.select_option("select[name=actor]", "islamic-state")
    page.wait_for_function("n => document.querySelectorAll('.tadmur-timeline-all li').length === n",
                           arg=len(wanted), timeout=10_000)
    assert _shown(page) == wanted  # every year's, in timeline order
    assert page.locator(".tadmur-timeline").is_hidden()
    assert page.locator(".tadmur-timeline-all h2").count() >= 3  # years
    assert "on the whole timeline" in page.locator(".tadmur-filter output").inner_text()
    assert "actor=islamic-state" in page.url  # kept in the address
    # The menus list every name with events, not only this page's.
    options = page.locator("select[name=place] option").count()
    assert options == 1 + len(json.loads((split_site / "data" / "filters.json").read_text("utf-8"))["place"])
    # A fetched row's links lead to the event's and the names' pages.
    first = page.locator(".tadmur-timeline-all li").first
    assert first.locator("a[href*='/actors/islamic-state/']").count() == 1
    first.locator("a").first.click()
    page.wait_for_load_state("load")
    assert page.url == f"{split_url}/events/{wanted[0]}/"
    # Back to "any": the page's own entries again.
    page.goto(f"{split_url}/{path}?actor=islamic-state", wait_until="networkidle")
    page.wait_for_function("() => document.querySelectorAll('.tadmur-timeline-all li').length > 3")
    page.select_option("select[name=actor]", "")
    assert page.locator(".tadmur-timeline li:not([hidden])").count() == on_page
    assert page.locator(".tadmur-timeline-all").is_hidden()


def test_address_preselects_two_names_from_another_page(page, split_site, split_url):
    """?actor= and ?place= on a page where neither is listed: the events naming both, from every year."""
    knowledge = _knowledge(split_site)
    both = [e["id"] for e in knowledge["events"] if {"islamic-state", "palmyra"} <= _named(e)]
    assert len(both) >= 3
    page.goto(f"{split_url}/timeline/?actor=islamic-state&place=palmyra", wait_until="networkidle")
    page.wait_for_function("n => document.querySelectorAll('.tadmur-timeline-all li').length === n",
                           arg=len(both), timeout=10_000)
    assert _shown(page) == both
    assert page.locator("select[name=actor]").input_value() == "islamic-state"
    assert page.locator("select[name=place]").input_value() == "palmyra"


def test_from_the_file_system_the_page_filters_its_own_entries(browser, split_site):
    """file:// cannot fetch: no request for data/, no script error, the page's entries are filtered."""
    knowledge = _knowledge(split_site)
    event = next(e for e in knowledge["events"] if "islamic-state" in _named(e))
    html = split_site / _page_with(split_site, event["id"]) / "index.html"
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(html.as_uri(), wait_until="load")
        total = page.locator(".tadmur-timeline li").count()
        page.select_option("select[name=actor]", "islamic-state")
        shown = page.locator(".tadmur-timeline li:not([hidden])").count()
        assert 1 <= shown <= total
        assert "of" in page.locator(".tadmur-filter output").inner_text()
    finally:
        page.close()
    assert not errors, errors
    assert not [u for u in requests if "/data/" in u], requests
