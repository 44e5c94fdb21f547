"""Readers accessibility: axe-core finds no serious or critical violation on the main kinds of page.

axe-core (MPL-2.0, from npm, version in tests/vendor/axe-core/axe.min.js) is test-only and is injected
into the page; it is never shipped with the site. Violations known today are listed in KNOWN with where
they come from and how to fix them: while one of them still shows, its test is marked xfail naming the
rule; any other serious or critical violation fails. Remove an entry from KNOWN once it is fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import serve

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# rule id -> (CSS-selector pattern of the elements it is known on, where it comes from and the fix)
KNOWN: dict[str, tuple[str, str]] = {}


@pytest.fixture(scope="module")
def site_url(built_site: Path):
    with serve(built_site / "site") as url:
        yield url


def _pages(knowledge: dict) -> dict[str, str]:
    entity = next(e["page_url"] for e in knowledge["entities"] if e["name"] == "Islamic State")
    event = next(
        (e["page_url"] for e in knowledge["events"] if "palmyra" in e["page_url"]),
        knowledge["events"][0]["page_url"],
    )
    return {"home": "", "entity": entity, "event": event, "timeline": "timeline/", "map": "map/"}


@pytest.mark.parametrize("kind", ["home", "entity", "event", "timeline", "map"])
def test_axe_finds_no_serious_violation(browser, site_url, knowledge, kind):
    assert AXE.is_file(), "tests/vendor/axe-core/axe.min.js is missing (npm pack axe-core@4)"
    path = _pages(knowledge)[kind]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: failed.append(f"{r.url} HTTP {r.status}") if r.status >= 400 else None)
    try:
        response = page.goto(f"{site_url}/{path}", wait_until="networkidle")
        assert response is not None and response.ok, path
        assert not errors and not failed, (errors, failed)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact}))}));
            }"""
        )
    finally:
        context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    unknown, known = [], set()
    for v in serious:
        pattern = KNOWN.get(v["id"], (None, ""))[0]
        for n in v["nodes"]:
            if pattern and re.search(pattern, n["target"]):
                known.add(v["id"])
            else:
                unknown.append(f"{v['id']} ({v['impact']}): {n['target']} - {v['help']}")
    assert not unknown, f"{kind} /{path}: " + "\n".join(unknown[:30])
    if known:
        pytest.xfail("; ".join(f"{rule}: {KNOWN[rule][1]}" for rule in sorted(known)))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_in_open_search(browser, site_url, scheme):
    """The search box opened, with results for a query: the field, status line and results that
    Pagefind's Modular UI fills in, in the theme's colours (Material's default and slate palettes)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{site_url}/places/palmyra/", wait_until="networkidle")
        palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert palette == {"light": "default", "dark": "slate"}[scheme]
        page.locator(".tadmur-search__toggle").click()
        page.locator("#tadmur-search-input").wait_for(timeout=10_000)
        page.keyboard.type("Palmyra", delay=10)
        page.wait_for_selector("#tadmur-search-panel .tadmur-search__result-link", timeout=10_000)
        page.wait_for_timeout(500)
        # The result text and links are in the palette's colours, not the browser's defaults.
        colours = page.evaluate(
            """() => {
                const c = el => getComputedStyle(el).color;
                const panel = document.querySelector("#tadmur-search-panel");
                return {panel: getComputedStyle(panel).backgroundColor, body: getComputedStyle(document.body)
                        .backgroundColor, text: c(panel.querySelector(".tadmur-search__excerpt")),
                        fg: c(document.querySelector(".md-typeset")),
                        link: c(panel.querySelector(".tadmur-search__result-link"))};
            }"""
        )
        assert colours["panel"] == colours["body"] and colours["text"] == colours["fg"], colours
        assert colours["link"] not in (colours["text"], "rgb(0, 0, 238)"), colours
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => {
                const r = await axe.run(document.querySelector("#tadmur-search-panel").parentElement,
                                        {resultTypes: ["violations"]});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(" "))}));
            }"""
        )
    finally:
        context.close()
    assert not errors, errors
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
