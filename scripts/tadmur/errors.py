"""One error type for everything a contributor can get wrong in the inputs."""

from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """A problem in an input file, reported as ``path:line: message``.

    The build catches it before writing anything, so the previous docs/ and site/ stay as they were.
    """

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
