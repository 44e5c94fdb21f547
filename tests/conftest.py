"""Shared fixtures: throwaway copies of the project, one real site build per session, seed writing."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from tadmur import cli

ROOT = Path(__file__).resolve().parents[1]

# What a build reads. Generated output (docs/ pages, site/) is never copied: each copy builds its own.
INPUT_DIRS = ("seeds", "data", "templates", "schema", "overrides")
INPUT_FILES = ("mkdocs.yml",)

TEST_OUTLET = '  - name: "Test Outlet"\n    reuse: full\n    licence: "CC0 1.0"\n'

DEFAULT_META = {
    "id": "2020-01-01-test-article",
    "title": "A test article about nothing in particular",
    "outlet": "Test Outlet",
    "published": "2020-01-01",
    "published_certainty": "exact",
    "language": "en",
}


def copy_project(dest: Path) -> Path:
    """Copy the project's build inputs (and docs/assets) into dest; return dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for d in INPUT_DIRS:
        shutil.copytree(ROOT / d, dest / d)
    for f in INPUT_FILES:
        shutil.copy2(ROOT / f, dest / f)
    # Articles the tests make up come from "Test Outlet" (DEFAULT_META), published in full as if openly
    # licensed, so that their whole text is on their source pages; the real seeds' outlets stay excerpts.
    with open(dest / "data" / "outlets.yml", "a", encoding="utf-8") as f:
        f.write(TEST_OUTLET)
    shutil.copytree(ROOT / "docs" / "assets", dest / "docs" / "assets")
    return dest


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run `tadmur ARGV...` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def front_matter(meta: dict) -> str:
    """YAML front matter; every value is written as JSON, which is valid YAML."""
    lines = ["---"] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()] + ["---"]
    return "\n".join(lines) + "\n"


def write_seed(root: Path, name: str, body: str = "", meta: dict | None = None, *,
               raw: str | bytes | None = None, drop: tuple[str, ...] = (), **fields) -> Path:
    """Write seeds/<name> in a project copy and return its path.

    With `raw`, the file holds exactly those characters or bytes. Otherwise it is front matter made of
    DEFAULT_META updated with `meta` and keyword fields (None is written as YAML null; the fields named
    in `drop` are left out), then the body.
    """
    path = root / "seeds" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        if isinstance(raw, bytes):
            path.write_bytes(raw)
        else:
            path.write_text(raw, encoding="utf-8")
        return path
    m = {k: v for k, v in {**DEFAULT_META, **(meta or {}), **fields}.items() if k not in drop}
    path.write_text(front_matter(m) + body, encoding="utf-8")
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under directory, by relative path, with its bytes."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {str(p.relative_to(directory)): p.read_bytes() for p in files}


@pytest.fixture
def project_copy(tmp_path: Path) -> Callable[..., Path]:
    """Factory: project_copy() or project_copy("name") returns a fresh copy of the project's inputs."""
    counter = iter(range(1000))

    def make(name: str | None = None) -> Path:
        return copy_project(tmp_path / (name or f"project{next(counter)}"))

    return make


@pytest.fixture
def seed_writer() -> Callable[..., Path]:
    """The write_seed helper, as a fixture."""
    return write_seed


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real seeds and catalog built once with `tadmur site --offline` (mkdocs build --strict, for
    site/ and site-offline/); the root."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    try:
        code, out, err = run_cli("--root", str(root), "site", "--offline")
    except SystemExit as exc:  # build_site raises SystemExit when mkdocs fails
        pytest.fail(f"`tadmur site` failed: {exc}")
    if code != 0:
        pytest.fail(f"`tadmur site` exited {code}:\n{err}\n{out}")
    assert (root / "site" / "index.html").is_file(), out
    return root


@pytest.fixture(scope="session")
def knowledge(built_site: Path) -> dict:
    return json.loads((built_site / "site" / "data" / "knowledge.json").read_text(encoding="utf-8"))


# ---- markers: unit, e2e, browser (registered in pyproject.toml) ------------------------------------------

# Modules whose tests never build the project: everything else builds a copy of it (e2e).
UNIT_MODULES = {
    "test_discover.py", "test_ingest.py", "test_matcher.py", "test_temporal.py", "test_visuals.py"
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(m.name in ("unit", "e2e", "browser") for m in item.iter_markers()):
            continue  # marked by hand
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        elif item.path.name in UNIT_MODULES:
            item.add_marker(pytest.mark.unit)
        else:
            item.add_marker(pytest.mark.e2e)


# ---- browser --------------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a built site on a free loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def guarded_page(browser, base_url: str):
    """A new page that may load only from base_url: requests elsewhere are refused and listed in
    page.seen["outside"], console errors and script errors in page.seen["errors"]."""
    page = browser.new_page()
    page.seen = {"errors": [], "outside": []}

    def route(r):
        if r.request.url.startswith(base_url + "/"):
            r.continue_()
        else:
            page.seen["outside"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: page.seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.seen["errors"].append(str(e)))
    return page


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; never a downloaded browser build."""
    if not CHROMIUM.exists():
        pytest.fail("needs Debian's chromium: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update"],
        )
        try:
            yield b
        finally:
            b.close()
