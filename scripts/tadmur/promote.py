"""`tadmur promote NAME`: move a name from the review queue into the catalog with one command.

The new entry is appended as YAML text at the end of data/catalog/<kind>s.yml (or --to), so every
existing byte of the file (comments, layout) stays as it was. The whole catalog is then loaded and
validated; if that fails (an alias another entity owns, a duplicate id...), the file is restored
exactly and the error is reported as `file:line: message`.

A name with an unreviewed page keeps its page id, so its URL does not change: after a rebuild the same
page shows the name as reviewed.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .catalog import KIND_DIRS, KINDS, catalog_files, load_catalog
from .errors import BuildError
from .paths import Project, shown
from .slug import SLUG_RE, slugify
from .textkey import alias_key
from .yamlio import yaml_quote

PLACEHOLDER = "Promoted from the review queue ({how}); needs a description: say in one line what it is."


@dataclass
class Candidate:
    """A name on the review queue: with an unreviewed page (entity) or a weak name without one."""

    name: str
    kind: str  # actor | weapon | place | unknown
    rule: str
    page_id: str | None
    type: str
    aliases: tuple[str, ...]
    affiliation: tuple[tuple[str, str], ...] = ()  # from the role the articles gave a person
    within: str | None = None  # the place a found site stands in
    described: str | None = None  # the role, as the articles gave it

    def keys(self) -> set[str]:
        names = {self.name, *self.aliases} | ({self.page_id} if self.page_id else set())
        return {alias_key(n) for n in names}


class PromoteError(Exception):
    """A problem found before anything was written."""


class CatalogRejected(Exception):
    """The catalog did not validate with the new entry; the file was restored byte for byte."""

    def __init__(self, error: BuildError, file: str):
        self.error = error
        self.file = file
        super().__init__(str(error))


def register(sub) -> None:
    p = sub.add_parser(
        "promote",
        help="add a name from the review queue to the catalog (keeps its page URL)",
        description=(
            "Promote a name from the review queue (docs/review.md, or the 'unreviewed' lines of the build "
            "report) into data/catalog/. NAME is the page id, the name or one of its spellings. The entry is "
            "appended to the catalog file as text; nothing else in the file changes."
        ),
    )
    p.add_argument("name", metavar="NAME", help="page id, name or alias of the name to promote")
    p.add_argument("--kind", choices=KINDS, help="actor, weapon or place (needed for names without a page)")
    p.add_argument(
        "--id", dest="entity_id", metavar="ID", help="entity id (default: the unreviewed page's id)"
    )
    p.add_argument("--name", dest="new_name", metavar="NAME", help="canonical name (default: the name found)")
    p.add_argument(
        "--type", dest="entity_type", metavar="TYPE", help="sub-type, e.g. 'armed group', 'oil field'"
    )
    p.add_argument(
        "--description", metavar="TEXT", help="one line saying what it is (default: a placeholder to fill in)"
    )
    p.add_argument(
        "--alias",
        action="append",
        default=[],
        help="another name for it (repeatable)",
        dest="aliases",
        metavar="ALIAS",
    )
    p.add_argument(
        "--to",
        type=Path,
        metavar="FILE",
        help="catalog file to append to (default: data/catalog/<kind>s.yml)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, project: Project) -> int:
    try:
        line_ref, name, page = promote(
            project,
            args.name,
            kind=args.kind,
            entity_id=args.entity_id,
            new_name=args.new_name,
            entity_type=args.entity_type,
            description=args.description,
            aliases=args.aliases,
            to=args.to,
        )
    except CatalogRejected as exc:
        print(f"error: {exc.error}", file=sys.stderr)
        print(f"error: the entry was not added; {exc.file} is exactly as it was", file=sys.stderr)
        return 1
    except (BuildError, PromoteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"promoted {name} -> {line_ref}")
    print(f"next: rebuild with `make docs` (or `tadmur docs`); docs/{page} will then show it as reviewed")
    return 0


def promote(
    project: Project,
    query: str,
    *,
    kind: str | None = None,
    entity_id: str | None = None,
    new_name: str | None = None,
    entity_type: str | None = None,
    description: str | None = None,
    aliases: list[str] | tuple[str, ...] = (),
    to: Path | None = None,
) -> tuple[str, str, str]:
    """Append the catalog entry; return ('data/catalog/<file>:<line>', name, docs-relative page path).

    Raises PromoteError (nothing written), CatalogRejected (the catalog did not validate with the entry;
    the file is restored) or BuildError (an input of the build is invalid; nothing written).
    """
    from . import pipeline  # late: the build stages are only needed here

    kb = pipeline.generate(project).kb
    catalog = kb.catalog
    key = alias_key(query)
    if not key.strip():
        raise PromoteError("NAME is empty")
    known = catalog.entities.get(query.strip().lower()) or catalog.entities.get(catalog.lookup(query) or "")
    if known:
        raise PromoteError(
            f"{known.origin}: {query!r} is already catalogued as {known.kind} {known.id!r} ({known.name})"
        )
    cand = _find(kb, key, query, kind)
    kind = kind or cand.kind
    if kind not in KINDS:
        raise PromoteError(
            f"{cand.name!r} has no page and no kind yet: say which it is with --kind actor|weapon|place"
        )
    name = " ".join((new_name or cand.name).split())
    eid = entity_id or cand.page_id or slugify(name)
    if not SLUG_RE.match(eid):
        raise PromoteError(f"--id {eid!r}: an id is lowercase letters a-z, digits and single hyphens")
    if eid in catalog.entities:
        raise PromoteError(
            f"{catalog.entities[eid].origin}: the id {eid!r} is taken by {catalog.entities[eid].name!r}; "
            "choose another with --id"
        )
    how = f"found by the '{cand.rule}' rule" if cand.page_id else f"seen as a {cand.rule}"
    if not description and cand.described:
        description = f"{cand.described[:1].upper()}{cand.described[1:]} (as the articles describe them)."
    entry = {
        "id": eid,
        "name": name,
        "type": " ".join((entity_type if entity_type is not None else cand.type).split()),
        "description": " ".join((description or PLACEHOLDER.format(how=how)).split()),
        "aliases": _aliases(name, [cand.name, *cand.aliases, *aliases]),
        "affiliation": [{"id": t, "relation": r} for t, r in cand.affiliation if t in catalog.entities],
        "within": cand.within if cand.within in catalog.entities and kind == "place" else None,
    }
    if not entry["description"]:
        raise PromoteError("--description is empty")
    path = _target_file(project, kind, to)
    line_ref = append_entry(project, path, entry)
    return line_ref, name, f"{KIND_DIRS[kind]}/{eid}.md"


def _aliases(name: str, names: list[str]) -> list[str]:
    """Distinct spellings (by matching key), without the canonical name, in first-seen order."""
    seen = {alias_key(name)}
    out = []
    for a in names:
        a = " ".join(a.split())
        k = alias_key(a)
        if a and k not in seen:
            seen.add(k)
            out.append(a)
    return out


def _candidates(kb) -> list[Candidate]:
    out = []
    for item in kb.review:
        if item.entity is not None:
            e = kb.entities[item.entity]
            if e.reviewed:
                continue
            out.append(_from_entity(e, item.rule))
        else:
            out.append(Candidate(item.name, item.kind, item.rule, None, "", ()))
    listed = {c.page_id for c in out}
    for e in kb.entities.values():  # unreviewed pages are all on the queue; this is a safety net
        if not e.reviewed and e.id not in listed:
            out.append(_from_entity(e, ""))
    return out


def _from_entity(e, rule: str) -> Candidate:
    role = re.match(r"^Described in the articles as (.+?)\. Found in the articles", e.description)
    return Candidate(
        e.name, e.kind, e.rule or rule, e.id, e.type, tuple(e.aliases), tuple(e.affiliation), e.within,
        role.group(1) if role else None,
    )


def _find(kb, key: str, query: str, kind: str | None) -> Candidate:
    cands = _candidates(kb)
    matches = [c for c in cands if key in c.keys()]
    if len(matches) > 1 and kind:
        matches = [c for c in matches if c.kind in (kind, "unknown")] or matches
    if not matches:
        hint = ""
        near = sorted(c.name for c in cands if key in alias_key(c.name) or alias_key(c.name) in key)
        if near:
            hint = "; did you mean " + ", ".join(repr(n) for n in near[:5]) + "?"
        raise PromoteError(
            f"{query!r} is not on the review queue (docs/review.md lists {len(cands)} names){hint}. "
            "A name the build never found can be added to data/catalog/ by hand (format: "
            "data/catalog/README.md)."
        )
    if len(matches) > 1:
        listing = ", ".join(f"{c.kind} {c.page_id or c.name!r}" for c in matches)
        raise PromoteError(
            f"{query!r} matches several names on the review queue ({listing}); use the page id"
        )
    return matches[0]


def _target_file(project: Project, kind: str, to: Path | None) -> Path:
    if to is None:
        path = project.catalog / f"{KIND_DIRS[kind]}.yml"
    elif to.is_absolute():
        path = to
    else:  # relative to the project root, or else to the current folder
        path = next((p for p in (project.root / to, Path.cwd() / to) if p.exists()), project.root / to)
    path = path.resolve()
    files = [p.resolve() for p in catalog_files(project.catalog)]
    if path not in files:
        raise PromoteError(
            f"{shown(path, project.root)} is not a catalog file; choose one of "
            + ", ".join(shown(p, project.root) for p in files)
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PromoteError(f"{shown(path, project.root)}: cannot read it: {exc}") from None
    file_kind = data.get("kind") if isinstance(data, dict) else None
    if file_kind != kind:
        raise PromoteError(
            f"{shown(path, project.root)} holds {file_kind or 'no'} entities, not {kind} entities"
        )
    return path


def _layout(text: str, name: str) -> tuple[int, int]:
    """Columns of the entity list's '-' and of an entity's keys, checking that the list ends the file."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise PromoteError(f"{name}: not valid YAML, fix it first: {exc}") from None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise PromoteError(f"{name}: not a block mapping with 'kind' and 'entities'")
    keys = [k.value for k, _v in root.value]
    if "entities" not in keys:
        raise PromoteError(f"{name}: has no 'entities' list")
    seq = root.value[keys.index("entities")][1]
    if keys[-1] != "entities":
        raise PromoteError(f"{name}: 'entities' must be the file's last key to append to it")
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style or not seq.value:
        raise PromoteError(f"{name}: 'entities' is not a block list ('- id: ...' lines) to append to")
    first = seq.value[0]
    return seq.start_mark.column, first.start_mark.column


def entry_text(entry: dict, dash_col: int, key_col: int) -> str:
    """The entry as YAML block text; every scalar is double-quoted, lists are flow lists."""
    lines = []
    for k, v in entry.items():
        if v in ("", [], None):
            continue
        if isinstance(v, list):
            value = "[" + ", ".join(_flow(a) for a in v) + "]"
        else:
            value = yaml_quote(v)
        lead = " " * dash_col + "-" + " " * (key_col - dash_col - 1) if not lines else " " * key_col
        lines.append(f"{lead}{k}: {value}")
    return "\n".join(lines) + "\n"


def _flow(item) -> str:
    if isinstance(item, dict):
        return "{" + ", ".join(f"{k}: {yaml_quote(v)}" for k, v in item.items()) + "}"
    return yaml_quote(item)


def append_entry(project: Project, path: Path, entry: dict) -> str:
    """Append `entry` to the catalog file, validate the whole catalog, restore the file on failure."""
    name = shown(path, project.root)
    original = path.read_bytes()
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise PromoteError(f"{name}: not UTF-8 text") from None
    dash_col, key_col = _layout(text, name)
    sep = ("" if text.endswith("\n") else "\n") + "\n"  # end the last line, then one blank line
    line = (text + sep).count("\n") + 1
    addition = (sep + entry_text(entry, dash_col, key_col)).encode("utf-8")
    with path.open("ab") as fh:
        fh.write(addition)
    try:
        load_catalog(project.catalog, project.schema / "catalog.schema.json", project.root)
    except BuildError as exc:
        path.write_bytes(original)
        raise CatalogRejected(exc, name) from None
    except BaseException:
        path.write_bytes(original)
        raise
    return f"{name}:{line}"
