"""Where each part of the project lives, relative to its root (content, data and templates apart)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def catalog(self) -> Path:
        return self.root / "data" / "catalog"

    @property
    def rules(self) -> Path:
        return self.root / "data" / "rules"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def schema(self) -> Path:
        return self.root / "schema"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"


def relpath(path: str, start: str) -> str:
    """posixpath.relpath for the site's own relative paths (docs/ or URL paths, no `..`), without the
    file system calls that make it slow when a build makes hundreds of thousands of links."""
    if ".." in path or ".." in start or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    # Most links go from a folder at most one deep to a plain path: those are worked out directly.
    if (start == "." or (start and "/" not in start and "." not in start)) and not path.startswith(".") \
            and "/." not in path and "//" not in path and not path.endswith("/") and path != start:
        if start == ".":
            return path
        return path[len(start) + 1:] if path.startswith(start + "/") else "../" + path
    p = [x for x in path.split("/") if x and x != "."]
    s = [x for x in start.split("/") if x and x != "."]
    i = 0
    while i < len(p) and i < len(s) and p[i] == s[i]:
        i += 1
    return "/".join([".."] * (len(s) - i) + p[i:]) or "."


def shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project root when it is inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
