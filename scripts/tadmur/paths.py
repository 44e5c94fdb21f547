"""Where each part of the project lives, relative to its root (content, data and templates apart)."""

from __future__ import annotations

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


def shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project root when it is inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
