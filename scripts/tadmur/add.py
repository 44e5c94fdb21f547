"""`tadmur add`: write one article and its metadata as seeds/<id>.md, validated as the build validates it.

The article text comes from a file (or stdin with `-`), the metadata from options and/or a YAML file
(`--meta`; options override it). The seed is composed in memory, written to a temporary file in seeds/
and parsed there with `seeds.parse_seed` (schema/seed.schema.json and the date checks), then checked
against the existing seeds (same id, same text); only then is it moved into place. Any problem is one
`error: <file>:<line>: message` line and nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
from pathlib import Path

from .errors import BuildError
from .paths import shown
from .seeds import Article, parse_seed
from .slug import slugify
from .yamlio import LineDict, load_yaml, read_text_utf8, yaml_scalar

# Front matter fields in the order they are written (the order of the existing seeds).
FIELDS = (
    "id",
    "title",
    "outlet",
    "author",
    "published",
    "published_certainty",
    "published_note",
    "url",
    "language",
    "collected_as",
    "note",
    "added",
)
# The option that sets each field.
OPTIONS = {
    "id": "--id",
    "title": "--title",
    "outlet": "--outlet",
    "author": "--author",
    "published": "--published",
    "published_certainty": "--certainty",
    "published_note": "--published-note",
    "url": "--url",
    "language": "--language",
    "note": "--note",
    "added": "--added",
}
REQUIRED = ("title", "outlet", "published")
META_ALIASES = {"certainty": "published_certainty"}  # the option's name is accepted in --meta too
ALWAYS_WRITTEN = {"author", "published_note", "url", "note"}  # written as null when not given
ID_MAX = 80
TITLE_WORDS = 6
# Words left out of the title part of a derived id.
STOP_WORDS = frozenset(
    "a an and are as at be been by for from had has have he her his in into is it its may might of on "
    "or s says said that the their they this to was were will with".split()
)


def register(sub) -> None:
    p = sub.add_parser(
        "add",
        help="add an article: validate its text and metadata and write seeds/<id>.md",
        description=(
            "Write seeds/<id>.md from an article's text (FILE, or - for stdin) and its metadata, "
            "validated with the same rules as the build. Nothing is written if anything is wrong."
        ),
        epilog="Example: tadmur add article.txt --title 'Palmyra retaken' --outlet Reuters "
        "--published 2017-03-02",
    )
    p.add_argument("file", metavar="FILE", help="the article text, as collected (UTF-8); - reads stdin")
    p.add_argument("--meta", metavar="FILE.yml", help="YAML file with any of the fields below (options win)")
    p.add_argument("--title", help="headline (required)")
    p.add_argument("--outlet", help="publisher as the reader knows it (required)")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date (required)")
    p.add_argument("--id", help="lowercase letters, digits, hyphens (default: date-outlet-title words)")
    p.add_argument("--author")
    p.add_argument("--url", help="original address (http or https)")
    p.add_argument(
        "--certainty",
        dest="published_certainty",
        metavar="{exact,approximate,unknown}",
        help="how sure the publication date is (default: exact)",
    )
    p.add_argument("--published-note", dest="published_note", help="how the date was worked out")
    p.add_argument("--language", help="ISO 639 code (default: en)")
    p.add_argument("--note", help="a note about the article or how it was collected")
    p.add_argument("--added", metavar="YYYY-MM-DD", help="when it joined the corpus (default: today)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, project) -> int:
    try:
        path = add_article(args, project)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"tadmur: wrote {shown(path, project.root)}")
    print(
        "next: run `make docs` (or `tadmur docs`) to rebuild docs/; the build then lists what the "
        "article changed (new article, new names and events, mentions)"
    )
    return 0


class _Origin:
    """Where a field's value came from, to report a problem with it there."""

    def __init__(self, where: str, line: int | None, hint: str = ""):
        self.where, self.line, self.hint = where, line, hint

    def error(self, message: str) -> BuildError:
        return BuildError(self.where, self.line, message + self.hint)


def add_article(args: argparse.Namespace, project) -> Path:
    """Validate and write the seed; return its path. Raises BuildError, having written nothing."""
    text_name = "<stdin>" if args.file == "-" else args.file
    body = _read_text(args.file, text_name)
    fields, origins = _metadata(args, text_name)
    front, field_lines, body_start = _compose(fields)
    seeds = project.seeds
    if not seeds.is_dir():
        raise BuildError(shown(seeds, project.root), None, "no seeds/ folder here: is --root the project?")
    # Written next to its final place (never *.md, so a build running meanwhile does not read it),
    # parsed as the build parses seeds, and linked into place only if everything holds.
    # Opened with "x" (not mkstemp) so that the seed gets the usual permissions, not 0600.
    tmp = seeds / f".tadmur-add-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as f:
            f.write(front + body)
        article = _parse(project, tmp, field_lines, body_start, origins, text_name)
        target = seeds / f"{article.id}.md"
        existing = _existing_seeds(seeds)
        for path, ident, _body in existing:
            if path.name == target.name or ident == article.id:
                raise origins["id"].error(
                    f"id {article.id!r} is already used by {shown(path, project.root)}; choose another"
                )
        key = _text_key(article.body)
        for path, _ident, existing_body in existing:
            if _text_key(existing_body) == key:
                raise BuildError(
                    text_name,
                    1,
                    f"the same text (ignoring whitespace) is already in {shown(path, project.root)}",
                )
        try:
            os.link(tmp, target)  # atomic, and never replaces a file that appeared meanwhile
        except FileExistsError:
            raise origins["id"].error(
                f"id {article.id!r} is already used by {shown(target, project.root)}"
            ) from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise origins["id"].error(
                    f"id {article.id!r} is already used by {shown(target, project.root)}"
                ) from None
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


# ---- reading the inputs -------------------------------------------------------------------------------


def _read_text(arg: str, name: str) -> str:
    if arg == "-":
        stream = sys.stdin
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        if isinstance(raw, str):  # a text stream without bytes underneath (tests, embedding)
            raw = raw.encode("utf-8", "surrogatepass")
    else:
        try:
            raw = Path(arg).read_bytes()
        except OSError as exc:
            raise BuildError(name, None, f"cannot read the article text: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildError(
            name,
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BuildError(name, 1, "the article text is empty")
    return text if text.endswith("\n") else text + "\n"


def _metadata(args: argparse.Namespace, text_name: str) -> tuple[dict[str, object], dict[str, _Origin]]:
    """Fields from --meta, overridden by options, then defaults; and where each came from."""
    fields: dict[str, object] = {}
    origins: dict[str, _Origin] = {}
    if args.meta:
        meta_name = args.meta
        try:
            meta_text = read_text_utf8(Path(args.meta), meta_name)
        except OSError as exc:
            raise BuildError(meta_name, None, f"cannot read the metadata file: {exc.strerror}") from None
        data = load_yaml(meta_text, meta_name) if meta_text.strip() else LineDict()
        if data is None:
            data = LineDict()
        if not isinstance(data, LineDict):
            raise BuildError(meta_name, 1, "the metadata file must be a YAML mapping of field: value")
        lines = getattr(data, "key_lines", {})
        for key, value in data.items():
            line = lines.get(str(key), data.line or 1)
            name = META_ALIASES.get(str(key), str(key))
            if name not in FIELDS:
                known = ", ".join(f for f in FIELDS)
                raise BuildError(
                    meta_name, line, f"unknown field {key!r} in the metadata file; known: {known}"
                )
            if name in fields:
                raise BuildError(
                    meta_name, line, f"{key!r} repeats {name!r}, given on line {origins[name].line}"
                )
            fields[name] = value
            origins[name] = _Origin(meta_name, line)
    for name, option in OPTIONS.items():
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = value
            origins[name] = _Origin(text_name, 1, f" (from {option})")
    for name in REQUIRED:
        if name not in fields:
            hint = " or add it to the --meta file" if args.meta else " (or give it in a --meta file)"
            raise BuildError(text_name, 1, f"no {name} for this article: use {OPTIONS[name]}{hint}")
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise origins[name].error(
                f"{name!r} must be text, not {type(value).__name__} {value!r} (quote it in YAML)"
            )
        if isinstance(value, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise origins[name].error(f"{name!r} is not valid UTF-8 text")
    defaults = {
        "published_certainty": "exact",
        "language": "en",
        "added": dt.date.today().isoformat(),
    }
    for name, value in defaults.items():
        if name not in fields:
            fields[name] = value
            origins[name] = _Origin(text_name, 1, f" (the default; set it with {OPTIONS[name]})")
    if "id" not in fields:
        fields["id"] = derive_id(str(fields["published"]), str(fields["outlet"]), str(fields["title"]))
        origins["id"] = _Origin(
            text_name, 1, " (derived from the date, outlet and title; give one with --id)"
        )
    for name in ALWAYS_WRITTEN:
        if name not in fields:
            fields[name] = None
            origins[name] = _Origin(text_name, 1)
    return fields, origins


def derive_id(published: str, outlet: str, title: str) -> str:
    """`2016-12-13-washington-post-isis-offensive-picked-up-surface-air`: date, outlet, title words."""
    outlet_words = slugify(outlet, max_len=ID_MAX).split("-")
    if len(outlet_words) > 1 and outlet_words[0] == "the":
        outlet_words = outlet_words[1:]
    title_words = slugify(title, max_len=200).split("-")
    kept = [w for w in title_words if w not in STOP_WORDS] or title_words
    out = slugify(published, max_len=20)
    for word in outlet_words + kept[:TITLE_WORDS]:
        if len(out) + 1 + len(word) > ID_MAX:
            break
        out += "-" + word
    return out


# ---- composing and validating -------------------------------------------------------------------------


def _compose(fields: dict[str, object]) -> tuple[str, dict[int, str], int]:
    """The seed file's text, the line of each field, and the line where the body starts."""
    lines = ["---"]
    field_lines: dict[int, str] = {}
    for name in FIELDS:
        if name in fields:
            lines.append(f"{name}: {yaml_scalar(fields[name])}")
            field_lines[len(lines)] = name
    lines.append("---")
    return "\n".join(lines) + "\n", field_lines, len(lines) + 1


def _parse(
    project,
    tmp: Path,
    field_lines: dict[int, str],
    body_start: int,
    origins: dict[str, _Origin],
    text_name: str,
) -> Article:
    """Parse the composed seed exactly as the build does; report a problem where its value came from."""
    try:
        return parse_seed(tmp, project.schema / "seed.schema.json", text_name)
    except BuildError as exc:
        if exc.line in field_lines:
            raise origins[field_lines[exc.line]].error(exc.message) from None
        if exc.line and exc.line >= body_start:
            raise BuildError(text_name, exc.line - body_start + 1, exc.message) from None
        raise BuildError(text_name, 1, exc.message) from None


def _existing_seeds(seeds: Path) -> list[tuple[Path, str | None, str]]:
    """(path, id, body) of every seed, read leniently: a broken seed is the build's to report."""
    out = []
    for path in sorted(seeds.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
        except OSError:
            continue
        lines = text.splitlines()
        ident, body = None, text
        if lines and lines[0].strip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
            if end is not None:
                body = "\n".join(lines[end + 1 :])
                try:
                    meta = load_yaml("\n".join(lines[1:end]), str(path))
                except BuildError:
                    meta = None
                if isinstance(meta, dict) and isinstance(meta.get("id"), str):
                    ident = meta["id"]
        out.append((path, ident, body))
    return out


def _text_key(text: str) -> str:
    return " ".join(text.split())
