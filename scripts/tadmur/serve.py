"""`tadmur serve`: a live preview that regenerates docs/ whenever a build input changes.

It generates docs/ once, starts `mkdocs serve` on a copy of docs/ (`.serve-docs/`, refreshed after
every build that succeeds and removed on exit, so that an edit the build refuses is never previewed as
if published; MkDocs reloads the browser whenever the copy changes) and watches what the build reads:
seeds/, data/, templates/, schema/ and the Markdown pages in docs/
(contributors write corrections in the pages' front matter). After a change and a short quiet
period it runs the build again.

No rebuild loops: the watcher remembers the exact content of every input as the last build read it,
and of every page the build wrote, and ignores events for files whose content is still what it
remembers. So the build's own writes to docs/ (and editors that save a file unchanged) never trigger
another build. A bad input prints `error: file:line: message` and the last good pages stay served.

The watch-and-regenerate core (`LiveRegenerator`) needs no MkDocs: `tadmur serve --no-mkdocs`, or
`LiveRegenerator.process(paths)` in tests.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from .errors import BuildError
from .paths import Project
from .writer import KEEP, MANIFEST

WATCHED = ("seeds", "data", "templates", "schema", "docs")
DEFAULT_ADDR = "127.0.0.1:8000"
DEBOUNCE = 0.4
_ABSENT = object()


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="live preview: regenerate docs/ when seeds, data or templates change; serve with MkDocs",
        description=(
            "Generate docs/, start `mkdocs serve`, and regenerate docs/ whenever a file in seeds/, data/, "
            "templates/, schema/ or a Markdown page in docs/ changes. Ctrl-C stops."
        ),
    )
    p.add_argument(
        "--dev-addr",
        "-a",
        default=DEFAULT_ADDR,
        metavar="IP:PORT",
        help=f"address to serve on ({DEFAULT_ADDR})",
    )
    p.add_argument("--no-mkdocs", action="store_true", help="only watch and regenerate docs/; serve nothing")
    p.add_argument("--poll", action="store_true", help="poll the file system instead of OS notifications")
    p.add_argument(
        "--debounce",
        type=float,
        default=DEBOUNCE,
        metavar="SECONDS",
        help=f"quiet time before a rebuild ({DEBOUNCE})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, project: Project) -> int:
    return serve(
        project,
        addr=args.dev_addr,
        mkdocs=not args.no_mkdocs,
        poll=args.poll,
        debounce=args.debounce,
    )


def _digest(path: Path) -> bytes | None:
    """A fingerprint of the file's bytes, or None when it is not a readable file."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=20).digest()
    except OSError:  # gone, a directory, or unreadable: not content the build can read
        return None


def _text_digest(text: str | bytes) -> bytes:
    blob = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.blake2b(blob, digest_size=20).digest()


class LiveRegenerator:
    """Decides which file changes need a rebuild, and rebuilds.

    `process(paths)` takes a batch of changed paths and returns whether it regenerated docs/.
    `loop(stop)` turns events queued by `notify(path)` into debounced batches for `process`.
    """

    def __init__(
        self,
        project: Project,
        *,
        out: IO[str] | None = None,
        debounce: float = DEBOUNCE,
        build: Callable | None = None,
    ):
        self.project = project
        self.root = project.root
        self.after_build: Callable[[], None] | None = None  # called after each build that succeeded
        self.out = out if out is not None else sys.stdout
        self.debounce = debounce
        self._build = build
        self._events: queue.SimpleQueue[str] = queue.SimpleQueue()
        # What each watched file held as the last build saw it: a digest, or None for "no such file".
        self._known: dict[Path, bytes | None] = {}
        self._generated: set[Path] = set()  # pages in docs/ the last successful build wrote
        self.regenerations = 0  # builds started by changes (not the first one)
        self.failures = 0  # of those, how many stopped on an error
        self.last_error: str | None = None

    # ---- which files matter ------------------------------------------------------------------------

    def watched_dirs(self) -> list[Path]:
        return [self.root / d for d in WATCHED if (self.root / d).is_dir()]

    def is_watched(self, path: Path) -> bool:
        """A file the build reads: anything in seeds/ data/ templates/ schema/, Markdown pages in docs/."""
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return False
        parts = rel.parts
        if len(parts) < 2 or parts[0] not in WATCHED:
            return False
        name = parts[-1]
        if (
            name.startswith(".")
            or name.endswith(("~", ".tmp", ".swp", ".swx", ".swo"))
            or "__pycache__" in parts
        ):
            return False  # editor and writer temporary files, hidden files
        if parts[0] == "docs":
            return name.endswith(".md") and parts[1] != "assets" and rel.as_posix() != f"docs/{MANIFEST}"
        return True

    def _files_under(self, directory: Path) -> Iterable[Path]:
        for dirpath, dirnames, filenames in os.walk(directory):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for f in filenames:
                p = Path(dirpath) / f
                if self.is_watched(p):
                    yield p

    def snapshot(self) -> dict[Path, bytes | None]:
        """The current content (digest) of every watched file."""
        return {p: _digest(p) for d in self.watched_dirs() for p in self._files_under(d)}

    def _expand(self, paths: Iterable[str | Path]) -> set[Path]:
        """Paths to files: a directory stands for the files in it now and those it held before."""
        out: set[Path] = set()
        for raw in paths:
            p = Path(os.path.abspath(raw))
            if p.is_dir():
                out.update(self._files_under(p))
            out.update(k for k in self._known if p in k.parents)
            if not p.is_dir():
                out.add(p)
        return out

    def changed(self, paths: Iterable[str | Path]) -> list[Path]:
        """Those of `paths` (files or folders) whose content differs from what the last build saw."""
        found = []
        for p in sorted(self._expand(paths)):
            if not self.is_watched(p):
                continue
            now = _digest(p)
            before = self._known.get(p, _ABSENT)
            if before is _ABSENT and now is None:
                continue  # appeared and vanished again (an editor's scratch file)
            if now != before:
                found.append(p)
        return found

    # ---- building ----------------------------------------------------------------------------------

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def _run_build(self):
        if self._build is not None:
            return self._build(self.project)
        from . import pipeline

        return pipeline.build_docs(self.project)

    def build(self, trigger: str = "") -> bool:
        """Regenerate docs/; remember what it read and wrote. False (docs/ untouched) on an error.

        Python's cycle collector stays paused until the pages are in the preview and the build's data
        is let go: collected with the build's objects still held, a pass took 0.6 s at 1,000 articles."""
        was = gc.isenabled()
        gc.disable()
        try:
            return self._build_once(trigger)
        finally:
            if was:
                gc.enable()

    def _build_once(self, trigger: str) -> bool:
        started = time.perf_counter()
        # What this build is about to read; files seen before and gone now are recorded as absent.
        seen = {p: None for p in self._known} | self.snapshot()
        try:
            result = self._run_build()
        except BuildError as exc:
            self._known.update(seen)  # this state was tried: only a further change builds again
            self.last_error = str(exc)
            self._say(f"error: {exc}")
            self._say("error: docs/ is unchanged; still serving the last good pages (fix the file and save)")
            return False
        except Exception as exc:  # a bug in a stage or template: keep serving, say what happened
            self._known.update(seen)
            self.last_error = f"{type(exc).__name__}: {exc}"
            self._say(f"error: the build failed: {self.last_error}")
            self._say("error: docs/ is unchanged; still serving the last good pages")
            return False
        secs = time.perf_counter() - started
        self.last_error = None
        self._known.update(seen)
        docs = self.project.docs
        produced = {docs / rel: text for rel, text in result.files.items()}
        for p in self._generated - set(produced):
            self._known[p] = None  # removed by the build
        for p, text in produced.items():
            # A kept page (KEEP) is the file as it was: what `seen` read of it before the build stands.
            if self.is_watched(p) and text is not KEEP:
                self._known[p] = _text_digest(text)
        self._generated = {p for p in produced if self.is_watched(p)}
        w = result.written or {}
        what = f"{trigger} changed: regenerated" if trigger else "generated"
        self._say(
            f"tadmur serve: {what} docs/ in {secs:.1f} s: {w.get('written', 0)} written, "
            f"{w.get('unchanged', 0)} unchanged, {w.get('removed', 0)} removed"
        )
        for line in getattr(result, "changes", None) or []:
            self._say(f"  {line}")
        if self.after_build is not None:
            self.after_build()
        return True

    def process(self, paths: Iterable[str | Path]) -> bool:
        """Handle one batch of changed paths; True if it regenerated docs/ (successfully or not)."""
        changed = self.changed(paths)
        if not changed:
            return False
        rels = [p.relative_to(self.root).as_posix() for p in changed]
        trigger = rels[0] + (f" (+{len(rels) - 1} more)" if len(rels) > 1 else "")
        self.regenerations += 1
        if not self.build(trigger):
            self.failures += 1
        return True

    # ---- events ------------------------------------------------------------------------------------

    def notify(self, path: str | Path) -> None:
        """Queue a changed path (called from the watcher's thread)."""
        self._events.put(str(path))

    def loop(self, stop: threading.Event, alive: Callable[[], bool] = lambda: True) -> None:
        """Until `stop` is set (or `alive()` is false): gather events, wait for quiet, process a batch."""
        pending: set[str] = set()
        last = 0.0
        while not stop.is_set() and alive():
            try:
                pending.add(self._events.get(timeout=0.1))
                last = time.monotonic()
                continue
            except queue.Empty:
                pass
            if pending and time.monotonic() - last >= self.debounce:
                batch, pending = pending, set()
                self.process(batch)

    def start_observer(self, poll: bool = False):
        """A running watchdog observer that feeds `notify`; stop it with .stop() and .join()."""
        from watchdog.events import FileSystemEventHandler

        if poll:
            from watchdog.observers.polling import PollingObserver as observer_class
        else:
            from watchdog.observers import Observer as observer_class

        regen = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                # Only the kinds in CHANGES come: no reads, no "a folder's listing changed" (the
                # events of its files say which).
                for p in (event.src_path, getattr(event, "dest_path", "")):
                    if p:
                        regen.notify(os.fsdecode(p))

        from .mkdocs_serve import CHANGES

        observer = observer_class()
        handler = Handler()
        for d in self.watched_dirs():
            # (a build reads every watched file: reads would be events too)
            observer.schedule(handler, str(d), recursive=True, event_filter=CHANGES)
        observer.daemon = True
        observer.start()
        return observer


STAGE_DIR = ".serve-docs"  # what the preview shows: docs/ as of the last build that succeeded
STAGE_CONFIG = ".serve-mkdocs.yml"


def mkdocs_command(project: Project, addr: str, poll: bool = False) -> list[str]:
    """`mkdocs serve` for the project's preview copy; it runs in the project root. `--dirty`: after the
    first build, MkDocs makes again only the pages whose Markdown is newer than their HTML (`stage`
    copies only the files a build changed), so a new article is browsable seconds after the build
    instead of after a build of the whole site (about a minute at 1,000 articles). The navigation is
    the fixed one of mkdocs.yml, which a partial build does not make stale. MkDocs learns of changes
    from the operating system instead of polling the copy's files (tadmur.mkdocs_serve), unless `poll`
    (`tadmur serve --poll`, for file systems that send no notifications): then MkDocs polls, as it does
    by itself."""
    module = "mkdocs" if poll else "tadmur.mkdocs_serve"
    return [sys.executable, "-m", module, "serve", "--dirty", "-f", STAGE_CONFIG, "-a", addr]


def _files(top: Path, prefix: str = "") -> dict[str, str]:
    """{path under `top` (with `prefix`, "/"-separated): full path} of every file under it."""
    out = {}
    for root, _dirs, names in os.walk(top):
        rel = os.path.relpath(root, top)
        base = prefix if rel == "." else prefix + rel.replace(os.sep, "/") + "/"
        for name in names:
            out[base + name] = os.path.join(root, name)
    return out


def stage(project: Project, new_pages_served: Callable[[list[str]], None] | None = None) -> None:
    """Copy docs/ to the preview folder, so that the preview shows only what a build accepted: an edit
    the build refused stays in docs/ (for the contributor to fix) and out of the preview.

    `mkdocs serve` does not run Pagefind, so the search index of the last `tadmur site` (site/pagefind/)
    is served with it, as pagefind/: search in the preview finds what the last full build indexed.

    With `new_pages_served` (while MkDocs serves the copy), the pages that are new come first, and the
    other changed files once `new_pages_served(their paths)` returns (when MkDocs serves them): a new
    article's pages are then made by a build of their own, without first waiting for the pages it
    changed (at 1,000 articles about a hundred, among them review.md and map.md, 4 s of MkDocs' time).
    """
    dest = project.root / STAGE_DIR
    sources = _files(project.docs)
    bundle = project.site / "pagefind"
    if bundle.is_dir():
        sources.update(_files(bundle, "pagefind/"))
    # The changed files are written aside first and then renamed into place one after another: MkDocs
    # starts a build a tenth of a second after the last change it sees, and a build begun halfway
    # through the copying would show pages linking to pages not there yet.
    incoming = project.root / (STAGE_DIR + "-incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    # A copy has its file's size and time, so a file the build did not touch is passed over without
    # being read (at 1,000 articles, reading every file twice took 2 s of each rebuild).
    changed, new = [], []
    for n, rel in enumerate(sorted(sources)):
        src, dst = sources[rel], os.path.join(dest, rel)
        st = os.stat(src)
        try:
            was = os.stat(dst)
        except FileNotFoundError:
            was = None
        if was is not None and (was.st_size, was.st_mtime_ns) == (st.st_size, st.st_mtime_ns):
            continue
        with open(src, "rb") as f:
            data = f.read()
        if was is not None and was.st_size == len(data):
            with open(dst, "rb") as f:
                if f.read() == data:
                    continue  # touched, not changed: MkDocs need not make it again
        incoming.mkdir(exist_ok=True)
        aside = incoming / str(n)
        aside.write_bytes(data)
        # (the time set before the rename, which keeps it: set after, it would be one more change
        # for MkDocs to see, and one more build)
        os.utime(aside, ns=(st.st_atime_ns, st.st_mtime_ns))
        (new if was is None and rel.endswith(".md") else changed).append((rel, aside, dst))
    if new_pages_served is not None and new and changed:
        _move_in(new)
        new_pages_served([rel for rel, _, _ in new])
        _move_in(changed)
    else:
        _move_in(new + changed)
    shutil.rmtree(incoming, ignore_errors=True)
    for rel, path in sorted(_files(dest).items(), reverse=True):
        if rel not in sources:
            os.unlink(path)


def _move_in(files: list[tuple[str, Path, str]]) -> None:
    for _rel, aside, dst in files:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.replace(aside, dst)


def wait_until_served(addr: str, rels: list[str], timeout: float = 30.0) -> bool:
    """Whether MkDocs, serving at `addr`, answers for each of these pages within `timeout` seconds."""
    from .shards import page_address

    deadline = time.monotonic() + timeout
    for rel in rels:
        url = f"http://{addr}/{urllib.parse.quote(page_address(rel))}"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
    return True


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (but mkdocs did not get the signal as well)."""


def _terminate(signum, frame) -> None:
    raise _Terminated


def _stop_process(proc: subprocess.Popen, interrupted: bool = False) -> None:
    """Stop mkdocs: politely (SIGINT, as Ctrl-C), then firmly (SIGTERM), then for good (SIGKILL).

    After Ctrl-C in a terminal mkdocs got the SIGINT too, so first give it a moment to stop by itself.
    """
    signals = ([signal.SIGINT] if os.name == "posix" else []) + [signal.SIGTERM]
    for sig in [None, *signals]:
        try:
            if sig is not None:
                proc.send_signal(sig)
            proc.wait(timeout=2 if sig is not None or interrupted else 0.01)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return
    proc.kill()
    proc.wait(timeout=5)


def serve(
    project: Project,
    addr: str = DEFAULT_ADDR,
    *,
    mkdocs: bool = True,
    poll: bool = False,
    debounce: float = DEBOUNCE,
    stop: threading.Event | None = None,
    out: IO[str] | None = None,
    mkdocs_output: IO | int | None = None,
    regenerator: LiveRegenerator | None = None,
) -> int:
    """Generate docs/, serve them with `mkdocs serve` (unless mkdocs=False) and regenerate on changes.

    Runs until Ctrl-C (or SIGTERM), until `stop` is set, or until mkdocs exits; returns the exit code.
    With `regenerator`, that object (its output and debounce) is used instead of a new one.
    """
    stop = stop or threading.Event()
    regen = regenerator or LiveRegenerator(project, out=out, debounce=debounce)
    say = regen._say
    proc = None
    observer = None
    code = 0
    interrupted = False
    old_term = None
    if threading.current_thread() is threading.main_thread():
        old_term = signal.signal(signal.SIGTERM, _terminate)  # `kill` stops mkdocs too, like Ctrl-C
    staged = project.root / STAGE_DIR, project.root / STAGE_CONFIG
    try:
        if mkdocs:
            shutil.rmtree(staged[0], ignore_errors=True)
            staged[0].mkdir()
            staged[1].write_text(f"INHERIT: mkdocs.yml\ndocs_dir: {STAGE_DIR}\n", encoding="utf-8")
            regen.after_build = lambda: stage(project)
        if not regen.build("") and not (project.docs / "index.md").exists():
            say("error: no pages to serve yet; fix the error above and save to generate them")
        elif mkdocs and not (staged[0] / "index.md").exists():
            say("error: the preview stays empty until the error above is fixed")
            note = "# Tadmur\n\nThe build refused the pages; see the terminal.\n"
            (staged[0] / "index.md").write_text(note, encoding="utf-8")
        if mkdocs:
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TADMUR_OFFLINE": "false"}
            proc = subprocess.Popen(
                mkdocs_command(project, addr, poll),
                cwd=project.root,
                env=env,
                stdout=mkdocs_output,
                stderr=subprocess.STDOUT if mkdocs_output is not None else None,
            )
            # From now on a build's new pages are previewed first (see stage).
            regen.after_build = lambda: stage(project, lambda rels: wait_until_served(addr, rels))
        observer = regen.start_observer(poll)
        dirs = ", ".join(f"{d.name}/" for d in regen.watched_dirs() if d.name != "docs")
        where = f"serving http://{addr}/ with mkdocs; " if mkdocs else ""
        say(f"tadmur serve: {where}watching {dirs} and docs/*.md (Ctrl-C stops)")
        regen.loop(stop, alive=lambda: proc is None or proc.poll() is None)
        if proc is not None and proc.poll() is not None and not stop.is_set():
            code = proc.returncode or 1
            say(f"error: mkdocs serve exited (code {proc.returncode}); stopping")
    except KeyboardInterrupt as exc:
        interrupted = not isinstance(exc, _Terminated)
        say("tadmur serve: stopping")
    finally:
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
        if proc is not None:
            _stop_process(proc, interrupted)
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        if mkdocs:  # leave nothing behind
            shutil.rmtree(staged[0], ignore_errors=True)
            staged[1].unlink(missing_ok=True)
    return code
