"""Pages the last build wrote and nobody touched since, so this build need not make them again.

For each page with a key (emit/keys.py: the digest of what it is made from), the build records the key
and the size and modification time of the file it left in docs/ (`.tadmur-cache/pages.pickle`). A page
whose key is unchanged and whose file still has that size and time is kept as it is: it would come out
the same. A contributor's edit changes the file's time, so an edited page is always read and made again.
"""

from __future__ import annotations

import os
from pathlib import Path

from .articlecache import CACHE_DIR
from .cachefile import read_pickle, write_pickle

VERIFY = "TADMUR_VERIFY_PAGES"  # set to 1: make every page anyway, and fail if a kept one would differ


class PageStamps:
    def __init__(self, root: Path, docs: Path, exclude: frozenset[str] = frozenset()):
        self.path = root / CACHE_DIR / "pages.pickle"
        self.docs = docs
        self.exclude = exclude  # pages that take a contributor's text from another page in this build
        self.old: dict[str, tuple[str, int, int]] = read_pickle(self.path, {})
        self.keys: dict[str, str] = {}
        self.verify = os.environ.get(VERIFY) == "1"
        self.kept: set[str] = set()

    def unchanged(self, rel: str, key: str) -> bool:
        """Record this build's key of the page; True when its file is as the last build left it."""
        self.keys[rel] = key
        old = self.old.get(rel)
        if old is None or old[0] != key or rel in self.exclude:
            return False
        try:
            st = os.stat(os.path.join(self.docs, rel))
        except OSError:
            return False
        same = (st.st_mtime_ns, st.st_size) == old[1:]
        if same:
            self.kept.add(rel)
        return same and not self.verify

    def check(self, files: dict[str, bytes]) -> None:
        """With TADMUR_VERIFY_PAGES=1: every page kept must equal what the build just made of it."""
        stale = [rel for rel in sorted(self.kept) if (self.docs / rel).read_bytes() != files.get(rel)]
        if stale:
            names = ", ".join(stale[:10])
            raise RuntimeError(f"{len(stale)} kept page(s) differ from a fresh build: {names}")

    def save(self) -> None:
        """After docs/ is written: each keyed page's key with its file's size and time."""
        out = {}
        for rel, key in self.keys.items():
            if rel in self.kept and not self.verify:  # not written: its file is as unchanged() found it
                out[rel] = self.old[rel]
                continue
            try:
                st = os.stat(os.path.join(self.docs, rel))
            except OSError:
                continue
            out[rel] = (key, st.st_mtime_ns, st.st_size)
        if out != self.old:
            write_pickle(self.path, out)
