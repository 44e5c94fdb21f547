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


def test_templates_read_a_dicts_keys_as_jinja_does(tmp_path):
    """make_env looks a plain dict's key up first (faster); what a template means must not change."""
    import jinja2
    from tadmur.emit.common import make_env

    source = (
        "{{ d.link }}|{{ d['items'] }}|{{ d.items() | list | length }}|{{ d.get('link') }}|"
        "{{ n.link }}|{% for k, v in d.items() %}{{ k }}{% endfor %}"
    )
    (tmp_path / "t.j2").write_text(source, encoding="utf-8")
    ours = make_env(tmp_path).get_template("t.j2")
    loader = jinja2.FileSystemLoader(str(tmp_path))
    stock = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined)
    values = {"d": {"link": "[a](a.md)", "items": [1, 2]}, "n": SimpleNamespace(link="x")}
    assert ours.render(**values) == stock.get_template("t.j2").render(**values) == (
        "[a](a.md)|[1, 2]|2|[a](a.md)|x|linkitems"
    )
    (tmp_path / "missing.j2").write_text("{{ d.nothing }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError, match="nothing"):
        make_env(tmp_path).get_template("missing.j2").render(d={"link": 1})
