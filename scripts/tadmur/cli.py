"""Command line: a thin layer over the library (see `tadmur --help`)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import sys
import traceback
from collections import Counter
from pathlib import Path

from .errors import BuildError
from .paths import Project


def _report(result) -> None:
    kb = result.kb
    kinds = Counter(e.kind for e in kb.entities.values())
    unreviewed = [e for e in kb.entities.values() if not e.reviewed]
    print(
        f"tadmur: {len(kb.articles)} articles, {len(kb.mentions)} mentions, "
        f"{kinds['actor']} actors, {kinds['weapon']} weapons, {kinds['place']} places "
        f"({len(unreviewed)} unreviewed)"
    )
    for e in sorted(unreviewed, key=lambda e: (e.kind, e.name)):
        print(f"  unreviewed {e.kind}: {e.name} [{e.rule}] -> docs/{e.doc_path}")
    weak = [r for r in kb.review if r.entity is None]
    if weak:
        print(f"  {len(weak)} more candidate names on the review page (docs/review.md)")
    if result.written:
        w = result.written
        print(f"  docs/: {w['written']} written, {w['unchanged']} unchanged, {w['removed']} removed")
    for line in getattr(result, "changes", []):
        print(f"  {line}")
    for line in getattr(result, "notes", []):
        print(f"  note: {line}")
    print("  timings (s): " + ", ".join(f"{k} {v}" for k, v in result.timings.items()))
    if result.peak_mb:
        print("  peak memory (MB): " + ", ".join(f"{k} {v}" for k, v in result.peak_mb.items()))


def main(argv: list[str] | None = None, exiting: bool = False) -> int:
    parser = argparse.ArgumentParser(prog="tadmur", description="Build the Tadmur conflict explainer.")
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (default: current folder)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate seeds, catalog and rules; write nothing")
    sub.add_parser("docs", help="generate docs/ from seeds/ and data/")
    site = sub.add_parser("site", help="generate docs/, build site/ with MkDocs (--strict)")
    site.add_argument("--no-strict", action="store_true")
    site.add_argument(
        "--offline", action="store_true", help="also build site-offline/, to open from the file system"
    )
    sub.add_parser("gazetteer", help="regenerate data/catalog/places-gazetteer.yml from GeoNames")
    sub.add_parser("given-names", help="regenerate data/names/given-names.txt (needs requirements-data.txt)")
    # Contributor commands live in their own modules; each adds its sub-command and sets `func`.
    from . import add, promote, reject, serve

    for module in (add, promote, reject, serve):
        module.register(sub)
    args = parser.parse_args(argv)
    if exiting and args.command != "serve":
        # The process ends when this command does (entry). A build pauses the cycle collector and
        # leaves millions of young objects; turned on again, its first pass would walk them all
        # (0.3 s at 1,000 articles) just before the exit frees everything anyway.
        gc.disable()
    project = Project(args.root.resolve())
    from . import pipeline  # imported late so `tadmur --help` stays fast

    try:
        if getattr(args, "func", None):
            return args.func(args, project)
        if args.command == "check":
            result = pipeline.generate(project, cache=False)
            _report(result)
            print("tadmur: inputs are valid")
        elif args.command == "docs":
            return _docs(pipeline, project)
        elif args.command == "site":
            code = _in_child(_docs, pipeline, project)
            if code:
                return code
            timings = pipeline.build_site(project, strict=not args.no_strict, offline=args.offline)
            print("  site timings (s): " + ", ".join(f"{k} {v}" for k, v in timings.items()))
            offline = project.root / "site-offline"
            if args.offline:
                print(f"tadmur: site built in {project.site} (and {offline} for file://)")
            else:
                print(f"tadmur: site built in {project.site}")
                if offline.exists():
                    print(f"  note: {offline} is from an earlier build; `make offline` rebuilds it")
        elif args.command == "gazetteer":
            from . import gazetteer

            gazetteer.main()
        elif args.command == "given-names":
            from . import givennames

            givennames.main(project.root)
    except BuildError as exc:
        _errors(exc)
        return 1
    return 0


def _docs(pipeline, project: Project) -> int:
    try:
        _report(pipeline.build_docs(project))
    except BuildError as exc:
        _errors(exc)
        return 1
    return 0


def _errors(exc: BuildError) -> None:
    for line in str(exc).split("\n"):
        print(f"error: {line}", file=sys.stderr)
    print("error: nothing was written; docs/ and site/ are as they were", file=sys.stderr)


def _in_child(job, *args) -> int:
    """job(*args) in a forked child; its exit code, and its output printed here.

    `tadmur site` makes docs/ this way: the memory the generator took (most of a GB at 10,000
    articles) goes back to the system when the child ends, before MkDocs and Pagefind start. The
    child's output comes back through a pipe, so it reaches this process's sys.stdout and sys.stderr
    even when they are not the terminal's (tests read them)."""
    if not hasattr(os, "fork"):
        return job(*args)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        out, err = io.StringIO(), io.StringIO()
        code = 1
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = job(*args)
                except BaseException:  # noqa: BLE001 - reported to the parent, like an uncaught error
                    traceback.print_exc()
                    code = 1
        finally:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps([code, out.getvalue(), err.getvalue()]).encode("utf-8"))
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    try:
        code, out, err = json.loads(data)
    except ValueError:
        code, out, err = 1, "", "error: the docs/ build stopped without a report\n"
    sys.stdout.write(out)
    sys.stderr.write(err)
    return code


def entry() -> None:
    """The `tadmur` command: main(), then exit at once. A build of a large site leaves hundreds of MB of
    objects that the interpreter would free one by one on the way out (0.3 s at 1,000 articles), and
    nothing is left to do: every file is written and closed, every worker process joined."""
    code = main(exiting=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
