"""Editors' corrections from event pages (read by tadmur.corrections): merge, hide, confirm, and set
the date, type, place, participants or weapons. A correction left on the page of an event that was
since merged into another follows it to the survivor."""

from __future__ import annotations

from ..errors import BuildError, BuildErrors
from ..kb import KB
from .assemble import ROLE_ORDER, TERRITORY_TYPES, make_event, title
from .extract import link_neighbours
from .model import Event
from .vocabulary import Vocabulary


def apply_corrections(
    events: list[Event], corr, kb: KB, vocab: Vocabulary, moved: dict[str, tuple[str, str]] | None = None
) -> tuple[list[Event], list[Event], list[Event], dict[str, str]]:
    """Returns (published events, unconfirmed candidates, hidden events, {merged id: survivor id}).
    `moved` maps retired event ids to (the event that holds their reports now, why); see identity.py."""
    from ..corrections import parse_date

    aliases = {old: new for old, (new, _) in (moved or {}).items()}
    joined = {old for old, (_, why) in (moved or {}).items() if why == "joined"}
    errors: list[BuildError] = []
    by_id = {e.id: e for e in events}
    merged: dict[str, str] = {}
    fixes: dict[str, list] = {}
    for eid, fix in sorted(corr.events.items()):
        current = eid if eid in by_id else aliases.get(eid)
        if current not in by_id:
            corr.warnings.append(
                f"{fix.page}: no event has the id {eid!r} any more, so its corrections do nothing; "
                "move them to the event's new page, or delete the file"
            )
            continue
        # The event's own page speaks last, so its fields win over those of pages merged into it.
        queue = fixes.setdefault(current, [])
        if current == eid:
            queue.append(fix)
        else:
            queue.insert(0, fix)
        target = fix.fields.get("merge_into")
        if target is None or current != eid:
            continue
        target = aliases.get(target, target) if target not in by_id else target
        if target == eid or target not in by_id:
            errors.append(fix.error("merge_into", f"no other event has the id {target!r}"))
        elif corr.events.get(target) and corr.events[target].fields.get("merge_into"):
            errors.append(fix.error("merge_into", f"{target!r} is itself merged into another event"))
        else:
            merged[eid] = target
    for target in sorted(set(merged.values())):
        sources = sorted(k for k, v in merged.items() if v == target)
        old = by_id[target]
        # The merged reports add evidence, dates and figures; what the event is stays the target's.
        new = make_event(list(old.reports) + [r for k in sources for r in by_id[k].reports], kb, vocab)
        for attr in (
            "id",
            "type",
            "family",
            "category",
            "label",
            "title",
            "place",
            "participants",
            "holder",
            "contested",
        ):
            setattr(new, attr, getattr(old, attr))
        new.weapons = sorted(set(old.weapons) | set(new.weapons))
        new.merged_from = sorted(set(old.merged_from) | set(sources))
        new.corrected["merge"] = ", ".join(corr.events[k].source("merge_into") for k in sources)
        by_id[target] = new
    for old_id, current in sorted((k, v) for k, v in aliases.items() if k in joined):
        survivor = by_id.get(merged.get(current, current))
        if survivor is not None and old_id not in survivor.merged_from:
            survivor.merged_from = sorted([*survivor.merged_from, old_id])
    for eid, fs in sorted(fixes.items()):
        if eid in merged:
            continue
        for fix in fs:
            _apply(by_id[eid], fix, kb, vocab, errors, parse_date)
    if errors:
        raise BuildErrors(errors)
    alive = [e for e in by_id.values() if e.id not in merged]
    hidden = sorted((e for e in alive if e.hidden), key=lambda e: (e.sort_key(), e.title))
    shown = sorted((e for e in alive if not e.hidden and e.confirmed), key=lambda e: (e.sort_key(), e.title))
    candidates = sorted(
        (e for e in alive if not e.hidden and not e.confirmed), key=lambda e: (e.sort_key(), e.title)
    )
    for e in hidden + candidates:
        e.previous = e.next = None
    link_neighbours(shown)
    return shown, candidates, hidden, merged


def _apply(ev: Event, fix, kb: KB, vocab: Vocabulary, errors: list, parse_date) -> None:
    f = fix.fields
    types = {t.id: t for t in vocab.types}
    ev.reason = f.get("reason", ev.reason)
    if f.get("hidden"):
        ev.hidden = True
        ev.corrected["hidden"] = fix.source("hidden")
    if "confirmed" in f:
        ev.confirmed = bool(f["confirmed"])
        ev.corrected["confirmed"] = fix.source("confirmed")
    if "type" in f:
        t = f["type"]
        if t in TERRITORY_TYPES:
            ev.type, ev.label, ev.category, ev.family = t, TERRITORY_TYPES[t], "Battles", "territory"
        elif t in types and not types[t].territory:
            ev.type, ev.label, ev.category, ev.family = t, types[t].label, types[t].category, types[t].family
        else:
            allowed = sorted(set(TERRITORY_TYPES) | {k for k, v in types.items() if not v.territory})
            errors.append(fix.error("type", f"unknown event type {t!r}; one of: {', '.join(allowed)}"))
            return
        ev.corrected["type"] = fix.source("type")
    for key, kind in (("place", "place"), ("weapons", "weapon")):
        if key not in f:
            continue
        values = f[key] if isinstance(f[key], list) else [f[key]] if f[key] else []
        bad = [v for v in values if v not in kb.entities or kb.entities[v].kind != kind]
        if bad:
            errors.append(fix.error(key, f"no {kind} page has the id {bad[0]!r}"))
            continue
        if key == "place":
            ev.place = values[0] if values else None
        else:
            ev.weapons = values
        ev.corrected[key] = fix.source(key)
    if "participants" in f:
        roles = dict(ev.participants)
        for role, ids in f["participants"].items():
            bad = [v for v in ids if v not in kb.entities]
            if bad:
                errors.append(fix.error("participants", f"no entity page has the id {bad[0]!r}"))
                continue
            if ids:
                roles[role] = list(ids)
            else:
                roles.pop(role, None)
        ev.participants = {r: roles[r] for r in ROLE_ORDER if r in roles}
        if ev.holder and roles.get("agent"):
            ev.holder = roles["agent"][0]
        ev.corrected["participants"] = fix.source("participants")
    if "date" in f:
        ev.earliest, ev.latest, ev.precision = parse_date(f["date"])
        ev.corrected["date"] = fix.source("date")
    if {"type", "place", "participants"} & set(ev.corrected):
        # The derived territorial types title like any territorial vocabulary type.
        et = types.get(ev.type) or next(t for t in vocab.types if t.territory)
        agent = (ev.participants.get("agent") or [None])[0]
        loser = (ev.participants.get("taken from") or ev.participants.get("target") or [None])[0]
        ev.title = title(kb, et, agent, ev.place, loser)
