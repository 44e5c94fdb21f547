"""The names metadata Pagefind ranks entity pages by: one word per name, none that begins with another
entity's name or is shared with another entity."""

from __future__ import annotations

from tadmur.render import name_word, search_names


def test_name_words_are_plain_lowercase_ascii():
    assert name_word("BGM-71 TOW") == "bgm71tow"
    assert name_word("Palmüra") == "palmura"
    assert name_word("Pal'mira") == "palmira"
    assert name_word("تدمر") == ""


def test_a_name_that_begins_with_another_entitys_name_is_left_out():
    names = search_names({
        "palmyra": ["Palmyra", "Tadmur"],
        "theatre": ["Roman amphitheater of Palmyra", "Palmyra Roman theatre"],
        "is": ["Islamic State", "IS", "Daesh"],
        "isf": ["Iraqi Security Forces", "ISF"],
        "dup1": ["Twin", "Shared"],
        "dup2": ["Twin two", "Shared"],
    })
    assert names["palmyra"] == "palmyra tadmur"
    assert names["theatre"] == "romanamphitheaterofpalmyra"  # "palmyraromantheatre" would answer "Palmyra"
    assert names["is"] == "islamicstate is daesh"
    assert names["isf"] == "iraqisecurityforces"  # "isf" begins with "is"
    assert names["dup1"] == "twin" and names["dup2"] == ""  # "twintwo" begins with "twin"; "shared" is both
