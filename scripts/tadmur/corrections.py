"""Contributors correct the machine from the front matter of generated pages.

`read_corrections(pages, schema)` reads the contributor's fields of every entity and event page
(schema/page.schema.json says which), and the apply_* functions make them part of the build:

- entity pages: `aliases`, `drop_aliases` (catalog entities), `wrong_matches`, `merge_into`;
- event pages: `date`, `type`, `place`, `participants`, `weapons`, `merge_into`, `hidden`, `confirmed`,
  `reason`.

Each correction remembers where it was written, so a bad one is reported at its file and line, and
what it changed is shown on the page and in the JSON export as an editor's correction.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import KIND_DIRS, Catalog
from .errors import BuildError, BuildErrors
from .pages import Page
from .seeds import DATE_RANGE
from .textkey import alias_key
from .validate import check
from .yamlio import LineDict, load_yaml

DIR_KINDS = {v: k for k, v in KIND_DIRS.items()}


@dataclass
class Fix:
    """The contributor's fields on one page."""

    page: str  # docs/... path, for messages
    id: str  # entity or event id the page belongs to
    fields: LineDict

    def where(self, key: str, index: int | None = None) -> tuple[str, int | None]:
        line = self.fields.key_lines.get(key)
        items = self.fields.item_lines.get(key, [])
        if index is not None and index < len(items):
            line = items[index]
        return self.page, line

    def error(self, key: str, message: str, index: int | None = None) -> BuildError:
        return BuildError(*self.where(key, index), message)

    def source(self, key: str) -> str:
        path, line = self.where(key)
        return f"{path}:{line}" if line else path


@dataclass
class Corrections:
    entities: dict[str, Fix] = field(default_factory=dict)  # by entity id (as the page path says)
    events: dict[str, Fix] = field(default_factory=dict)
    redirects: dict[str, tuple[str, str]] = field(default_factory=dict)  # old entity id -> (new id, why)
    warnings: list[str] = field(default_factory=list)
    pending_targets: dict[str, str] = field(default_factory=dict)  # catalog entity -> merge target to check


def read_corrections(pages: dict[str, Page], schema: Path) -> Corrections:
    corr = Corrections()
    errors: list[BuildError] = []
    for rel, page in sorted(pages.items()):
        if not page.own_fm.strip() or page.problems:
            continue
        name = f"docs/{rel}"
        try:
            data = load_yaml(page.own_fm, name, line_offset=page.own_fm_offset)
        except BuildError as exc:
            errors.append(exc)
            continue
        if data is None:
            continue
        if not isinstance(data, LineDict):
            errors.append(BuildError(name, page.own_fm_offset + 1, "your fields must be 'key: value' lines"))
            continue
        top, _, stem = rel.partition("/")
        ident = stem[:-3] if stem.endswith(".md") and "/" not in stem else ""
        entity = top in DIR_KINDS and ident not in ("index", "")  # not actors/index.md, actors/<id>/...
        kind = "entity" if entity else "event" if top == "events" and ident else "other"
        if kind == "other":
            ident = ""
        if kind == "event" and isinstance(data.get("date"), int) and not isinstance(data["date"], bool):
            data["date"] = str(data["date"])  # `date: 2015` is a year, though YAML reads a number
        try:
            check(data, schema, name, f"the fields of this {kind} page", ref=kind)
        except BuildError as exc:
            if kind == "other" and "unknown field" in exc.message:
                exc.message += "; only entity and event pages take corrections (see CONTRIBUTING.md)"
            errors.append(exc)
            continue
        fix = Fix(name, ident, data)
        if kind == "entity":
            corr.entities[ident] = fix
        elif kind == "event":
            if "date" in data:
                try:
                    parse_date(data["date"])
                except ValueError as exc:
                    errors.append(fix.error("date", str(exc)))
                    continue
            corr.events[ident] = fix
    if errors:
        raise BuildErrors(errors)
    return corr


def parse_date(text: str) -> tuple[dt.date, dt.date, str]:
    """'2015', '2015-05', '2015-05-21' or '2015-05-20..2015-05-23' as (earliest, latest, precision)."""
    start, _, end = text.partition("..")
    parts = [int(p) for p in start.split("-")]
    years = [parts[0]] + ([int(end[:4])] if end[:4].isdigit() else [])
    if not all(DATE_RANGE[0] <= y <= DATE_RANGE[1] for y in years):
        raise ValueError(f"'date' {text!r}: the year must be {DATE_RANGE[0]}-{DATE_RANGE[1]}")
    try:
        if end:
            a = dt.date(*parts) if len(parts) == 3 else None
            b = dt.date.fromisoformat(end)
            if a is None:
                raise ValueError
            if b < a:
                raise ValueError(f"date range {text!r} ends before it starts")
            return a, b, "day" if a == b else "week" if (b - a).days <= 7 else "month"
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31), "year"
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last), "month"
        d = dt.date(*parts)
        return d, d, "day"
    except (ValueError, OverflowError) as exc:
        detail = str(exc) if "ends before it starts" in str(exc) else "not a real date"
        raise ValueError(f"'date' {text!r}: {detail} (YYYY, YYYY-MM, YYYY-MM-DD or DAY..DAY)") from None


# ---- entities: before matching -------------------------------------------------------------------------


def apply_to_catalog(catalog: Catalog, corr: Corrections) -> Catalog:
    """A copy of the catalog with the contributors' alias edits, renames and merges applied."""
    errors: list[BuildError] = []
    ents = {k: dataclasses.replace(v) for k, v in catalog.entities.items()}
    index = dict(catalog.alias_index)
    # Renames: `formerly` in the catalog. Corrections on the old page follow the entity to its new id.
    for ent in list(ents.values()):
        for old in ent.formerly:
            corr.redirects[old] = (ent.id, "renamed")
            if old in corr.entities and ent.id not in corr.entities:
                corr.entities[ent.id] = dataclasses.replace(corr.entities.pop(old), id=ent.id)
    given_at: dict[str, str] = {}  # alias key -> the page and line that gave it
    for eid, fix in sorted(corr.entities.items()):
        if eid in corr.redirects and corr.redirects[eid][1] == "renamed":
            continue
        ent = ents.get(eid)
        for key in ("aliases", "drop_aliases"):
            if key in fix.fields and ent is None:
                errors.append(
                    fix.error(
                        key, f"{eid!r} is not in the catalog yet: promote it first (tadmur promote {eid})"
                    )
                )
        if ent is None:
            continue
        names = list(ent.aliases)
        for i, alias in enumerate(fix.fields.get("aliases", [])):
            key = alias_key(alias)
            owner = index.get(key)
            if owner and owner != eid:
                # Name both places: where the other entity got the name (a page or the catalog) and here.
                there = given_at.get(key) or (ents[owner].origin if owner in ents else "")
                at = f" (given at {there})" if there else ""
                errors.append(
                    fix.error(
                        "aliases", f"{alias!r} is already a name of {owner!r}{at}; a name means one entity", i
                    )
                )
                continue
            index[key] = eid
            path, line = fix.where("aliases", i)
            given_at[key] = f"{path}:{line}" if line else path
            if alias not in names and alias != ent.name:
                names.append(alias)
        for i, alias in enumerate(fix.fields.get("drop_aliases", [])):
            key = alias_key(alias)
            if index.get(key) != eid or alias_key(ent.name) == key:
                why = "its main name (rename it in the catalog instead)" if alias_key(ent.name) == key else ""
                errors.append(
                    fix.error(
                        "drop_aliases",
                        f"{alias!r} is not an alias of {eid!r}{' but ' + why if why else ''}",
                        i,
                    )
                )
                continue
            del index[key]
            names = [n for n in names if alias_key(n) != key]
        ent.aliases = tuple(names)
    # Merges between catalogued entities: the merged one's names now find the one it merges into.
    for eid, fix in sorted(corr.entities.items()):
        target = fix.fields.get("merge_into")
        if not target or eid not in ents:
            continue
        if target == eid:
            errors.append(fix.error("merge_into", "an entity cannot be merged into itself"))
            continue
        if target not in ents:
            if target not in catalog.entities:
                corr.pending_targets[eid] = target  # a discovered name, or unknown: checked after the KB
                continue
            errors.append(
                fix.error("merge_into", f"{target!r} was itself merged or renamed; name its final id")
            )
            continue
        if ents[eid].kind != ents[target].kind:
            errors.append(
                fix.error("merge_into", _kind_mismatch(eid, ents[eid].kind, target, ents[target].kind))
            )
            continue
        src, dst = ents.pop(eid), ents[target]
        dst.aliases = tuple(dict.fromkeys([*dst.aliases, *src.names()]))
        dst.not_names = tuple(dict.fromkeys([*dst.not_names, *src.not_names]))
        for k, v in list(index.items()):
            if v == eid:
                index[k] = target
        corr.redirects[eid] = (target, "merged")
    for ent in ents.values():  # links to a merged entity go to the one it merged into
        ent.affiliation = tuple(
            dict.fromkeys(
                (corr.redirects[t][0] if t in corr.redirects and t not in ents else t, r)
                for t, r in ent.affiliation
            )
        )
        # "army of" itself, after the government merged into its army: a link to itself says nothing.
        ent.affiliation = tuple((t, r) for t, r in ent.affiliation if t != ent.id)
        if ent.within in corr.redirects and ent.within not in ents:
            ent.within = corr.redirects[ent.within][0]
    if errors:
        raise BuildErrors(errors)
    return Catalog(entities=ents, alias_index=index)


def _kind_mismatch(eid: str, kind: str, target: str, target_kind: str) -> str:
    def a(k: str) -> str:
        return f"an {k}" if k[:1] in "aeiou" else f"a {k}"

    return f"{eid!r} is {a(kind)} and {target!r} is {a(target_kind)}: only pages of one kind can be merged"


def discovered_merges(corr: Corrections, catalog: Catalog) -> dict[str, str]:
    """merge_into on pages of names the catalog lacks: their mentions go to the target entity."""
    return {
        eid: fix.fields["merge_into"]
        for eid, fix in corr.entities.items()
        if fix.fields.get("merge_into") and eid not in catalog.entities and eid not in corr.redirects
    }


def wrong_match_filter(corr: Corrections):
    """(entity, article, paragraph, text or None, sentence or None) tuples a mention must not match,
    with their Fix. `sentence` (1-based) singles out one mention in a paragraph that names the entity
    more than once with the same spelling."""
    out = []
    for eid, fix in corr.entities.items():
        for i, item in enumerate(fix.fields.get("wrong_matches", [])):
            at, text, sentence = (item, None, None) if isinstance(item, str) else (
                item["at"], item.get("text"), item.get("sentence")
            )
            art, _, para = at.partition("#p")
            out.append((eid, art, int(para), text, sentence, fix, i))
    return out


def check_entity_refs(corr: Corrections, kb, used: set[int], merges: dict[str, str]) -> None:
    """After the knowledge base: every wrong match and merge target must point at something real."""
    errors: list[BuildError] = []
    for n, (eid, art, para, text, sentence, fix, i) in enumerate(wrong_match_filter(corr)):
        if art not in kb.docs:
            errors.append(fix.error("wrong_matches", f"no article has the id {art!r}", i))
        elif not 1 <= para <= len(kb.docs[art].paragraphs):
            errors.append(
                fix.error(
                    "wrong_matches", f"{art!r} has paragraphs 1-{len(kb.docs[art].paragraphs)}, not {para}", i
                )
            )
        elif n not in used:
            said = f" as {text!r}" if text else ""
            where = f"sentence {sentence} of paragraph {para}" if sentence else f"paragraph {para}"
            errors.append(fix.error("wrong_matches", f"{where} of {art!r} does not name {eid!r}{said}", i))
    for eid, target in corr.pending_targets.items():
        fix = corr.entities[eid]
        if target in kb.entities:
            why = f"{target!r} is not in the catalog yet: promote it first (tadmur promote {target})"
        else:
            why = f"no entity page has the id {target!r}"
        errors.append(fix.error("merge_into", why))
    for eid, target in merges.items():
        fix = corr.entities[eid]
        if target == eid:
            errors.append(fix.error("merge_into", "an entity cannot be merged into itself"))
        elif target not in kb.entities:
            errors.append(fix.error("merge_into", f"no entity page has the id {target!r}"))
        elif eid in kb.entities and kb.entities[eid].kind != kb.entities[target].kind:
            errors.append(
                fix.error(
                    "merge_into", _kind_mismatch(eid, kb.entities[eid].kind, target, kb.entities[target].kind)
                )
            )
        elif target in merges:
            errors.append(fix.error("merge_into", f"{target!r} is itself merged into {merges[target]!r}"))
    if errors:
        raise BuildErrors(errors)
