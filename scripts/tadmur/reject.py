"""`tadmur reject NAME`: a name on the review queue is not a name; no discovery rule finds it again.

The name is appended as text to data/rules/rejected.yml (created on first use), so the file's comments
and order stay as the contributor left them. Matching ignores case, hyphens and curly apostrophes, as
catalog aliases do. To take a rejection back, delete its line.
"""

from __future__ import annotations

import argparse
import sys

from .discover import load_discovery_rules
from .errors import BuildError
from .paths import Project, shown
from .textkey import alias_key, plain
from .yamlio import yaml_quote

HEADER = """\
# Names a contributor rejected from the review queue (`tadmur reject "Name"`): no discovery rule finds
# them again. Matching ignores case and hyphens. Delete a line to take a rejection back.
names:
"""


def register(sub) -> None:
    p = sub.add_parser(
        "reject",
        help="drop a name from the review queue for good (it is not a name)",
        description="Add NAME to data/rules/rejected.yml, so that no discovery rule finds it again.",
    )
    p.add_argument("name", metavar="NAME", help="the name as the review queue shows it")
    p.set_defaults(func=run)


def reject(project: Project, name: str) -> tuple[str, bool]:
    """Append the name; return ('data/rules/rejected.yml:<line>', whether it was added)."""
    name = " ".join(plain(name).split())
    if not name:
        raise BuildError(project.rules / "rejected.yml", None, "NAME is empty")
    path = project.rules / "rejected.yml"
    rules = load_discovery_rules(project.rules / "discovery.yml")  # also validates the existing file
    shown_path = shown(path, project.root)
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if alias_key(name) in rules.rejected:
        line = next(
            (n for n, t in enumerate(text.splitlines(), 1) if alias_key(name) in alias_key(t)), 1
        )
        return f"{shown_path}:{line}", False
    if not text.endswith("\n"):
        text += "\n"
    text += f"  - {yaml_quote(name)}\n"
    original = path.read_bytes() if path.exists() else None
    path.write_text(text, encoding="utf-8")
    try:
        load_discovery_rules(project.rules / "discovery.yml")
    except BuildError:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
        raise
    return f"{shown_path}:{text.count(chr(10))}", True


def run(args: argparse.Namespace, project: Project) -> int:
    try:
        where, added = reject(project, args.name)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if added:
        print(f"rejected {args.name!r} -> {where}")
        print("next: rebuild with `make docs` (or `tadmur docs`); the name leaves the review queue")
    else:
        print(f"{args.name!r} is already rejected ({where})")
    return 0
