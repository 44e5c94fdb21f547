"""Helpers every emitter shares: links, dates, paging, the page sizes, the Jinja environment and what the
pages say about events. Nothing here knows the knowledge base; see context.py for what does."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import html
import json
import posixpath
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..mdtext import link, md_escape
from ..paths import relpath

KIND_TITLES = {"actor": "Actors", "weapon": "Weapons", "place": "Places"}
KIND_SINGULAR = {"actor": "Actor", "weapon": "Weapon", "place": "Place"}
ROLE_LABELS = {
    "body": "",
    "caption": "Photo caption",
    "embed": "Embedded post",
    "headline": "Headline from another outlet, listed on the page",
    "comment": "Reader's comment, not the outlet's words",
}


@dataclass(frozen=True)
class Limits:
    """Where long lists stop, so that no page grows with the corpus; the rest go to numbered pages."""

    mention_articles: int = 40  # articles whose quotes an entity page (or its mentions-<n> page) shows
    list_limit: int = 100  # events, articles published, pages linking here
    index_rows: int = 500  # rows of an index page (entities of a kind, sources, the review queue)
    event_rows: int = 200  # events per page after the entity page
    # A timeline with more events than this is split: an index of years, a page per year, and a page per
    # month for a year that alone has more.
    page_events: int = 300


# Read when a build starts (build_context), so a test can replace it with smaller pages.
LIMITS = Limits()


def rel(src: str, dst: str, anchor: str | None = None) -> str:
    """Relative link from one docs/ file to another, as MkDocs resolves and validates it."""
    path = relpath(dst, posixpath.dirname(src) or ".")
    return f"{path}#{anchor}" if anchor else path


# A large site formats the same few thousand dates hundreds of thousands of times; strftime is slow.
@functools.cache
def fmt_date(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


@functools.cache
def fmt_span(earliest: dt.date | None, latest: dt.date | None, precision: str) -> str:
    """A date as precise as the sources make it: 11 Dec 2016, 10–11 Dec 2016, May 2015, 2014."""
    if earliest is None:
        return f"date not given; reported {fmt_date(latest)}" if latest else "date not given"
    if precision == "day" or earliest == latest:
        return fmt_date(earliest)
    if precision == "week":
        if earliest.month == latest.month:
            return f"{earliest.day}–{latest.day} {latest.strftime('%b')} {latest.year}"
        return f"{fmt_date(earliest)} – {fmt_date(latest)}"
    if precision == "month" and (earliest.year, earliest.month) == (latest.year, latest.month):
        return earliest.strftime("%B %Y")
    if earliest.year == latest.year and (earliest.month, latest.month, latest.day) == (1, 12, 31):
        return str(earliest.year)
    if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31):
        return f"{earliest.year}–{latest.year}"
    # A window the sources leave open: "some June between the two" is June 2015 – June 2016.
    return f"{earliest.strftime('%b %Y')} – {latest.strftime('%b %Y')}"


def safe_url(u: str) -> str:
    """An external URL made safe as a Markdown link target (no spaces, brackets or quotes)."""
    return urllib.parse.quote(u, safe=":/?#@!$&*+,;=%-._~")


def yaml_str(s: str) -> str:
    """A front matter scalar: HTML-escaped (the theme prints titles and descriptions as raw HTML into
    <title>, the header and <meta> attributes), then JSON-quoted, which is valid YAML."""
    return json.dumps(html.escape(" ".join(str(s).split()), quote=True), ensure_ascii=False)


def front_title(s: str) -> str:
    """The title a page gets from `s` as front matter shows it, unescaped (what a redirect names)."""
    return html.unescape(json.loads(yaml_str(s)))


_DICT_ATTRS = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, with `row.link` on a plain dict looked up as a key at once. Jinja tries the
    attribute first and catches the AttributeError: on a large site that was about 8 % of the render,
    as the emitters hand the templates dicts. A name that is an attribute of dict (`items`) still
    means the attribute, as in Jinja."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRS:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_env(templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The templates' environment; with `compiled`, a folder where Jinja keeps each template compiled
    (checked against the template's source, so an edit is compiled again), saving every build the
    compiling of every template."""
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
        autoescape=False,  # output is Markdown; untrusted text is escaped explicitly with |md
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # One environment per build, so a template edited since the last build is read anew; within a
        # build, checking every template's mtime on each of 100,000 pages cost 2-3 % of the render.
        auto_reload=False,
    )
    env.filters["md"] = md_escape
    env.filters["yaml"] = yaml_str
    env.filters["date"] = fmt_date
    env.filters["url"] = safe_url
    return env


def render_template(env: jinja2.Environment, template: str, **values) -> str:
    text = env.get_template(template).render(**values)
    return text.rstrip("\n") + "\n"


# ---- long lists -------------------------------------------------------------------------------------


def paged(first: str, folder: str, rows: list, per: int):
    """Pages of a long list: (path, pager, rows of that page), the first at `first`, the others at
    folder/<n>.md. `pager` is [(n, link from that page, is it this page)]."""
    paths = [first] + [f"{folder}/{n}.md" for n in range(2, -(-len(rows) // per) + 1)]
    for i, path in enumerate(paths):
        pager = [(n + 1, rel(path, p), p == path) for n, p in enumerate(paths)]
        yield path, pager, rows[i * per : (i + 1) * per]


def page_no(pager: list[tuple[int, str, bool]]) -> int:
    return next(n for n, _, here in pager if here)


# ---- events, as every page that lists them shows them -------------------------------------------------


def entities_of(ev) -> list[str]:
    """The entities an event involves: participants, weapons, then its place."""
    ids = [eid for names in ev.participants.values() for eid in names] + list(ev.weapons)
    if ev.place:
        ids.append(ev.place)
    return list(dict.fromkeys(ids))


def event_date(ev) -> str:
    text = fmt_span(ev.earliest, ev.latest, ev.precision)
    first = ev.claims[0] if ev.claims else None
    since = first and first["relation"] == "since"
    if since and (first["earliest"], first["latest"]) == (ev.earliest, ev.latest):
        text = "since " + text
    return text


def event_link(src: str, ev) -> str:
    return link(ev.title, rel(src, ev.doc_path))


def event_row(src: str, ev) -> dict:
    return {"date": event_date(ev), "link": event_link(src, ev), "label": ev.label}


# ---- search names ----------------------------------------------------------------------------------------


def name_word(name: str) -> str:
    """A name as one Pagefind word: lowercase ASCII letters and digits, accents dropped, spaces and
    punctuation removed ("BGM-71 TOW" -> "bgm71tow")."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_.lower())


def search_names(names: dict[str, list[str]]) -> dict[str, str]:
    """Entity id -> its names (canonical name and aliases) as Pagefind words, space-separated.

    Written on the entity page as Pagefind metadata `names`, which the search box weighs far above the
    text (docs/assets/tadmur.js): a query that is exactly a name puts that name's page first. Pagefind
    matches a query word against the start of a word, so a word that starts with another entity's name
    is left out ("palmyraromantheatre" would match "Palmyra"): the page still has that alias in its
    text, with a high weight.
    """
    words = {eid: list(dict.fromkeys(w for w in map(name_word, ns) if w)) for eid, ns in names.items()}
    owner: dict[str, set[str]] = {}
    for eid, ws in words.items():
        for w in ws:
            owner.setdefault(w, set()).add(eid)
    ordered = sorted(owner)
    out: dict[str, str] = {}
    for eid, ws in words.items():
        kept = []
        for w in ws:
            # Another entity's word that is a proper prefix of w, or the same word owned by others too.
            shadowed = any(
                o != w and w.startswith(o) and owner[o] - {eid} for o in _prefixes(w, ordered)
            ) or owner[w] - {eid}
            if not shadowed:
                kept.append(w)
        out[eid] = " ".join(kept)
    return out


def _prefixes(word: str, ordered: list[str]) -> list[str]:
    """The words of `ordered` (sorted) that are prefixes of `word`."""
    found = []
    for n in range(1, len(word) + 1):
        p = word[:n]
        i = bisect.bisect_left(ordered, p)
        if i < len(ordered) and ordered[i] == p:
            found.append(p)
    return found
