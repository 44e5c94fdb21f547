"""Length-preserving text keys, so that a match found in the key is at the same offsets in the text."""

from __future__ import annotations

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_QUOTES = "\u2018\u2019\u02bc\u0060\u00b4"
_TABLE = {ord(c): " " for c in _DASHES} | {ord(c): "'" for c in _QUOTES}


def fold(text: str) -> str:
    """Hyphens become spaces, curly apostrophes straight; same length as the input."""
    return text.translate(_TABLE)


def lower_key(text: str) -> str:
    """fold() and lowercase, one character for one character (unlike str.lower on some letters)."""
    folded = fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):  # the common case; only a few letters (İ) grow when lowercased
        return lowered
    return "".join(lc if len(lc := c.lower()) == 1 else c for c in folded)


def alias_key(alias: str) -> str:
    return lower_key(" ".join(alias.split()))


_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def plain(text: str) -> str:
    """A title or name without bidirectional controls (an override can make a title read backwards,
    or hide text), trimmed. Other characters stay as written: they are escaped where shown."""
    return text.translate(_BIDI).strip()
