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
