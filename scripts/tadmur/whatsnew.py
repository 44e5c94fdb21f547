"""Placeholder: the What's new page and the build's change summary (being written)."""

from __future__ import annotations


def summarize_changes(old: dict | None, new: dict) -> list[str]:
    """Lines describing what changed between two knowledge.json exports (old is None on a first build)."""
    return []
