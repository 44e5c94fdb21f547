"""Make untrusted text inert in Markdown.

Every ASCII punctuation character is backslash-escaped (pymdownx.escapeall makes any escaped
character literal), and < > & " become HTML entities. So article text can never open a tag, a link,
an attribute list, an admonition, emphasis or a snippet line: it always renders as the same text.
"""

from __future__ import annotations

import re
import string

_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}
_PUNCT = set(string.punctuation) - set(_ENTITIES)
# One table for str.translate (a large site escapes millions of characters).
_TABLE = str.maketrans({**{c: "\\" + c for c in _PUNCT}, **_ENTITIES})
_SPACE = re.compile(r"\s+")


def md_escape(text: str) -> str:
    return _SPACE.sub(" ", str(text)).translate(_TABLE)


def link(label: str, target: str) -> str:
    """A Markdown link whose label is untrusted text and whose target is built by us."""
    return f"[{md_escape(label)}]({target})"
