"""Old URLs of merged and renamed pages lead the reader on to the new page, on the web and from file://."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_project, run_cli, serve
from tadmur.pages import FIELDS_MARK


@pytest.fixture(scope="module")
def merged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("redirects") / "project")
    assert run_cli("--root", str(root), "docs")[0] == 0
    page = root / "docs" / "actors" / "iraqi-army.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(FIELDS_MARK, FIELDS_MARK + "\nmerge_into: iraqi-security-forces"), "utf-8")
    code, out, err = run_cli("--root", str(root), "site", "--offline")
    assert code == 0, out + err
    return root


def test_old_url_redirects_on_the_web(browser, merged_site: Path) -> None:
    with serve(merged_site / "site") as url:
        page = browser.new_page()
        page.goto(f"{url}/actors/iraqi-army/", wait_until="load")
        page.wait_for_url(re.compile(r".*/actors/iraqi-security-forces/$"), timeout=10_000)
        assert page.locator("h1").first.inner_text() == "Iraqi Security Forces"
        page.close()


def test_old_url_redirects_from_the_file_system(browser, merged_site: Path) -> None:
    page = browser.new_page()
    page.goto((merged_site / "site-offline" / "actors" / "iraqi-army.html").as_uri(), wait_until="load")
    page.wait_for_url(re.compile(r".*/actors/iraqi-security-forces\.html$"), timeout=10_000)
    page.close()
