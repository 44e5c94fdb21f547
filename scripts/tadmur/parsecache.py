"""Parsed inputs (seed files, the catalog) kept between builds, keyed by the bytes they were parsed from.

Parsing YAML with line numbers for messages is the slow part of loading a large corpus, and almost
every file is the same as last build. An entry's key is the sha256 of the code, the schema, the file's
path and its bytes, so any change to them parses the file again; only files that parsed without error
are kept, so a problem is reported on every build until it is fixed. Stored in
`.tadmur-cache/parsed-<name>.pickle`, rewritten only when it changed, holding only what the last build
used.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .articlecache import CACHE_DIR, code_digest
from .cachefile import read_pickle, write_pickle


class ParseCache:
    def __init__(self, root: Path | None, name: str, *salt_files: Path):
        self.path = root / CACHE_DIR / f"parsed-{name}.pickle" if root is not None else None
        h = hashlib.sha256(code_digest())
        for f in salt_files:
            h.update(f.read_bytes() + b"\0")
        self.salt = h.digest()
        self.old: dict[str, Any] = read_pickle(self.path, {}) if self.path is not None else {}
        self.used: dict[str, Any] = {}

    def key(self, *parts: bytes) -> str:
        h = hashlib.sha256(self.salt)
        for p in parts:
            h.update(len(p).to_bytes(8, "big") + p)
        return h.hexdigest()

    def get(self, key: str, parse: Callable[[], Any]) -> Any:
        """The value parsed before from the same inputs, or parse() now. A fresh copy each time: callers
        may change what they get."""
        if key in self.old:
            blob = self.old[key]
        else:
            blob = pickle.dumps(parse(), pickle.HIGHEST_PROTOCOL)
        self.used[key] = blob
        return pickle.loads(blob)

    def save(self) -> None:
        if self.path is not None and self.used != self.old:
            write_pickle(self.path, self.used)
