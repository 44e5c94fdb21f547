"""Readers page weight and layout: bytes of a cold load, screenshots for a person, no sideways scroll.

Sizes are response bodies as the test server sends them (uncompressed: it does no gzip). Screenshots go
to built_site.parent/"screens" and are copied to test-artifacts/ (gitignored) in the project.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, serve

LIMIT = 500 * 1024
SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def site_url(built_site: Path):
    with serve(built_site / "site") as url:
        yield url


@pytest.fixture(scope="module")
def screens(built_site: Path) -> Path:
    folder = built_site.parent / "screens"
    folder.mkdir(exist_ok=True)
    return folder


def _record(screens: Path, name: str, data: dict) -> None:
    path = screens / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    _publish(path)


def _publish(path: Path) -> None:
    """Copy one artifact into the project's gitignored test-artifacts/ for a person to look at."""
    dest = ROOT / "test-artifacts"
    dest.mkdir(exist_ok=True)
    shutil.copy2(path, dest / path.name)


def _watched_page(context):
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
    return page


@pytest.mark.parametrize("path", ["", "places/palmyra/"], ids=["home", "entity"])
def test_cold_load_is_under_500_kb(browser, site_url, screens, path):
    context = browser.new_context()  # a new context has an empty cache: a cold load
    page = _watched_page(context)
    bodies: dict[str, bytes] = {}

    def keep(response):
        if response.status < 300:
            try:
                bodies[response.url] = response.body()
            except Exception as exc:  # a body we cannot read is a problem
                page.problems.append(f"body: {response.url} {exc}")

    page.on("response", keep)  # the search worker's requests are reported on the page too
    try:
        response = page.goto(f"{site_url}/{path}", wait_until="networkidle")
        assert response is not None and response.ok
    finally:
        context.close()
    assert not page.problems, page.problems
    sizes = {url.removeprefix(site_url + "/") or "(page)": len(b) for url, b in bodies.items()}
    total = sum(sizes.values())
    gz = sum(len(gzip.compress(b, 6)) for b in bodies.values())
    name = "weight-" + (path.strip("/").replace("/", "-") or "home")
    _record(
        screens,
        name,
        {
            "path": "/" + path,
            "total_bytes": total,
            "gzip_bytes": gz,
            "files": sizes,
        },
    )
    print(f"\n/{path}: {total / 1024:.0f} KB in {len(sizes)} responses ({gz / 1024:.0f} KB if gzipped)")
    # Search (Pagefind) loads nothing until the reader opens the search box.
    assert not [u for u in sizes if "pagefind" in u or u.startswith("search/")], sizes
    assert total < LIMIT, sizes


def _targets(knowledge: dict) -> dict[str, str]:
    entity = next(e["page_url"] for e in knowledge["entities"] if e["name"] == "Palmyra")
    return {"home": "", "timeline": "timeline/", "map": "map/", "entity": entity}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_screenshots_and_no_sideways_scroll(browser, site_url, knowledge, screens, size, scheme):
    viewport = SIZES[size]
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, is_mobile=size == "mobile", has_touch=size == "mobile"
    )
    page = _watched_page(context)
    widths = {}
    try:
        for name, path in _targets(knowledge).items():
            response = page.goto(f"{site_url}/{path}", wait_until="networkidle")
            assert response is not None and response.ok, path
            shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert shown == ("slate" if scheme == "dark" else "default"), (path, shown)
            widths[name] = page.evaluate("document.documentElement.scrollWidth")
            shot = screens / f"{name}-{size}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            _publish(shot)
    finally:
        context.close()
    assert not page.problems, page.problems
    if size == "mobile":
        too_wide = {n: w for n, w in widths.items() if w > viewport["width"] + 1}
        assert not too_wide, f"pages scroll sideways at {viewport['width']} px: {too_wide}"
