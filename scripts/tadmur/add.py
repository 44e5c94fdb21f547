"""Placeholder: `tadmur add` (being written)."""

from __future__ import annotations


def register(sub) -> None:
    pass
