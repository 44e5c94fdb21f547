"""`tadmur serve`: docs/ is regenerated when an input changes, once per change, never in a loop."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_project, snapshot, write_seed
from tadmur.paths import Project
from tadmur.serve import LiveRegenerator, serve

SEED = "2020-01-01-test-article.md"
BODY = "Fighters of the Qarmoush Brigade were seen near Raqqa last week.\n"
# Jazal oil field is catalogued (data/catalog/places.yml) and not named by BODY.
MORE = BODY + "\nThey later seized the Jazal oil field.\n"
JAZAL = Path("docs/places/jazal-oil-field.md")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the project with one small seed, so that each build takes a second or two."""
    root = copy_project(tmp_path / "project")
    for seed in (root / "seeds").glob("*.md"):
        seed.unlink()
    write_seed(root, SEED, BODY)
    return root


class Output(io.StringIO):
    """What the regenerator prints, readable while its thread writes."""

    def lines(self) -> list[str]:
        return self.getvalue().splitlines()


def wait_for(cond: Callable[[], object], timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := cond():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def docs_pages(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root / "docs").items() if not k.startswith("assets/")}


def test_watch_loop_regenerates_once_per_change_and_survives_a_broken_seed(root: Path):
    out = Output()
    regen = LiveRegenerator(Project(root), out=out, debounce=0.3)
    stop = threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(Project(root),),
        kwargs={"mkdocs": False, "stop": stop, "regenerator": regen},
        daemon=True,
    )
    thread.start()
    try:
        wait_for(lambda: "watching" in out.getvalue(), 60, "the first build and the watcher")
        assert (root / "docs" / "index.md").is_file()
        assert not (root / JAZAL).exists()
        assert regen.regenerations == 0

        # An edited seed names a catalogued place: its page appears, after exactly one regeneration.
        write_seed(root, SEED, MORE)
        wait_for(lambda: (root / JAZAL).is_file(), 30, "the new place page")
        time.sleep(2.5)  # quiet period: the build's own writes to docs/ must not trigger another build
        assert regen.regenerations == 1, out.getvalue()
        regenerated = [line for line in out.lines() if "regenerated docs/" in line]
        assert len(regenerated) == 1 and f"seeds/{SEED} changed" in regenerated[0], out.getvalue()
        assert "Jazal oil field" in out.getvalue()  # the build's summary of what changed

        # Saving a page or a seed without changing it, and scratch files, do not rebuild.
        page = root / JAZAL
        page.write_bytes(page.read_bytes())
        write_seed(root, SEED, MORE)
        (root / "seeds" / SEED).touch()
        (root / "docs" / "scratch.tmp").write_text("x", encoding="utf-8")
        (root / "seeds" / ".notes.swp").write_text("x", encoding="utf-8")
        time.sleep(2)
        assert regen.regenerations == 1, out.getvalue()

        # A broken seed: an error, the last good pages stay.
        good = docs_pages(root)
        (root / "seeds" / "broken.md").write_text("no front matter here\n", encoding="utf-8")
        wait_for(lambda: "error: seeds/broken.md:1:" in out.getvalue(), 30, "the error message")
        time.sleep(1.5)
        assert regen.regenerations == 2 and regen.failures == 1, out.getvalue()
        assert docs_pages(root) == good

        # Fixed: the next build succeeds again.
        (root / "seeds" / "broken.md").unlink()
        wait_for(lambda: regen.regenerations == 3, 30, "a rebuild after the fix")
        wait_for(lambda: len([ln for ln in out.lines() if "regenerated docs/" in ln]) == 2, 30, "the report")
        assert regen.failures == 1 and regen.last_error is None
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_process_decides_what_needs_a_rebuild(root: Path):
    out = Output()
    regen = LiveRegenerator(Project(root), out=out)
    assert regen.build() is True
    docs = root / "docs"
    generated = sorted(docs.rglob("*.md"))
    assert generated
    # The build's own output, its manifest, temporary files, assets and unknown paths: nothing to do.
    assert regen.process(generated) is False
    assert (
        regen.process([docs / ".tadmur-generated", docs / "x.md.tmp", root / "seeds" / f"{SEED}.tmp"])
        is False
    )
    assert regen.process([docs / "assets" / "extra.css", root / "mkdocs.yml", root / "elsewhere.md"]) is False
    assert regen.process([root / "seeds" / "never-existed.md"]) is False
    assert regen.process([root / "seeds"]) is False  # a folder event: its files are unchanged
    assert regen.regenerations == 0

    # A broken seed: process() rebuilds, reports `error: file:line: message`, and docs/ is untouched.
    before = docs_pages(root)
    broken = write_seed(root, "broken.md", BODY, drop=("title",), id="2020-01-02-broken")
    assert regen.process([broken]) is True
    assert regen.failures == 1
    errors = [line for line in out.lines() if line.startswith("error: ")]
    assert errors and errors[0].startswith("error: seeds/broken.md:"), out.getvalue()
    assert docs_pages(root) == before
    assert regen.process([broken]) is False  # the same broken content: no second attempt

    # Fixed (title added back): rebuilt; a contributor's edit of a page in docs/ also counts as a change.
    write_seed(root, "broken.md", BODY, id="2020-01-02-broken")
    assert regen.process([broken]) is True
    assert regen.failures == 1
    assert (docs / "sources" / "2020-01-02-broken.md").is_file()
    page = docs / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA contributor's line.\n", encoding="utf-8")
    assert regen.process([page]) is True
    assert regen.regenerations == 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback only
            return resp.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@contextlib.contextmanager
def served(root: Path, tmp_path: Path):
    """`serve` with mkdocs on a free port, in a thread; yields (base URL, what it printed). On exit it
    stops, and checks that serve returned 0 and left no preview folder behind."""
    port = free_port()
    out = Output()
    stop = threading.Event()
    log = (tmp_path / "mkdocs.log").open("w", encoding="utf-8")
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(
            serve(Project(root), f"127.0.0.1:{port}", stop=stop, out=out, mkdocs_output=log, debounce=0.3)
        ),
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", out
    finally:
        stop.set()
        thread.join(timeout=30)
        log.close()
    assert not thread.is_alive()
    assert result == [0], (tmp_path / "mkdocs.log").read_text(encoding="utf-8")
    assert not (root / ".serve-docs").exists() and not (root / ".serve-mkdocs.yml").exists()


def test_mkdocs_serves_the_pages_and_the_regenerated_ones(root: Path, tmp_path: Path):
    with served(root, tmp_path) as (base, _out):
        home = wait_for(lambda: fetch(base + "/"), 30, "mkdocs serve to answer")
        assert "Tadmur" in home
        write_seed(root, SEED, MORE)
        page = wait_for(
            lambda: fetch(base + "/places/jazal-oil-field/"), 30, "the regenerated page over HTTP"
        )
        assert "Jazal oil field" in page


def test_the_preview_never_shows_an_edit_the_build_refused(root: Path, tmp_path: Path):
    page = root / "docs" / "places" / "raqqa.md"
    with served(root, tmp_path) as (base, out):
        wait_for(lambda: fetch(base + "/places/raqqa/"), 30, "mkdocs serve to answer")
        text = page.read_text(encoding="utf-8")
        end = text.index("<!-- tadmur:end -->")
        page.write_text(
            text[:end] + "Zanzibarite words inside the build's part.\n\n" + text[end:], encoding="utf-8"
        )
        wait_for(lambda: "still serving the last good pages" in out.getvalue(), 30, "the refusal")
        time.sleep(2)  # what mkdocs would have reloaded by now
        assert "Zanzibarite" not in (fetch(base + "/places/raqqa/") or "")
        page.write_text(text, encoding="utf-8")


def test_the_preview_copy_takes_only_what_changed(tmp_path: Path):
    """stage() copies a file the build changed (keeping its time, so that `mkdocs serve --dirty` makes
    that page again), leaves a file the build did not touch as it is, drops a removed one, and carries
    the last site's search bundle."""
    import os

    from tadmur.serve import STAGE_DIR, stage

    root = tmp_path / "p"
    docs = root / "docs"
    (docs / "actors").mkdir(parents=True)
    (root / "site" / "pagefind").mkdir(parents=True)
    (root / "site" / "pagefind" / "pagefind.js").write_text("bundle", encoding="utf-8")
    for name in ("index.md", "actors/a.md", "actors/b.md"):
        (docs / name).write_text(f"# {name}\n", encoding="utf-8")
    project = Project(root)
    stage(project)
    dest = root / STAGE_DIR
    assert snapshot(dest) == {**snapshot(docs), "pagefind/pagefind.js": b"bundle"}
    kept = (dest / "index.md").stat().st_mtime_ns

    time.sleep(0.01)
    (docs / "actors" / "a.md").write_text("# changed\n", encoding="utf-8")
    (docs / "actors" / "b.md").unlink()
    (docs / "actors" / "c.md").write_text("# new\n", encoding="utf-8")
    stage(project)
    assert snapshot(dest) == {**snapshot(docs), "pagefind/pagefind.js": b"bundle"}
    assert (dest / "index.md").stat().st_mtime_ns == kept  # not written again
    for name in ("actors/a.md", "actors/c.md"):
        assert (dest / name).stat().st_mtime_ns == (docs / name).stat().st_mtime_ns
    assert not (root / (STAGE_DIR + "-incoming")).exists()
    assert not os.path.exists(dest / "actors" / "b.md")


def test_new_pages_reach_the_preview_before_the_pages_they_change(tmp_path: Path):
    """While MkDocs serves the copy, stage() moves a build's new pages in first and waits until they
    are served; only then come the other files the build changed, so that MkDocs makes the new pages
    in a build of their own."""
    from tadmur.serve import STAGE_DIR, stage
    from tadmur.shards import page_address

    root = tmp_path / "p"
    docs = root / "docs"
    (docs / "sources").mkdir(parents=True)
    (docs / "data").mkdir()
    for name in ("index.md", "sources/index.md", "data/x.json"):
        (docs / name).write_text(f"{name} 1\n", encoding="utf-8")
    project = Project(root)
    stage(project)
    dest = root / STAGE_DIR

    time.sleep(0.01)
    for name in ("index.md", "sources/index.md", "data/x.json"):
        (docs / name).write_text(f"{name} 2\n", encoding="utf-8")
    (docs / "sources" / "new-article.md").write_text("new\n", encoding="utf-8")
    seen = {}

    def served(rels):
        seen["rels"] = rels
        seen["copy"] = snapshot(dest)

    stage(project, served)
    assert seen["rels"] == ["sources/new-article.md"]
    assert seen["copy"]["sources/new-article.md"] == b"new\n"
    assert seen["copy"]["sources/index.md"] == b"sources/index.md 1\n"  # not yet
    assert seen["copy"]["data/x.json"] == b"data/x.json 1\n"
    assert snapshot(dest) == snapshot(docs)  # then everything

    # Nothing new: one move, no waiting.
    (docs / "index.md").write_text("index.md 3\n", encoding="utf-8")
    seen.clear()
    stage(project, served)
    assert not seen and snapshot(dest) == snapshot(docs)
    assert [page_address(r) for r in ("index.md", "sources/index.md", "sources/a-b.md")] == [
        "", "sources/", "sources/a-b/"
    ]


def test_mkdocs_is_told_of_writes_but_not_of_reads(tmp_path: Path):
    """`mkdocs serve` runs with tadmur.mkdocs_serve's observer (no polling of every file): it must report
    a file written, and never a file read, since MkDocs reads every page it builds (a read reported
    would start the next build, for ever)."""
    import queue

    from tadmur.mkdocs_serve import NotifiedObserver
    from tadmur.serve import mkdocs_command
    from watchdog.events import FileSystemEventHandler

    assert mkdocs_command(Project(tmp_path), "127.0.0.1:8000")[1:4] == ["-m", "tadmur.mkdocs_serve", "serve"]
    assert mkdocs_command(Project(tmp_path), "127.0.0.1:8000", poll=True)[1:4] == ["-m", "mkdocs", "serve"]
    (tmp_path / "page.md").write_text("# page\n", encoding="utf-8")
    seen: queue.SimpleQueue = queue.SimpleQueue()
    handler = FileSystemEventHandler()
    handler.on_any_event = seen.put  # as MkDocs' live reload does
    observer = NotifiedObserver(timeout=0.1)
    observer.schedule(handler, str(tmp_path), recursive=True)  # as MkDocs calls it
    observer.start()
    try:
        time.sleep(0.3)
        for _ in range(5):
            (tmp_path / "page.md").read_text(encoding="utf-8")
        time.sleep(0.5)
        assert seen.empty(), seen.get()
        (tmp_path / "page.md").write_text("# changed\n", encoding="utf-8")
        event = seen.get(timeout=5)
        assert event.src_path.endswith("page.md") and event.event_type in ("modified", "closed", "created")
    finally:
        observer.stop()
        observer.join(5)
