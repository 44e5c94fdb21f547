"""Placeholder: `tadmur promote` (being written)."""

from __future__ import annotations


def register(sub) -> None:
    pass
