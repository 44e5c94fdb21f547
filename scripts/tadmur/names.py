"""Person names: the given-name list, and the key under which spellings of one name are the same.

When do two spellings merge? When `translit_key` gives them the same key. The key undoes only the
differences that English transliterations of Arabic and Russian names are known to make, and keeps
every consonant, so that different names stay apart (Hassan / Hussein, Omar / Amer):

- case, accents, hyphens, apostrophes and spaces are ignored ("Abdel Rahman" = "Abdel-Rahman");
- the Arabic article is ignored, in any spelling, glued or not ("al-Asaad" = "Asaad"; "Abdurrahman",
  "Abdulrahman" and "Abdel Rahman" = "Abd Rahman");
- a doubled letter counts once ("Asaad" = "Asad", "Abdurrahman" = "Abdurahman");
- "ou" and "oo" read "u", "ee" reads "i", "iy" and a final "y" read "i" ("Gergiyev" = "Gergiev",
  "Valery" = "Valeri", "Mamoun" = "Mamun");
- "e", "o" and "a" between two consonants count as one vowel ("Mohammed" = "Mohammad").

Names that differ in other vowels stay apart, because some different names differ only there (Hasan and
Husayn): "Khaled" and "Khalid" are two pages until a contributor adds one as the other's alias.

Tested in tests/test_names.py; the README ("Names the catalog lacks") says the same.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from .errors import BuildError
from .yamlio import read_text_utf8

_ARTICLE = r"(?:a|e|u)?[lrnsdtz]{0,2}"  # al, el, ul, ar, ur, an, as, ash...: the article, assimilated or not
_ARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ud", "ur", "ed", "es"})


def read_given_names(path: Path) -> frozenset[str]:
    """One name per line; lines starting with '#' are comments."""
    if not path.exists():
        raise BuildError(path, None, "the given-name list is missing: regenerate it (`tadmur given-names`)")
    names = set()
    for n, line in enumerate(read_text_utf8(path).splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not re.fullmatch(r"[^\W\d_][^\W\d_'’-]*", line):
            raise BuildError(path, n, f"{line!r} is not a single given name")
        names.add(line)
    return frozenset(names)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)  # the same words recur across a corpus
def translit_key(name: str) -> str:
    """The key under which two spellings of one person's (or place's) name are the same."""
    words = re.findall(r"[a-z]+", _ascii(name).lower().replace("’", "'").replace("'", ""))
    out = []
    for w in words:
        if w in _ARTICLES:
            continue  # a free-standing article
        if w in ("abd", "abdu", "abdul", "abdel", "abdal", "abdil", "abdol"):
            w = "abd"  # "Abdel Rahman": the article belongs to the next word
        else:
            w = re.sub(r"^abd" + _ARTICLE + "(?=[^aeiou])", "abd", w)  # Abdul-, Abdel-, Abdur-: Abd
        out.append(re.sub(r"y$", "i", w))
    key = "".join(out)
    key = key.replace("ou", "u").replace("oo", "u").replace("ee", "i").replace("iy", "i")
    key = re.sub(r"(?<=[bcdfghjklmnpqrstvwxz])e(?=[bcdfghjklmnpqrstvwxz])", "a", key)
    key = re.sub(r"(?<=[bcdfghjklmnpqrstvwxz])o(?=[bcdfghjklmnpqrstvwxz])", "a", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key
