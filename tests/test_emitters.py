"""The render stage's registry: pages are made only when asked, and two pages at one path stop the build
(a redirect gives way to any other page)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from tadmur.emit import EMITTERS, Page, collect
from tadmur.errors import BuildError

pytestmark = pytest.mark.unit


def emitter(*pages):
    return SimpleNamespace(emit=lambda ctx: iter(pages))


def never() -> str:
    raise AssertionError("rendered while collecting")


def test_collect_renders_nothing_and_keeps_every_page():
    pages = collect(None, [emitter(Page("a.md", "", never)), emitter(Page("b.md", "x", never))])
    assert list(pages) == ["a.md", "b.md"]


def test_two_pages_at_one_path_name_the_second_origin():
    with pytest.raises(BuildError, match=r"docs/a\.md is already another page; choose another id") as err:
        collect(None, [emitter(Page("a.md", "", never)), emitter(Page("a.md", "seeds/a.md", never))])
    assert "seeds/a.md" in str(err.value)


def test_a_redirect_gives_way_to_a_page():
    page = Page("a.md", "", lambda: "page")
    moved = Page("a.md", "", lambda: "moved", fallback=True)
    assert collect(None, [emitter(page), emitter(moved)])["a.md"] is page
    assert collect(None, [emitter(moved), emitter(page)])["a.md"] is page


def test_every_emitter_has_the_same_interface():
    assert EMITTERS and all(callable(getattr(m, "emit", None)) for m in EMITTERS)
    assert EMITTERS[-1].__name__.endswith(".redirects")  # last: it gives way to every other page


def test_links_between_pages_are_the_relative_paths_mkdocs_resolves():
    """`rel` (paths.relpath) works most links out directly; every answer must be posixpath.relpath's,
    for pages at the top of docs/, in a folder or deeper, to targets anywhere (odd names included)."""
    import posixpath
    import random

    from tadmur.emit.common import rel

    rng = random.Random(3)
    parts = ["actors", "places", "events", "review", "names", "a.b", "x", "index.md", "p.md", ".", "..", ""]
    for _ in range(20000):
        src = "/".join(rng.choice(parts[:9]) for _ in range(rng.randrange(1, 4)))
        dst = "/".join(rng.choice(parts) for _ in range(rng.randrange(1, 4)))
        if not dst.strip("/.") or dst.startswith("/"):
            continue
        expected = posixpath.relpath(dst, posixpath.dirname(src) or ".")
        assert rel(src, dst) == expected, (src, dst)
        assert rel(src, dst, "p2") == expected + "#p2"
