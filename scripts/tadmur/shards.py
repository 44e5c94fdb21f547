"""MkDocs on every core: a large docs/ is built as several `mkdocs build` runs over disjoint parts.

One MkDocs process converts pages one after another on one core and keeps every page it has read
until the end of the build. So a large site is split: each shard is the project's own mkdocs.yml plus
an `exclude_docs` list (gitignore patterns, read by MkDocs itself) that leaves out the other shards'
files. A shard still sees every file of docs/, so its links to pages of other shards are turned into
the same addresses as in a single build (MkDocs logs them at INFO, "excluded from the built site").
The shards run side by side, as many at once as there are cores, each into its own folder; `merge`
then moves their pages into one site/ and joins their sitemaps.

What a shard cannot check: an anchor (`page/#section`) on a page of another shard. Small sites (under
`SINGLE_BELOW` pages, the seed site among them) are built by one MkDocs process, which checks every
link and anchor.

The split is made on the top folders of docs/: a folder with many entries is cut by the first
characters of its entries' names (one `[chars]*` pattern per prefix), so a shard's list stays a few
dozen patterns however large the site, and MkDocs matches each file against it quickly.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

SINGLE_BELOW = 4000  # Markdown pages: below this, one MkDocs process (full link and anchor checks)
PAGES_PER_SHARD = 12000  # MkDocs holds every page of its build in memory: this bounds one process
SPLIT_FOLDERS_OVER = 64  # a top folder with more entries than this is cut by their names' first characters
_FIRST = "abcdefghijklmnopqrstuvwxyz0123456789"
_OTHER = "!"  # in a unit's prefix: any character not in _FIRST
_END = "$"  # ends a unit's prefix that is a whole name
# MkDocs' time for a page, in bytes of Markdown. Fitted to the eight shards of a 10,000-article site
# (125 to 178 s each): 5.5 ms a page, 0.13 ms a link, 0.56 s a megabyte, within 10 s a shard. Text
# alone (with 3,000 bytes a page) was off by up to 33 s: a source page's 60-odd links cost more than
# its text, and two shards run at once, so the last one ran alone for a minute.
_PAGE_COST = 9750  # a page's own part: its template, its Markdown converter, its file
_LINK_COST = 236  # each link: parsed, then resolved and checked by MkDocs


def _cost(path: Path) -> int:
    """An estimate of MkDocs' time for one file, in bytes of Markdown: a page costs a fixed part, its
    text and its links (read once, for both); other files are only copied."""
    if path.suffix != ".md":
        return path.stat().st_size // 50
    text = path.read_bytes()
    return _PAGE_COST + len(text) + _LINK_COST * text.count(b"](")


def _tree_cost(path: Path) -> tuple[int, int]:
    """(cost, Markdown pages) of a file or of everything under a folder."""
    if not path.is_dir():
        return _cost(path), int(path.suffix == ".md")
    cost = pages = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            cost += _cost(Path(root, name))
            pages += name.endswith(".md")
    return cost, pages


def _class(ch: str) -> str:
    """A character of a name as the split sees it: itself if in _FIRST, else _OTHER."""
    return ch if ch in _FIRST else _OTHER


def buckets(docs: Path) -> tuple[dict[tuple[str, str | None], int], int]:
    """The units a shard is made of, with their costs, and the number of Markdown pages.

    A unit is a top entry of docs/ (`("about.md", None)`, `("assets", None)`), or, in a top folder
    with many entries, the entries whose names start with one prefix (`("events", "a")`). The prefix
    is made of characters of _FIRST and _OTHER (any other character). A prefix whose entries cost more
    than a 32nd of the whole (less on a site of over eight shards) is cut by its next character, so
    that names which share a long start (a source page's date, "2016-03-…") do not make one unit too
    big to balance; a name no longer than its prefix is a unit of its own, the prefix plus _END."""
    units: dict[tuple[str, str | None], int] = {}
    split: dict[str, list[tuple[str, int]]] = {}
    pages = 0
    for top in sorted(os.listdir(docs)):
        path = docs / top
        if top.startswith("."):
            continue  # MkDocs leaves out dot files itself
        entries = sorted(os.listdir(path)) if path.is_dir() else []
        if len(entries) <= SPLIT_FOLDERS_OVER:
            units[(top, None)], n = _tree_cost(path)
            pages += n
            continue
        split[top] = []
        for entry in entries:
            cost, n = _tree_cost(path / entry)
            split[top].append((entry, cost))
            pages += n
    # At least four units a shard (32 in all), so that the largest fit beside the others.
    total = sum(units.values()) + sum(c for named in split.values() for _, c in named)
    limit = total / max(32, 4 * -(-pages // PAGES_PER_SHARD))
    for top, named in split.items():
        units.update(_prefixes(top, named, "", limit))
    return units, pages


def _prefixes(top: str, named: list[tuple[str, int]], prefix: str, limit: float) -> dict:
    """Units of the entries `named` (name, cost), whose names all start with `prefix`, cut by the
    next character until each unit costs at most `limit` (or is a single name)."""
    depth = len(prefix)
    groups: dict[str, list[tuple[str, int]]] = {}
    for name, cost in named:
        key = prefix + _class(name[depth]) if len(name) > depth else prefix + _END
        groups.setdefault(key, []).append((name, cost))
    out = {}
    for key, group in groups.items():
        cost = sum(c for _, c in group)
        if cost > limit and len(group) > 1 and not key.endswith(_END):
            out.update(_prefixes(top, group, key, limit))
        else:
            out[(top, key)] = cost
    return out


def shard_count(pages: int, cores: int) -> int:
    if pages < SINGLE_BELOW:
        return 1
    return max(cores, -(-pages // PAGES_PER_SHARD))


def assign(units: dict[tuple[str, str | None], int], shards: int) -> list[set[tuple[str, str | None]]]:
    """Units to shards, largest first, each to the least loaded shard, so the shards take about the
    same time. Deterministic: ties go by name and by shard number."""
    loads = [0] * shards
    parts: list[set[tuple[str, str | None]]] = [set() for _ in range(shards)]
    for unit in sorted(units, key=lambda u: (-units[u], u[0], u[1] or "")):
        k = min(range(shards), key=lambda i: (loads[i], i))
        parts[k].add(unit)
        loads[k] += units[unit]
    return parts


def exclude_patterns(units, keep: set[tuple[str, str | None]]) -> list[str]:
    """gitignore patterns for every unit not in `keep`: `/about.md`, `/events/[abc]*` (the units of
    one prefix are joined in one character class), `/sources/2016[!a-z0-9]*` for the names that go on
    with another character, and `/events/ab` for the name that ends with its prefix."""
    out: list[str] = []
    joined: dict[tuple[str, str], list[str]] = {}
    for top, prefix in sorted(units, key=lambda u: (u[0], u[1] or "")):
        if (top, prefix) in keep:
            continue
        if prefix is None:
            out.append("/" + _glob_escape(top))
        elif prefix.endswith(_END):
            out.append(f"/{_glob_escape(top)}/{_glob_prefix(prefix[:-1])}")
        elif prefix.endswith(_OTHER):
            out.append(f"/{_glob_escape(top)}/{_glob_prefix(prefix)}*")
        else:
            joined.setdefault((top, prefix[:-1]), []).append(prefix[-1])
    out.extend(f"/{_glob_escape(top)}/{_glob_prefix(start)}[{''.join(sorted(chars))}]*"
               for (top, start), chars in sorted(joined.items()))
    return out


def _glob_prefix(prefix: str) -> str:
    """A prefix as a gitignore pattern: its _FIRST characters as they are (none needs escaping), each
    _OTHER as a class of every character not in _FIRST."""
    return "".join(f"[!{_FIRST}]" if ch == _OTHER else ch for ch in prefix)


def _glob_escape(name: str) -> str:
    """A top entry's name as a literal in a gitignore pattern."""
    return re.sub(r"([\\*?\[\]!#])", r"\\\1", name)


def shard_config(mkdocs_yml: Path, patterns: list[str]) -> str:
    """A shard's config: the project's mkdocs.yml (INHERIT) with the other shards' files excluded.
    It must sit beside mkdocs.yml, since MkDocs resolves relative paths from the config's folder."""
    lines = [f"INHERIT: {mkdocs_yml.name}", "exclude_docs: |"]
    lines += [f"  {p}" for p in patterns]
    return "\n".join(lines) + "\n"


_URL = re.compile(r"\n    <url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>")
_LASTMOD = re.compile(r"<lastmod>(\d{4}-\d{2}-\d{2})</lastmod>")


def markdown_pages(docs: Path) -> Iterator[tuple[str, str]]:
    """(path under docs/, directory address: `a/b/`, `a/` for a/index.md) of each Markdown page, in
    MkDocs' own order (the walk of its get_files: folders in name order, a folder's files before its
    subfolders', index first). Dot files and folders are left out, as MkDocs leaves them out."""
    for root, dirs, files in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = Path(root).relative_to(docs).as_posix()
        folder = "" if folder == "." else folder + "/"
        names = sorted((f for f in files if f.endswith(".md") and not f.startswith(".")),
                       key=lambda f: (f[:-3] not in ("index", "README"), f))
        for name in names:
            yield folder + name, page_address(folder + name)


def page_address(rel: str) -> str:
    """The address MkDocs gives a page of docs/ (directory URLs): `a/b.md` -> `a/b/`, `a/index.md` -> `a/`."""
    folder, _, name = rel.rpartition("/")
    folder = folder + "/" if folder else ""
    stem = name.removesuffix(".md")
    return folder if stem in ("index", "README") else f"{folder}{stem}/"


def page_order(docs: Path) -> dict[str, int]:
    """Each page's address, in both forms (`a/b/` and, without directory URLs, `a/b.html`) -> its place
    in MkDocs' order of pages, which is the order of a single build's sitemap and tags export."""
    order: dict[str, int] = {}
    for n, (path, url) in enumerate(markdown_pages(docs)):
        index = path.rsplit("/", 1)[-1] in ("index.md", "README.md")
        order.setdefault(url, n)
        order.setdefault(url + "index.html" if index else url[:-1] + ".html", n)
    return order


def merge(parts: list[Path], site: Path, order: dict[str, int], site_url: str) -> None:
    """Move the shards' built folders into `site` (which must not exist yet), one after another.

    Pages are unique to a shard; files every shard writes (the theme's assets, 404.html) are the same
    in each and are taken from the first. The sitemaps and the tags exports (Material's tags.json) are
    joined in MkDocs' order of pages (`order`), and the sitemap gzipped again as MkDocs does (dated
    by its latest page), so the result equals a single build's."""
    last = len(order)

    def place(url: str) -> tuple[int, str]:
        return order.get(url, last), url

    sitemaps = [p / "sitemap.xml" for p in parts if (p / "sitemap.xml").is_file()]
    urls = [m.group(0) for s in sitemaps for m in _URL.finditer(s.read_text(encoding="utf-8"))]
    urls.sort(key=lambda u: place(html.unescape(_LOC.search(u).group(1)).removeprefix(site_url).lstrip("/")))
    exports = [p / "tags.json" for p in parts if (p / "tags.json").is_file()]
    mappings = [m for e in exports for m in json.loads(e.read_text(encoding="utf-8"))["mappings"]]
    mappings.sort(key=lambda m: place(m["item"]["url"]))
    parts[0].rename(site)
    for part in parts[1:]:
        _move_missing(part, site)
        shutil.rmtree(part, ignore_errors=True)
    if exports:
        with open(site / "tags.json", "w", encoding="utf-8") as f:
            json.dump({"mappings": mappings}, f)  # as Material writes it
    if sitemaps:
        text = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(urls) + "\n</urlset>")
        path = site / "sitemap.xml"
        path.write_bytes(text.encode("utf-8"))
        dates = _LASTMOD.findall(text)
        stamp = int(datetime.fromisoformat(max(dates)).replace(tzinfo=UTC).timestamp()) if dates else 0
        with open(f"{path}.gz", "wb") as f, gzip.GzipFile(
            fileobj=f, filename=f"{path}.gz", mode="wb", mtime=stamp
        ) as gz:
            gz.write(text.encode("utf-8"))


def _move_missing(src: Path, dest: Path) -> None:
    """Move what `src` has and `dest` lacks; a whole folder at once when `dest` has none of it."""
    for entry in os.scandir(src):
        target = dest / entry.name
        if entry.is_dir(follow_symlinks=False):
            if target.is_dir():
                _move_missing(Path(entry.path), target)
            elif not target.exists():
                os.rename(entry.path, target)
        elif not target.exists():
            os.rename(entry.path, target)


def build(root: Path, docs: Path, command: list[str], out: Path, env: dict, site_url: str,
          cores: int | None = None) -> int:
    """Build the site into `out` (absent, or an empty folder) with `command` + ["-f", config, "-d", folder],
    run in `root`, in as many shards as the size of docs/ asks for, `cores` at a time.
    Returns the first non-zero exit status of a shard (and leaves nothing behind), else 0."""
    cores = cores or os.cpu_count() or 1
    units, pages = buckets(docs)
    n = shard_count(pages, cores)
    if n == 1:
        return _wait([_start(command + ["-f", str(root / "mkdocs.yml"), "-d", str(out)], root, env)])
    parts = assign(units, n)
    configs = [root / f"{out.name}-shard-{k}.yml" for k in range(n)]
    folders = [out.with_name(f"{out.name}-shard-{k}") for k in range(n)]
    try:
        for k, config in enumerate(configs):
            config.write_text(shard_config(root / "mkdocs.yml", exclude_patterns(units, parts[k])),
                              encoding="utf-8")
        # The shards are about equal (assign); the largest go first all the same.
        order = sorted(range(n), key=lambda k: -sum(units[u] for u in parts[k]))
        running: list = []
        for k in order:
            if len(running) == cores:
                status = _wait_any(running)
                if status:
                    return status
            running.append(_start(command + ["-f", str(configs[k]), "-d", str(folders[k])], root, env))
        status = _wait(running)
        if status:
            return status
        if out.is_dir():
            out.rmdir()  # the caller's empty temporary folder: the first shard's folder takes its place
        merge(folders, out, page_order(docs), site_url)
        return 0
    finally:
        for config in configs:
            config.unlink(missing_ok=True)
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def _start(cmd: list[str], cwd: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=cwd, env=env)


def _wait_any(running: list) -> int:
    """Wait for one of the running shards to end (polling: os.wait could reap another child of this
    process); a failure stops the others."""
    while True:
        for proc in running:
            if proc.poll() is not None:
                running.remove(proc)
                if proc.returncode:
                    _stop(running)
                return proc.returncode
        time.sleep(0.1)


def _wait(running: list) -> int:
    while running:
        status = _wait_any(running)
        if status:
            return status
    return 0


def _stop(running: list) -> None:
    for proc in running:
        proc.kill()
        proc.wait()
    running.clear()
