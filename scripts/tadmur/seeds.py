"""Stage 1: read seeds/*.md (YAML front matter + raw article text) into Article records.

Every problem is a BuildError naming the file and line; nothing is written before all seeds load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, BuildErrors
from .plainrepr import plain_repr
from .textkey import plain
from .validate import check
from .yamlio import LineDict, load_yaml, read_text_utf8

DATE_RANGE = (1900, 2100)  # years an article, or a date an editor sets, may have


@plain_repr
@dataclass(frozen=True)
class Article:
    id: str
    title: str
    outlet: str
    author: str | None
    published: dt.date
    published_certainty: str
    published_note: str | None
    url: str | None
    language: str
    note: str | None
    path: str  # relative to the project root, for messages and provenance
    body: str
    body_line: int  # 1-based line of the body's first line in the seed file
    added: dt.date | None = None  # when the article joined the corpus (optional; `tadmur add` sets it)


def parse_seed(path: Path, schema_path: Path, rel: str | None = None) -> Article:
    """Parse one seed file, validating its front matter against schema/seed.schema.json."""
    name = rel or str(path)
    text = read_text_utf8(path, name)
    if not text.strip():
        raise BuildError(name, 1, "the file is empty; a seed needs YAML front matter and the article text")
    lines = text.splitlines()
    if lines[0].strip() != "---":
        raise BuildError(
            name, 1, "no front matter: the file must start with a '---' line, then YAML, then '---'"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise BuildError(name, 1, "front matter is not closed: add a '---' line after the YAML") from None
    meta = load_yaml("\n".join(lines[1:end]), name, line_offset=1)
    if not isinstance(meta, LineDict):
        raise BuildError(name, 2, "front matter must be a YAML mapping of field: value")
    check(meta, schema_path, name, "front matter")

    def real_date(key: str) -> dt.date | None:
        if meta.get(key) is None:
            return None
        try:
            day = dt.date.fromisoformat(meta[key])
        except ValueError:
            raise BuildError(name, meta.key_lines[key], f"'{key}' is not a real date: {meta[key]}") from None
        if not DATE_RANGE[0] <= day.year <= DATE_RANGE[1]:
            # Far dates break date arithmetic downstream (a year 9999 has no next year).
            first, last = DATE_RANGE
            why = f"'{key}' {meta[key]}: the year must be {first}-{last}"
            raise BuildError(name, meta.key_lines[key], why)
        return day

    published = real_date("published")
    added = real_date("added")
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        raise BuildError(name, end + 2, "the article text after the front matter is empty")
    return Article(
        id=meta["id"],
        title=plain(meta["title"]),
        outlet=plain(meta["outlet"]),
        author=plain(meta["author"]) if meta.get("author") else meta.get("author"),
        published=published,
        published_certainty=meta["published_certainty"],
        published_note=meta.get("published_note"),
        url=meta.get("url"),
        language=meta["language"],
        note=meta.get("note"),
        path=name,
        body=body,
        body_line=end + 2,
        added=added,
    )


def load_seeds(seed_dir: Path, schema_path: Path, root: Path | None = None, cache=None) -> list[Article]:
    """Load every seeds/*.md, sorted by id; duplicate ids are an error naming both files. `cache`
    (parsecache.ParseCache) keeps each file's parse between builds."""
    files = sorted(seed_dir.glob("*.md"))
    if not files:
        raise BuildError(seed_dir, None, "no seed articles (*.md) found")
    articles: list[Article] = []
    seen: dict[str, str] = {}
    errors: list[BuildError] = []  # one problem per file, all reported together
    for f in files:
        if f.name.lower() == "readme.md":
            continue
        rel = str(f.relative_to(root)) if root else str(f)
        try:
            if cache is None:
                art = parse_seed(f, schema_path, rel)
            else:
                key = cache.key(rel.encode(), f.read_bytes())
                art = cache.get(key, lambda f=f, rel=rel: parse_seed(f, schema_path, rel))
        except BuildError as exc:
            errors.append(exc)
            continue
        if art.id in seen:
            errors.append(
                BuildError(rel, 2, f"duplicate article id {art.id!r}: {seen[art.id]} already uses it")
            )
            continue
        seen[art.id] = rel
        articles.append(art)
    if errors:
        raise BuildErrors(errors)
    return sorted(articles, key=lambda a: a.id)
