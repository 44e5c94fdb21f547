"""Page keys (emit/keys.py) and the records they digest: equal inputs give equal keys in every build,
whatever objects hold them; any change to an input gives another key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from types import SimpleNamespace

import pytest
from tadmur.emit.keys import Keys
from tadmur.events.model import Event, Report
from tadmur.plainrepr import plain_repr

pytestmark = pytest.mark.unit


def bare_keys() -> Keys:
    """Keys over no build: only `key` is used, which reads nothing but the base digest."""
    keys = Keys.__new__(Keys)
    keys.base = b"base"
    return keys


def test_equal_parts_give_equal_keys_however_the_strings_were_made() -> None:
    k = bare_keys()
    made = "".join(["pal", "myra"])  # a new string object, never interned
    interned = sys.intern("palmyra")
    assert made is not interned
    shared = [(interned, b"\x01"), (interned, b"\x02")]  # one object twice
    separate = [(made, b"\x01"), ("".join(["palm", "yra"]), b"\x02")]
    assert k.key("entity", shared, 3) == k.key("entity", separate, 3)


def test_any_change_of_a_part_changes_the_key() -> None:
    k = bare_keys()
    base = k.key("event", ["a", 1, None, (b"x",)])
    others = [
        k.key("event", ["a", 2, None, (b"x",)]),
        k.key("event", ["a", 1, "", (b"x",)]),
        k.key("event", ["a", 1, None, [b"x"]]),  # a list is not a tuple
        k.key("event", ["a", 1, None, (b"y",)]),
        k.key("event", ["a", True, None, (b"x",)]),  # True is not 1
        k.key("source", ["a", 1, None, (b"x",)]),
    ]
    assert len({base, *others}) == len(others) + 1


def test_parts_marshal_cannot_write_are_keyed_by_their_repr() -> None:
    k = bare_keys()
    day = dt.date(2016, 3, 27)
    assert k.key("entity", day) == k.key("entity", dt.date(2016, 3, 27))
    assert k.key("entity", day) != k.key("entity", dt.date(2016, 3, 28))
    assert k.key("entity", SimpleNamespace(a=1)) != k.key("entity", SimpleNamespace(a=2))


def test_plain_repr_is_the_dataclass_repr() -> None:
    @dataclasses.dataclass
    class Guarded:
        name: str
        items: list

    @plain_repr
    @dataclasses.dataclass
    class Plain:
        name: str
        items: list

    assert repr(Plain("x", [1, "two"])) == repr(Guarded("x", [1, "two"])).replace("Guarded", "Plain")
    # the build's own records: the generated repr, without the recursion guard around it
    for cls in (Event, Report):
        assert not hasattr(cls.__repr__, "__wrapped__")
        assert cls.__repr__.__qualname__.endswith("__repr__")
