"""Who owns which part of a generated page: the build, or the contributor.

A generated Markdown page has four parts. The build owns two of them and rewrites them on every run;
the contributor owns the other two, and the build copies them over untouched:

    ---
    title: ...                        <- build's front matter
    # == Your fields below ... ==     <- FIELDS_MARK
    aliases: [...]                    <- contributor's front matter (corrections, see schema/page.schema.json)
    ---
    Context written by a contributor  <- contributor's text, shown under the page title
    <!-- tadmur:begin <hash> ... -->
    ...                               <- build's body
    <!-- tadmur:end -->
    More contributor text             <- contributor's text, shown at the end of the page

The begin marker carries a hash of the build's two parts as last written. If they no longer match it,
someone edited text the build would overwrite: `merge` refuses, names the line, and writes nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .cachefile import read_pickle, write_pickle
from .errors import BuildError
from .writer import KEEP
from .yamlio import read_text_utf8

FIELDS_MARK = "# == Your fields below this line are kept by the build (see CONTRIBUTING.md) =="
BEGIN = "<!-- tadmur:begin"
BEGIN_NOTE = (
    "The build rewrites everything from here to tadmur:end."
    " Write your own text above this line or below that one. -->"
)
END = "<!-- tadmur:end -->"


@dataclass
class Page:
    """One page as found on disk (or as the build is about to write it)."""

    path: str  # relative to docs/
    machine_fm: str = ""
    own_fm: str = ""
    prefix: str = "\n"
    body: str | None = ""  # None: from the parse cache, see Page.loaded
    suffix: str = ""
    stored_hash: str | None = None
    # 1-based line numbers in the file, for messages
    fm_mark_line: int = 0
    begin_line: int = 0
    end_line: int = 0
    own_fm_offset: int = 0  # line of the file just before the contributor's first front matter line
    body_line: int = 0  # line of the first line of the build's body
    problems: list[BuildError] = field(default_factory=list)

    @property
    def has_own_words(self) -> bool:
        return bool(self.own_fm.strip() or self.prefix.strip() or self.suffix.strip())

    def machine_hash(self) -> str:
        return digest(self.machine_fm, self.body)

    def edited(self) -> bool:
        if self.body is None:  # read from the parse cache: unedited when parsed, untouched since
            return False
        return self.stored_hash is not None and self.stored_hash != self.machine_hash()

    def loaded(self, docs: Path) -> Page:
        """The page with its body (a page from the parse cache has none): parsed again from docs/."""
        if self.body is not None:
            return self
        text = read_text_utf8(docs / self.path, f"docs/{self.path}").replace("\r\n", "\n")
        return parse(self.path, text) or self


def digest(machine_fm: str, body: str) -> str:
    return hashlib.sha256((machine_fm + "\0" + body).encode("utf-8")).hexdigest()[:16]


def split_rendered(path: str, text: str) -> tuple[str, str]:
    """A template's output (`---` front matter `---` body) as (front matter, body)."""
    if not text.startswith("---\n"):
        return "", text.strip("\n")
    end = text.index("\n---\n", 3)
    return text[4:end], text[end + 5 :].strip("\n")


# Editors' text is not drawn from the articles, and the page says so where it stands: a line right
# below text above the build's part, and a heading of its own over text below it (which also puts that
# text in a section of its own for search, not in the last, search-excluded one).
EDITORS_ABOVE = (
    "*Above: a note by the site's editors, not drawn from the articles.*\n{: .tadmur-editors-mark }"
)
EDITORS_BELOW = (
    "## Editors' notes { #editors-notes }\n\n"
    "*By the site's editors, not drawn from the articles: check the links they give.*\n"
    "{: .tadmur-editors-mark }"
)


def with_notes(body: str, prefix: str, suffix: str) -> str:
    """The build's body with the marks for the editors' text around it."""
    body = body.strip("\n")
    if prefix.strip():
        body = f"{EDITORS_ABOVE}\n\n{body}"
    if suffix.strip():
        body = f"{body}\n\n{EDITORS_BELOW}"
    return body


def compose(page: Page) -> str:
    """The file text of a page: the build's parts with the contributor's parts around them."""
    own_fm = page.own_fm.rstrip("\n")
    fm = page.machine_fm.rstrip("\n") + "\n" + FIELDS_MARK + ("\n" + own_fm if own_fm else "")
    prefix = page.prefix if page.prefix.strip() else "\n"
    suffix = page.suffix if page.suffix.strip() else ""
    return (
        f"---\n{fm}\n---\n{prefix}"
        f"{BEGIN} {digest(page.machine_fm, page.body)} {BEGIN_NOTE}\n\n"
        f"{page.body.strip(chr(10))}\n\n{END}\n{suffix}"
    )


def parse(path: str, text: str, generated: bool = True) -> Page | None:
    """Split a page file into its parts.

    `generated`: the last build wrote this path (it is in the manifest), so it must have its markers.
    Otherwise the file counts as the build's only if its front matter has the fields line (a page
    whose manifest was lost); else it is hand-written and None is returned, even if its text quotes
    the markers. Damage to the markers is reported in `Page.problems`, with the line to look at.
    """
    lines = text.split("\n")
    begin = [i for i, ln in enumerate(lines) if ln.startswith(BEGIN)]
    end = [i for i, ln in enumerate(lines) if ln.strip() == END]
    if not generated:
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        if not lines or lines[0].strip() != "---" or FIELDS_MARK not in lines[1:closing]:
            return None
    page = Page(path)
    name = f"docs/{path}"
    if not lines or lines[0].strip() != "---":
        page.problems.append(BuildError(name, 1, "the front matter's opening '---' line is missing"))
        return page
    try:
        fm_end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        page.problems.append(BuildError(name, 1, "the front matter is not closed: restore its '---' line"))
        return page
    if FIELDS_MARK in lines[1:fm_end]:
        mark = lines.index(FIELDS_MARK, 1)
        page.machine_fm = "\n".join(lines[1:mark])
        page.own_fm = "\n".join(lines[mark + 1 : fm_end])
        page.fm_mark_line = mark + 1
        page.own_fm_offset = mark + 1
    else:
        page.machine_fm = "\n".join(lines[1:fm_end])
        page.problems.append(
            BuildError(
                name,
                fm_end + 1,
                f"the line '{FIELDS_MARK}' is missing from the front matter; put it back after the "
                "build's fields, with your own fields below it",
            )
        )
    if len(begin) != 1 or len(end) != 1 or not (fm_end < begin[0] < end[0]):
        where = (begin or end or [fm_end])[0] + 1
        page.problems.append(
            BuildError(
                name,
                where,
                f"the markers '{BEGIN} ...' and '{END}' must each appear once, in that order, around the "
                "part the build writes; restore them (your own text goes above the first or below the "
                "second)",
            )
        )
        return page
    b, e = begin[0], end[0]
    page.prefix = "\n".join(lines[fm_end + 1 : b]) + "\n"
    page.body = "\n".join(lines[b + 1 : e]).strip("\n")
    page.body_line = next((i + 1 for i in range(b + 1, e) if lines[i].strip()), b + 2)
    page.suffix = "\n".join(lines[e + 1 :])
    parts = lines[b][len(BEGIN) :].split()
    page.stored_hash = parts[0] if parts else None
    page.begin_line, page.end_line = b + 1, e + 1
    page.problems += prose_problems(name, lines[fm_end + 1 : b], fm_end + 2)
    page.problems += prose_problems(name, lines[e + 1 :], e + 2)
    return page


# Contributor prose is Markdown, trusted like a wiki edit but no further: it may format text and link to
# http(s) or relative addresses, but carry no raw HTML (no <script>, <iframe>, <img onerror=...>), no
# attribute lists that add event handlers, styles or the build's own data-tadmur-* and data-pagefind-*
# attributes (search ranking and indexing are the build's), and no
# links that run code (javascript:, data:, vbscript:). Code spans and fenced code blocks are shown as
# code, so anything may be quoted there.
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_ATTR_LIST = re.compile(
    r"\{:?[^{}]*\b(?:on[a-z]+\s*=|style\s*=|data-tadmur|data-pagefind|href\s*=|src\s*=)[^{}]*\}", re.I
)
_BAD_LINK = re.compile(r"(?:\]\(\s*<?|\]:\s*<?)\s*(?:javascript|data|vbscript)\s*:", re.I)


def prose_problems(name: str, lines: list[str], first_line: int) -> list[BuildError]:
    out: list[BuildError] = []
    fenced = False
    for i, raw in enumerate(lines):
        if _FENCE.match(raw):
            fenced = not fenced
            continue
        if fenced:
            continue
        text = _CODE_SPAN.sub("``", raw)
        for pattern, why in (
            (_RAW_HTML, "raw HTML is not allowed in your text; write Markdown, or put it in `code`"),
            (_ATTR_LIST, "attribute lists may not add event handlers, styles, links, data-tadmur-* or "
                         "data-pagefind-*"),
            (_BAD_LINK, "links may only go to http(s) or relative addresses"),
        ):
            if pattern.search(text):
                out.append(BuildError(name, first_line + i, why))
                break
    return out


def first_difference(page: Page, fresh: Page | None) -> int:
    """The file line where the contributor's edit inside the build's part most likely is."""
    if fresh is not None:
        for old, new, start in (
            (page.machine_fm, fresh.machine_fm, 2),
            (page.body, fresh.body, page.body_line),
        ):
            a, b = old.split("\n"), new.split("\n")
            for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if tag != "equal":
                    # Name a line with text on it: a blank line shifted by the edit is not the edit.
                    k = next((k for k in range(i1, i2) if a[k].strip()), min(i1, len(a) - 1))
                    return start + k
    return page.begin_line


def edit_error(page: Page, fresh: Page | None) -> BuildError:
    line = first_difference(page, fresh)
    in_fm = line < (page.fm_mark_line or page.begin_line)
    where = (
        f"below line {page.fm_mark_line} ('# == Your fields ...')"
        if in_fm
        else f"above line {page.begin_line} ('{BEGIN} ...') or below line {page.end_line} ('{END}')"
    )
    return BuildError(
        f"docs/{page.path}",
        line,
        f"this line is in the part the build writes, and it was changed since the last build; a rebuild "
        f"would lose the change, so nothing was written. Move your text {where}, or correct the input "
        "the build reads (see CONTRIBUTING.md), and undo the change here.",
    )


def _markdown_files(docs: Path):
    """Every .md file under docs/ but assets/, as a path relative to docs/ (os.walk: a large site's
    tree is walked on every build, and Path.rglob is several times slower)."""
    for folder, subdirs, names in os.walk(docs):
        rel = os.path.relpath(folder, docs)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        subdirs[:] = [d for d in subdirs if d != "assets"]
        yield from (prefix + n for n in names if n.endswith(".md"))


def read_pages(docs: Path, manifest: list[str], cache: Path | None = None) -> dict[str, Page]:
    """Every generated page in docs/ (by marker, or listed in the last build's manifest).

    A page the manifest lists but that has lost all its markers is reported as a problem, never
    overwritten: the build cannot tell the contributor's text from its own. With `cache` (a file in
    .tadmur-cache/), a page whose file has the size and time it had when last parsed, and was then
    unedited, is taken from it without its body (see Page.loaded): most pages of a large site are.
    """
    pages: dict[str, Page] = {}
    listed = set(manifest)
    old: dict[str, tuple[int, int, Page]] = read_pickle(cache, {}) if cache is not None else {}
    new: dict[str, tuple[int, int, Page]] = {}
    candidates = listed | set(_markdown_files(docs))
    for rel in sorted(candidates):
        if not rel.endswith(".md"):
            continue
        try:
            st = os.stat(os.path.join(docs, rel))
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        hit = old.get(rel)
        if hit is not None and hit[:2] == (st.st_mtime_ns, st.st_size) and rel in listed:
            page = copy.copy(hit[2])
            page.problems = []
            pages[rel] = page
            new[rel] = hit
            continue
        text = read_text_utf8(docs / rel, f"docs/{rel}").replace("\r\n", "\n")
        page = parse(rel, text, generated=rel in listed)
        if page is not None:
            entry = _cache_entry(st, page)
            if entry is None or rel not in listed:  # (a cache hit needs both too)
                pages[rel] = page
                if cache is not None and entry is not None:
                    new[rel] = entry
                continue
            # A clean page is held without its body, as one from the cache is (Page.loaded reads it
            # again when needed): else a large site's docs/ read without a cache is in memory whole.
            pages[rel] = copy.copy(entry[2])
            if cache is not None:
                new[rel] = entry
    if cache is not None and new != old:
        write_pickle(cache, new)
    return pages


def _cache_entry(st: os.stat_result, page: Page) -> tuple[int, int, Page] | None:
    """What read_pages' cache keeps of a parsed page (without its body), by its file's time and size;
    None for a page with problems or a contributor's edit, which is read again each build."""
    if page.problems or page.edited():
        return None
    return st.st_mtime_ns, st.st_size, dataclasses.replace(page, body=None, problems=[])


def remember_pages(docs: Path, files: dict, cache: Path) -> None:
    """After a build wrote docs/: put the pages it wrote into read_pages' cache, parsed from the text in
    hand, so that the next build does not read and parse them again (after a cold build of a large
    site that was every page, and the first article added after it paid for them)."""
    entries: dict[str, tuple[int, int, Page]] = read_pickle(cache, {})
    changed = False
    for rel, text in files.items():
        if text is KEEP or not rel.endswith(".md"):
            continue
        try:
            st = os.stat(os.path.join(docs, rel))
        except OSError:
            continue
        hit = entries.get(rel)
        if hit is not None and hit[:2] == (st.st_mtime_ns, st.st_size):
            continue
        page = parse(rel, text.decode("utf-8"), generated=True)
        entry = _cache_entry(st, page) if page is not None else None
        if entry is not None:
            entries[rel] = entry
            changed = True
    if changed:
        write_pickle(cache, entries)


def assemble(
    rendered: dict[str, bytes],
    existing: dict[str, Page],
    docs: Path,
    orphan_body,
    moves: dict[str, str] | None = None,
    merged: frozenset[str] = frozenset(),
) -> tuple[dict[str, bytes], list[str]]:
    """The files to write: each rendered page wrapped around its contributor's parts.

    Refuses (BuildErrors, nothing written) when a contributor's edit is inside the build's part, when
    the markers are damaged, or when a generated page would replace a hand-written file. A page the
    build no longer makes is kept, with a notice, while it holds a contributor's words.
    `orphan_body(title)` gives the Markdown of that notice. `moves` maps pages of renamed and merged
    entities to their new pages; for a merge (the old paths in `merged`) only the text moves, and the
    fields, which say `merge_into`, stay. Returns (files, notes for the contributor); `rendered` is
    emptied on the way.
    """
    from .errors import BuildErrors

    errors: list[BuildError] = []
    notes: list[str] = []
    out: dict[str, bytes] = {}
    # A renamed entity's page takes the contributor's parts with it, unless the new page has its own.
    existing = dict(existing)
    for old_rel, new_rel in sorted((moves or {}).items()):
        old, new = existing.get(old_rel), existing.get(new_rel)
        old = old.loaded(docs) if old is not None else None
        new = new.loaded(docs) if new is not None else None
        merge = old_rel in merged
        if old is None or old.problems or old.edited() or not old.has_own_words:
            continue
        if merge and not (old.prefix.strip() or old.suffix.strip()):
            continue  # only fields: they stay, and say merge_into
        busy = new is not None and (
            new.prefix.strip() or new.suffix.strip() or (new.own_fm.strip() and not merge)
        )
        if new is not None and (busy or new.problems):
            how = "merged into" if merge else "renamed to"
            notes.append(f"docs/{old_rel}: {how} docs/{new_rel}, which has its own text; move yours by hand")
            continue
        own_fm = (new.own_fm if new is not None else "") if merge else old.own_fm
        moved = Page(new_rel, own_fm=own_fm, prefix=old.prefix, suffix=old.suffix)
        if new is not None:
            moved.machine_fm, moved.body, moved.stored_hash = new.machine_fm, new.body, new.stored_hash
        existing[new_rel] = moved
        existing[old_rel] = Page(
            old_rel,
            machine_fm=old.machine_fm,
            body=old.body,
            stored_hash=old.stored_hash,
            own_fm=old.own_fm if merge else "",
        )
        what = "your text moved" if merge else "your text and fields moved"
        notes.append(f"docs/{old_rel}: {'merged' if merge else 'renamed'}; {what} to docs/{new_rel}")
    made = set(rendered)
    for rel in sorted(made):
        # Taken out as it is wrapped: a large site's pages are not held twice.
        text = rendered.pop(rel)
        if not rel.endswith(".md") or text is KEEP:  # KEEP: the file is as the last build left it
            out[rel] = text
            continue
        fm, body = split_rendered(rel, text.decode("utf-8"))
        fresh = Page(rel, machine_fm=fm, body=body)
        old = existing.get(rel)
        if old is not None:
            if old.problems:
                errors += old.problems
                continue
            fresh.own_fm, fresh.prefix, fresh.suffix = old.own_fm, old.prefix, old.suffix
            fresh.body = with_notes(body, old.prefix, old.suffix)
            if old.edited():
                errors.append(edit_error(old, fresh))
                continue
        elif (docs / rel).exists():
            errors.append(
                BuildError(
                    f"docs/{rel}",
                    1,
                    "this file was not written by the build, but the build makes a page at this path; "
                    "rename your file (or, to keep its text on the generated page, see CONTRIBUTING.md)",
                )
            )
            continue
        out[rel] = compose(fresh).encode("utf-8")  # held as bytes until written (render_site says why)
    for rel, old in sorted(existing.items()):
        if rel in made:
            continue
        if old.problems:  # damaged markers: the contributor's parts cannot be told apart, so ask
            errors += old.problems
            continue
        if not old.has_own_words:
            continue
        if old.edited():
            errors.append(edit_error(old, None))
            continue
        title = next((ln for ln in old.machine_fm.split("\n") if ln.startswith("title: ")), 'title: ""')
        fm, body = split_rendered(rel, orphan_body(title[7:]))
        body = with_notes(body, old.prefix, old.suffix)
        out[rel] = compose(
            Page(rel, machine_fm=fm, body=body, own_fm=old.own_fm, prefix=old.prefix, suffix=old.suffix)
        ).encode("utf-8")
        notes.append(
            f"docs/{rel}: nothing in the articles makes this page any more; it is kept because it holds "
            "your text (delete the file if it is no longer needed)"
        )
    if errors:
        raise BuildErrors(errors)
    return out, notes
