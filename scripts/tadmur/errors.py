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

    def __reduce__(self):
        # Pickled by its arguments, so that one raised in a forked process can be raised again here.
        return type(self), (self.path, self.line, self.message)


class BuildErrors(BuildError):
    """Several problems found in one pass (e.g. one per file), reported together, one per line."""

    def __init__(self, errors: list[BuildError]):
        self.errors = [e for err in errors for e in (err.errors if isinstance(err, BuildErrors) else [err])]
        first = self.errors[0]
        super().__init__(first.path, first.line, first.message)

    def __str__(self) -> str:
        return "\n".join(BuildError.__str__(e) for e in self.errors)

    def __reduce__(self):
        return type(self), (self.errors,)
