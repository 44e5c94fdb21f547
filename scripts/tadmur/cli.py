"""Command line: a thin layer over the library (see `tadmur --help`)."""

from __future__ import annotations

import argparse
import os
import sys
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


def main(argv: list[str] | None = None) -> int:
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
            _report(pipeline.build_docs(project))
        elif args.command == "site":
            _report(pipeline.build_docs(project))
            pipeline.build_site(project, strict=not args.no_strict, offline=args.offline)
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
        for line in str(exc).split("\n"):
            print(f"error: {line}", file=sys.stderr)
        print("error: nothing was written; docs/ and site/ are as they were", file=sys.stderr)
        return 1
    return 0


def entry() -> None:
    """The `tadmur` command: main(), then exit at once. A build of a large site leaves hundreds of MB of
    objects that the interpreter would free one by one on the way out (0.3 s at 1,000 articles), and
    nothing is left to do: every file is written and closed, every worker process joined."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
