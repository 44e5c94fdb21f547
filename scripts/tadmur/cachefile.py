"""Files in .tadmur-cache/: read back when they can be, written whole or not at all."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError)


def read_pickle(path: Path, default=None):
    """A cache file's value; `default` when it is missing or unreadable (a cache is never an error)."""
    try:
        return pickle.loads(path.read_bytes())
    except _UNREADABLE:
        return default


def write_pickle(path: Path, value) -> None:
    """Write a cache file whole or not at all (another build may read it meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)
