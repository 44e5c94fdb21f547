"""Write generated files deterministically: only changed files are rewritten, stale ones removed.

A manifest (docs/.tadmur-generated) lists what the build wrote last time, so files a person added
to docs/ by hand are never deleted. Every path is checked to stay inside docs/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MANIFEST = ".tadmur-generated"


class _Kept(str):
    """A page left as the file already on disk is (stamps.py); never written."""

    def __reduce__(self):
        # Pickled by name, so that it is still KEEP (tested with `is`) when a forked process returns it.
        return "KEEP"


KEEP = _Kept("")


class Staged:
    """A file made in full in a staging folder beside docs/ (by the forked process that makes the data
    files, so that hundreds of MB of them are not passed back); write_tree moves it into place."""

    __slots__ = ("path",)

    def __init__(self, path: Path):
        self.path = path


def stage_files(files: dict[str, bytes], base: Path, stage: Path) -> dict[str, _Kept | Staged]:
    """stage_stream for each of these files."""
    return {rel: stage_stream(base, stage, rel, lambda f, b=blob: f.write(b)) for rel, blob in files.items()}


def stage_stream(base: Path, stage: Path, rel: str, write) -> Staged | _Kept:
    """`write(binary file)` writes the file under `stage`; Staged, or KEEP when base/ holds it as it is."""
    staged = StagingFile(base, stage, rel)
    with staged.file:
        write(staged.file)
    return staged.done()


class StagingFile:
    """A file written under `stage` a piece at a time (`.file`, open for binary writing); `done()` closes
    it and gives Staged, or KEEP when base/ holds it as it is."""

    def __init__(self, base: Path, stage: Path, rel: str):
        self.target = safe_path(base, rel)
        self.path = safe_path(stage, rel)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("wb")

    def done(self) -> Staged | _Kept:
        self.file.close()
        if _same_files(self.path, self.target):
            self.path.unlink()
            return KEEP
        return Staged(self.path)


def _same_files(a: Path, b: Path, chunk: int = 1 << 20) -> bool:
    """The two files hold the same bytes; read a MB at a time (knowledge.json of a large corpus is 200 MB)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                block = fa.read(chunk)
                if block != fb.read(chunk):
                    return False
                if not block:
                    return True
    except OSError:
        return False


def safe_path(base: Path, rel: str, _dirs: dict | None = None) -> Path:
    """base/rel, refused when it would lead outside base (through "..", an absolute path or a symlink).
    `_dirs` keeps each folder's resolved path for the many files of one write."""
    if _dirs is None:
        _dirs = {}
    base_r = _dirs.get(None) or _dirs.setdefault(None, base.resolve())
    parent, _, name = rel.rpartition("/")
    if name in ("", ".", ".."):
        raise ValueError(f"refusing to write outside {base}: {rel!r}")
    folder = _dirs.get(parent)
    if folder is None:
        folder = (base / parent).resolve()
        if folder != base_r and base_r not in folder.parents:
            raise ValueError(f"refusing to write outside {base}: {rel!r}")
        _dirs[parent] = folder
    target = folder / name
    if target.is_symlink():
        target = target.resolve()
        if target != base_r and base_r not in target.parents:
            raise ValueError(f"refusing to write outside {base}: {rel!r}")
    return target


def read_manifest(base: Path) -> list[str]:
    """Paths (under base) the last build wrote."""
    manifest = base / MANIFEST
    if not manifest.exists():
        return []
    return [ln for ln in manifest.read_text(encoding="utf-8").split("\n") if ln]


def write_tree(base: Path, files: dict[str, str | bytes | Staged]) -> dict[str, int]:
    """Make base/ hold exactly the generated files (plus hand-made ones). Returns counts."""
    base.mkdir(parents=True, exist_ok=True)
    stats = {"written": 0, "unchanged": 0, "removed": 0}
    dirs: dict = {}
    # Check every path before writing any; a kept page is not written, so its path needs no check.
    targets = {rel: safe_path(base, rel, dirs) for rel, data in files.items() if data is not KEEP}
    made: set[Path] = set()
    for rel in sorted(files):
        data = files[rel]
        if data is KEEP:
            stats["unchanged"] += 1
            continue
        path = targets[rel]
        if isinstance(data, Staged):
            _mkdir(path.parent, made)
            try:
                os.replace(data.path, path)
            except OSError:  # the staging folder on another file system
                shutil.move(data.path, path)
            stats["written"] += 1
            continue
        blob = data.encode("utf-8") if isinstance(data, str) else data
        if path.exists() and path.read_bytes() == blob:
            stats["unchanged"] += 1
            continue
        _mkdir(path.parent, made)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)
        stats["written"] += 1
    manifest = base / MANIFEST
    previous = manifest.read_text(encoding="utf-8").split("\n") if manifest.exists() else []
    for rel in previous:
        if rel and rel not in files:
            try:
                path = safe_path(base, rel)
            except ValueError:
                continue
            if path.is_file():
                path.unlink()
                stats["removed"] += 1
    listing = "\n".join(sorted(files)) + "\n"
    if not manifest.exists() or manifest.read_text(encoding="utf-8") != listing:
        manifest.write_text(listing, encoding="utf-8")
    if stats["removed"]:
        _prune_empty_dirs(base)
    return stats


def _mkdir(folder: Path, made: set[Path]) -> None:
    """Make a folder (and its parents) once per write, not once per file (about 1 s at 100,000 files)."""
    if folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        made.add(folder)


def _prune_empty_dirs(base: Path) -> None:
    """Remove the folders a removal left empty, deepest first."""
    for folder, subdirs, names in os.walk(base, topdown=False):
        if not names and not any(os.path.exists(os.path.join(folder, d)) for d in subdirs):
            if Path(folder) != base:
                os.rmdir(folder)
