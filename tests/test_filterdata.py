"""The timeline filter's data files (scripts/tadmur/filterdata.py) on small inputs made here: names from
articles stay plain data, every file stays under docs/data/, output is byte-stable, big files split."""

from __future__ import annotations

import json
import posixpath
import re

import pytest
from tadmur.filterdata import FILTERS, Row, data_files, dumps, entity_path
from tadmur.writer import write_tree

pytestmark = pytest.mark.unit

HOSTILE = [
    '<script>alert("x")</script>',
    "[click](javascript:alert(1)) & 'quotes' \"too\"",
    "</script><img src=x onerror=alert(1)>",
    "line\nbreak\u2028sep ِعربي",
]
ENTITIES = [
    ("actor", "bad-actor", HOSTILE[0]),
    ("place", "bad-place", HOSTILE[1]),
    ("weapon", "bad-weapon", HOSTILE[2]),
    ("actor", "quiet", "Nobody"),  # no events: not in the menus, no file
]


def _row(event: str, year: str = "2016", month: str = "March 2016", part: str = "2016-03", **kw) -> Row:
    fields = {
        "event": event,
        "date": "11 Dec 2016",
        "title": HOSTILE[3],
        "label": HOSTILE[1],
        "year": year,
        "month": month,
        "part": part,
        "names": ("bad-actor", "bad-place", "bad-weapon", "not-an-entity"),
        "flags": 0,
    }
    return Row(**{**fields, **kw})


def test_hostile_text_stays_data_and_files_stay_under_docs_data(tmp_path):
    files = data_files(ENTITIES, [_row("ev-1", flags=3), _row("ev-2", year="Undated", part="undated")])
    assert set(files) == {
        FILTERS,
        "data/timeline/actor/bad-actor.json",
        "data/timeline/place/bad-place.json",
        "data/timeline/weapon/bad-weapon.json",
    }
    for path in files:
        assert posixpath.normpath(path) == path and re.fullmatch(r"data/[a-z0-9/-]+\.json", path), path
    menus = json.loads(files[FILTERS])
    assert menus == {
        "actor": [["bad-actor", HOSTILE[0], 2]],
        "place": [["bad-place", HOSTILE[1], 2]],
        "weapon": [["bad-weapon", HOSTILE[2], 2]],
    }
    data = json.loads(files["data/timeline/actor/bad-actor.json"])
    assert data["count"] == 2
    (y1, m1, rows1), (y2, m2, rows2) = data["groups"]
    assert (y1, m1, y2, m2) == ("2016", "March 2016", "Undated", "March 2016")
    # Text comes back exactly as given (nothing escaped into markup); unknown names are dropped.
    named = ["bad-actor", "bad-place", "bad-weapon"]
    assert rows1 == [["ev-1", "11 Dec 2016", HOSTILE[3], HOSTILE[1], named, 3]]
    assert rows2[0][0] == "ev-2"
    docs = tmp_path / "docs"
    write_tree(docs, files)
    written = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.json"))
    assert written == sorted(files)


@pytest.mark.parametrize(
    ("entities", "rows"),
    [
        ([("actor", "../../etc", "x")], []),
        ([("actor", "a/b", "x")], []),
        ([("actor", "Upper", "x")], []),
        ([("actor", "ok\n", "x")], []),
        ([("../actor", "ok", "x")], []),
        ([("actor", "ok", "x")], [_row("../ev", names=("ok",))]),
        ([("actor", "ok", "x")], [_row("ev", part="../2016", names=("ok",))]),
    ],
)
def test_ids_that_are_not_slugs_are_refused(entities, rows):
    with pytest.raises(ValueError):
        data_files(entities, rows)


def test_entity_path_only_makes_paths_from_slugs():
    assert entity_path("place", "palmyra") == "data/timeline/place/palmyra.json"
    assert entity_path("place", "palmyra", "2016-03") == "data/timeline/place/palmyra/2016-03.json"
    with pytest.raises(ValueError):
        entity_path("place", "palmyra", "..")


def test_output_is_deterministic_compact_and_utf8():
    rows = [_row(f"ev-{i}") for i in range(3)]
    a = data_files(ENTITIES, rows)
    b = data_files(list(reversed(ENTITIES)), rows)
    assert a == b
    assert dumps({"b": 1, "a": "é"}) == '{"a":"é","b":1}\n'
    text = a["data/timeline/actor/bad-actor.json"]
    assert "ِعربي" in text and "\u2028" in text  # raw UTF-8, not \u escapes
    assert text == dumps(json.loads(text))  # compact separators, sorted keys: one way to write it


def test_menus_are_sorted_by_name_then_id():
    ents = [("actor", "b", "beta"), ("actor", "a2", "Alpha"), ("actor", "a1", "alpha")]
    files = data_files(ents, [_row("e", names=("b", "a2", "a1"))])
    assert [m[0] for m in json.loads(files[FILTERS])["actor"]] == ["a1", "a2", "b"]


def test_a_big_file_is_split_by_year_then_month():
    rows = [_row(f"ev-{y}-{i}", year=str(y), month=f"March {y}", part=f"{y}-03") for y in (2015, 2016)
            for i in range(20)]
    rows += [_row(f"ev-2016-apr-{i}", year="2016", month="April 2016", part="2016-04") for i in range(20)]
    whole = json.loads(data_files(ENTITIES, rows)["data/timeline/actor/bad-actor.json"])
    year_2015 = len(dumps({"groups": whole["groups"][:1]}).encode("utf-8"))
    files = data_files(ENTITIES, rows, limit=year_2015 + 10)  # 2015 fits, 2016 (twice as many) does not
    index = json.loads(files["data/timeline/actor/bad-actor.json"])
    assert index == {"count": 60, "parts": ["2015", "2016-03", "2016-04"]}
    groups = []
    for part in index["parts"]:
        text = files[f"data/timeline/actor/bad-actor/{part}.json"]
        groups += json.loads(text)["groups"]
    assert groups == whole["groups"]
