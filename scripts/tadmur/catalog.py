"""The entity catalog: canonical names, kinds, aliases and descriptions, read from data/catalog/*.yml.

`load_catalog(dir, schema)` validates each file and the whole (unique ids, one owner per alias,
affiliations and `within` pointing at real entities). Knowledge lives in the YAML, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError
from .plainrepr import plain_repr
from .textkey import alias_key, plain
from .validate import check
from .yamlio import LineDict, load_yaml, read_text_utf8

KINDS = ("actor", "weapon", "place")
KIND_DIRS = {"actor": "actors", "weapon": "weapons", "place": "places"}


@plain_repr
@dataclass
class Entity:
    id: str
    kind: str
    name: str
    description: str
    type: str = ""
    aliases: tuple[str, ...] = ()
    affiliation: tuple[tuple[str, str], ...] = ()
    wikidata: str | None = None
    coordinates: tuple[float, float] | None = None
    within: str | None = None
    plural_suffix: bool = False
    not_names: tuple[str, ...] = ()  # phrases containing a name that do not mean this entity
    reviewed: bool = True  # False for names found by the discovery rules, not in the catalog
    origin: str = ""  # file:line it was defined at, or the rule that found it
    rule: str | None = None  # discovery rule name, for unreviewed entities
    formerly: tuple[str, ...] = ()  # old ids: their pages redirect here (renames)

    @property
    def url(self) -> str:
        """Site-relative URL of the entity's page (directory URL)."""
        return f"{KIND_DIRS[self.kind]}/{self.id}/"

    @property
    def doc_path(self) -> str:
        return f"{KIND_DIRS[self.kind]}/{self.id}.md"

    def names(self) -> list[str]:
        out = [self.name]
        out += [a for a in self.aliases if a != self.name]
        return out


@dataclass
class Catalog:
    entities: dict[str, Entity] = field(default_factory=dict)
    alias_index: dict[str, str] = field(default_factory=dict)  # alias_key -> entity id

    def lookup(self, name: str) -> str | None:
        """The catalogued entity that has this name or alias, if any."""
        return self.alias_index.get(alias_key(name))

    def by_kind(self, kind: str) -> list[Entity]:
        return sorted((e for e in self.entities.values() if e.kind == kind), key=lambda e: e.id)


def catalog_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yml") if not p.name.startswith("_"))


def load_catalog(directory: Path, schema_path: Path, root: Path | None = None) -> Catalog:
    """Load and cross-check every catalog file; the first problem is a BuildError at its line."""
    cat = Catalog()
    alias_owner: dict[str, tuple[str, str]] = {}  # key -> (entity id, where)
    pending: list[tuple[Entity, str, LineDict]] = []
    for path in catalog_files(directory):
        name = str(path.relative_to(root)) if root else str(path)
        data = load_yaml(read_text_utf8(path), name)
        if not isinstance(data, LineDict):
            raise BuildError(name, 1, "a catalog file must be a mapping with 'kind' and 'entities'")
        check(data, schema_path, name, "catalog")
        kind = data["kind"]
        plural = bool(data.get("plural_suffix", False))
        for raw in data["entities"]:
            where = f"{name}:{raw.line}"
            if raw["id"] in cat.entities:
                raise BuildError(
                    name,
                    raw.line,
                    f"duplicate entity id {raw['id']!r} (first at {cat.entities[raw['id']].origin})",
                )
            coords = raw.get("coordinates")
            ent = Entity(
                id=raw["id"],
                kind=kind,
                name=plain(raw["name"]),
                description=plain(raw["description"]),
                type=plain(raw.get("type", "")),
                aliases=tuple(
                    dict.fromkeys(plain(a) for a in raw.get("aliases", []) if plain(a) != plain(raw["name"]))
                ),
                affiliation=tuple(
                    (a["id"], a.get("relation", "affiliated with")) for a in raw.get("affiliation", [])
                ),
                wikidata=raw.get("wikidata"),
                coordinates=(float(coords[0]), float(coords[1])) if coords else None,
                within=raw.get("within"),
                plural_suffix=plural,
                not_names=tuple(raw.get("not_names", [])),
                formerly=tuple(raw.get("formerly", [])),
                origin=where,
            )
            for alias in ent.names():
                key = alias_key(alias)
                if not key.strip():
                    raise BuildError(name, raw.line, f"entity {ent.id!r} has an empty alias")
                owner = alias_owner.get(key)
                if owner and owner[0] != ent.id:
                    raise BuildError(
                        name,
                        raw.line,
                        f"alias {alias!r} of {ent.id!r} is already a name of {owner[0]!r} ({owner[1]}); "
                        "an alias may belong to one entity only",
                    )
                alias_owner[key] = (ent.id, where)
            if kind == "place" and ent.coordinates is None:
                pass  # allowed: a place without coordinates is simply not on the map
            cat.entities[ent.id] = ent
            pending.append((ent, name, raw))
    # References to an old id (after a rename) follow the entity to its new id.
    former = {old: ent.id for ent in cat.entities.values() for old in ent.formerly}
    for ent in cat.entities.values():
        ent.affiliation = tuple((former.get(t, t), r) for t, r in ent.affiliation)
        ent.within = former.get(ent.within, ent.within) if ent.within else ent.within
    for ent, name, raw in pending:
        for old in ent.formerly:
            if old in cat.entities:
                raise BuildError(
                    name, raw.line, f"{ent.id!r}: 'formerly' names {old!r}, which is still an entity's id"
                )
        for target, _rel in ent.affiliation:
            if target not in cat.entities:
                raise BuildError(name, raw.line, f"{ent.id!r}: affiliation names unknown entity {target!r}")
        if ent.within and ent.within not in cat.entities:
            raise BuildError(name, raw.line, f"{ent.id!r}: 'within' names unknown entity {ent.within!r}")
    cat.alias_index = {k: v[0] for k, v in alias_owner.items()}
    return cat
