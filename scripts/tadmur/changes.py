"""The build's change summary for the command line: what changed since the previous build's
knowledge.json, for the contributor who just added or edited an article."""

from __future__ import annotations

import hashlib
import json

SUMMARY_LIST_CAP = 10  # names per line on the command line


def summarize_changes(old: dict | None, new: dict) -> list[str]:
    """Lines describing what changed between two knowledge.json exports.

    Nothing on a first build (old is None: there is nothing to compare with; the build report already
    gives the totals) and nothing when nothing changed.
    """
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    lines: list[str] = []
    old_arts, new_arts = _by_id(old.get("articles")), _by_id(new.get("articles"))
    for aid in sorted(new_arts.keys() - old_arts.keys()):
        lines.append(f"new article: {clean_text(new_arts[aid].get('title'))} ({clean_text(aid)})")
    for aid in sorted(old_arts.keys() & new_arts.keys()):
        o, n = old_arts[aid], new_arts[aid]
        # Only fields both exports have: a field added to the export is not a change to the article.
        if any(o[k] != n[k] for k in sorted(o.keys() & n.keys())):
            lines.append(f"changed article: {clean_text(n.get('title'))} ({clean_text(aid)})")
    for aid in sorted(old_arts.keys() - new_arts.keys()):
        lines.append(f"removed article: {clean_text(old_arts[aid].get('title'))} ({clean_text(aid)})")

    old_ents, new_ents = _by_id(old.get("entities")), _by_id(new.get("entities"))
    lines += _plus_minus(old_ents, new_ents, "name", "entity", "entities")
    old_evs, new_evs = _by_id(old.get("events")), _by_id(new.get("events"))
    lines += _plus_minus(old_evs, new_evs, "title", "event", "events")
    grown = [
        eid
        for eid in sorted(old_evs.keys() & new_evs.keys())
        if len(_list(new_evs[eid].get("sources"))) > len(_list(old_evs[eid].get("sources")))
    ]
    if grown:
        names = sorted((clean_text(new_evs[eid].get("title")) for eid in grown), key=str.lower)
        lines.append(f"more reports on {counted(len(grown), 'event', 'events')}: {_capped(names)}")

    n_old, n_new = _mention_count(old), _mention_count(new)
    if n_old != n_new:
        lines.append(f"mentions: {n_old} -> {n_new} ({n_new - n_old:+d})")
    return lines


def slim_record(section: str, record):
    """What the summary and the event ids need of one record of knowledge.json: an article's paragraphs
    become their digest (they are compared, never read), so the last build's export stays small."""
    if section == "articles" and isinstance(record, dict) and "paragraphs" in record:
        text = json.dumps(record["paragraphs"], ensure_ascii=False, sort_keys=True)
        record = {**record, "paragraphs": hashlib.sha1(text.encode()).hexdigest()}
    return record


def slim(export: dict) -> dict:
    """An export as the summary compares it (see slim_record); its mentions only counted."""
    mentions = export.get("mentions")
    out = {k: [slim_record(k, r) for r in v] if isinstance(v, list) else v for k, v in export.items()}
    out.pop("mentions", None)
    out["mention_count"] = _count(mentions)
    return out


def _count(value) -> int:
    """A list's length, or export.Mentions' (it makes its records as they are read: counted without a
    pass over them); 0 for anything else."""
    return 0 if isinstance(value, str | dict) or not hasattr(value, "__len__") else len(value)


def _mention_count(export: dict) -> int:
    if isinstance(export.get("mention_count"), int):
        return export["mention_count"]
    return len(_list(export.get("mentions")))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _by_id(items) -> dict[str, dict]:
    """Records by id; anything malformed (a hand-edited or older export) is skipped, never fatal."""
    return {x["id"]: x for x in _list(items) if isinstance(x, dict) and isinstance(x.get("id"), str)}


def clean_text(value) -> str:
    """Article-derived text made safe for a terminal: no control or format characters."""
    text = "".join(c if c.isprintable() else " " for c in str(value))
    return " ".join(text.split())


def counted(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _capped(names: list[str], cap: int = SUMMARY_LIST_CAP) -> str:
    shown = ", ".join(names[:cap])
    return f"{shown} and {len(names) - cap} more" if len(names) > cap else shown


def _plus_minus(old: dict, new: dict, label: str, singular: str, plural: str) -> list[str]:
    out = []
    for sign, ids, records in (("+", new.keys() - old.keys(), new), ("-", old.keys() - new.keys(), old)):
        if ids:
            names = sorted((clean_text(records[i].get(label, i)) for i in ids), key=lambda s: (s.lower(), s))
            out.append(f"{sign}{counted(len(ids), singular, plural)}: {_capped(names)}")
    return out
