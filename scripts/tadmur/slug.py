"""URL slugs that can only ever name a file inside its own folder of docs/."""

from __future__ import annotations

import hashlib
import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")  # \Z: "$" would let a final newline through
RESERVED = frozenset({"index"})  # each section's own page: no entity, article or event may take it


def slugify(name: str, max_len: int = 60) -> str:
    """ASCII letters, digits and single hyphens; never empty, never '.' or '/'."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:max_len].strip("-")
    if not slug:
        slug = "name-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    if slug in RESERVED:
        slug += "-name"  # "the town of Index" must not replace the Places index
    assert SLUG_RE.match(slug)
    return slug
