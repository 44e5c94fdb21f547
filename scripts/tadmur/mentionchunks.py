"""Each article's mention records, as lines of knowledge.json and rows of mentions.csv, reused from the
last build when nothing they are made from changed.

The records of a large corpus are most of both files, and adding one article leaves almost every
article's records as they were. An index in the cache says where each article's lines lie in the two
files docs/data/ holds, with the digest they were made from; it is used only while both files have the
digests it was saved with, so a file edited by hand or a build that stopped early reuses nothing.

An article's digest (`key`) is its report key from the events stage (articlecache.ReportCache: the
build's code, the article, its mentions as the knowledge base resolved them, and the entities they
name), with what its source page keeps (excerpts) and the build's site address and reuse policy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .cachefile import read_pickle, write_pickle
from .export import Mentions, encode

FORMAT = b"mention-chunks 1"


class MentionChunks:
    def __init__(self, index: Path, data_dir: Path, report_keys: dict[str, str], base: str):
        self.index, self.data_dir = index, data_dir
        self.report_keys = report_keys
        self.base = hashlib.sha256(FORMAT + base.encode()).digest()
        self.old: dict[str, tuple] = {}
        self.new: dict[str, tuple] = {}
        self.files: tuple | None = None

    def open(self) -> None:
        """Read the index, and open the last build's files when they are the ones it describes."""
        kept = read_pickle(self.index)
        if not (isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[2], dict)):
            return
        files = []
        try:
            for name in ("knowledge.json", "mentions.csv"):
                files.append((self.data_dir / name).open("rb"))
            digests = tuple(hashlib.file_digest(f, "sha1").digest() for f in files)
        except OSError:
            digests = None
        if digests != kept[:2]:
            for f in files:
                f.close()
            return
        self.old, self.files = kept[2], tuple(files)

    def close(self) -> None:
        if self.files is not None:
            for f in self.files:
                f.close()
            self.files = None

    def key(self, aid: str, excerpt_state: str) -> bytes | None:
        report_key = self.report_keys.get(aid)
        if report_key is None:
            return None
        return hashlib.sha256(self.base + report_key.encode() + b"\0" + excerpt_state.encode()).digest()

    def get(self, aid: str, key: bytes | None) -> tuple[bytes, bytes] | None:
        entry = self.old.get(aid)
        if key is None or entry is None or entry[0] != key or self.files is None:
            return None
        (json_f, csv_f), (_, j_at, j_len, c_at, c_len) = self.files, entry
        json_f.seek(j_at)
        csv_f.seek(c_at)
        lines, rows = json_f.read(j_len), csv_f.read(c_len)
        if len(lines) != j_len or len(rows) != c_len:
            return None
        return lines, rows

    def put(self, aid: str, key: bytes | None, j_at: int, j_len: int, c_at: int, c_len: int) -> None:
        if key is not None:
            self.new[aid] = (key, j_at, j_len, c_at, c_len)

    def save(self, json_digest: bytes, csv_digest: bytes) -> None:
        """Keep the index of the files just made, under their digests."""
        write_pickle(self.index, (json_digest, csv_digest, self.new))


def write_mentions(mentions: Mentions, out, table, chunks: MentionChunks | None = None) -> None:
    """The mention records as knowledge.json's lines to `out` (which counts what it was given: `tell`)
    and as mentions.csv's rows to `table` (tables.MentionsTable), an article at a time; with `chunks`,
    an article whose records are made from what they were last time has its lines copied from the last
    build's files."""
    if chunks is not None:
        chunks.open()
    try:
        first = True
        for aid, ms in mentions.groups():
            key = chunks.key(aid, mentions.excerpt_state(aid)) if chunks is not None else None
            kept = chunks.get(aid, key) if chunks is not None else None
            if kept is None:
                records = list(mentions.records(aid, ms))
                lines = b",\n".join(encode(r) for r in records)
                rows = table.encode(records)
            else:
                lines, rows = kept
            if not first:
                out.write(b",\n")
            first = False
            j_at, c_at = out.tell(), table.tell()
            out.write(lines)
            table.add(rows)
            if chunks is not None:
                chunks.put(aid, key, j_at, len(lines), c_at, len(rows))
    finally:
        if chunks is not None:
            chunks.close()
