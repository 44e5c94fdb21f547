"""Make untrusted text inert in Markdown.

Every ASCII punctuation character is backslash-escaped (pymdownx.escapeall makes any escaped
character literal), and < > & " become HTML entities. So article text can never open a tag, a link,
an attribute list, an admonition, emphasis or a snippet line: it always renders as the same text.
"""

from __future__ import annotations

import functools
import re
import string

_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}
_ESCAPED = {**{c: "\\" + c for c in string.punctuation}, **_ENTITIES}
# A large site escapes millions of strings, most with few punctuation marks: a regular expression
# finds them and a dict lookup replaces each (str.translate looked up every character, a third slower).
_MARK = re.compile("[" + re.escape(string.punctuation) + "]")
_SPACE = re.compile(r"\s+")
_UNUSUAL_SPACE = re.compile(r"[^\S ]| {2}")  # what _SPACE would change


def _escaped(m: re.Match) -> str:
    return _ESCAPED[m.group()]


def md_escape(text: str) -> str:
    text = str(text)
    if _UNUSUAL_SPACE.search(text):
        text = _SPACE.sub(" ", text)
    return _MARK.sub(_escaped, text)


def link(label: str, target: str) -> str:
    """A Markdown link whose label is untrusted text and whose target is built by us."""
    return f"[{_label(label)}]({target})"


# Link labels (names, titles, "outlet, date, ¶n") recur on many pages: over half of a large site's
# escaping was theirs. Bounded, as a corpus has hundreds of thousands of distinct labels.
@functools.lru_cache(maxsize=1 << 16)
def _label(label: str) -> str:
    return md_escape(label)
