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


def md_escape(text: str) -> str:
    out = []
    for c in re.sub(r"\s+", " ", str(text)):
        if c in _ENTITIES:
            out.append(_ENTITIES[c])
        elif c in _PUNCT:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def link(label: str, target: str) -> str:
    """A Markdown link whose label is untrusted text and whose target is built by us."""
    return f"[{md_escape(label)}]({target})"
