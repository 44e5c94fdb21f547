"""Ingest: normalisation, paragraph roles and repeated-paragraph removal, on made-up and real articles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import ROOT
from tadmur.ingest import SCANNED_ROLES, Document, ingest, load_rules, normalise
from tadmur.seeds import Article, load_seeds

RULES = load_rules(ROOT / "data" / "rules" / "ingest.yml")

INTRO = "The first paragraph of the report says that fighting went on near the city for a week."


def article(body: str, title: str = "A headline nobody repeats in the body") -> Article:
    return Article(
        id="test-article", title=title, outlet="Test Outlet", author=None, published=dt.date(2016, 12, 13),
        published_certainty="exact", published_note=None, url=None, language="en", note=None,
        path="seeds/test-article.md", body=body, body_line=10,
    )


def run(*lines: str, sep: str = "\n") -> Document:
    return ingest(article(sep.join(lines)), RULES)


def key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def para_with(doc: Document, needle: str):
    found = [p for p in doc.paragraphs if needle in p.text]
    assert len(found) == 1, [(p.role, p.text) for p in doc.paragraphs]
    return found[0]


# ---- normalisation -----------------------------------------------------------------------------------

def test_nbsp_becomes_a_plain_space():
    doc = run(INTRO, "Fighters entered\u00a0Palmyra\u00a0\u00a0on Sunday.")
    assert doc.paragraphs[1].text == "Fighters entered Palmyra on Sunday."


def test_zero_width_characters_are_removed():
    doc = run(INTRO, "Fighters entered Pal\u200bmy\u200dra\u2060 on Sun\ufeffday.")
    assert doc.paragraphs[1].text == "Fighters entered Palmyra on Sunday."


def test_html_entities_are_decoded():
    doc = run(INTRO, "Tanks &amp; artillery were seized, said the &quot;ministry&quot;.")
    assert doc.paragraphs[1].text == 'Tanks & artillery were seized, said the "ministry".'
    assert normalise("Tom &amp; Jerry") == "Tom & Jerry"


def test_crlf_and_cr_line_ends_split_paragraphs_and_leave_no_carriage_return():
    doc = run(INTRO, "Second paragraph about the war.", "Third paragraph about the war.", sep="\r\n")
    assert [p.text for p in doc.paragraphs] == [INTRO, "Second paragraph about the war.",
                                                "Third paragraph about the war."]
    assert "\r" not in normalise("a\r\nb\rc")
    assert normalise("a\r\nb\rc") == "a\nb\nc"


def test_paragraph_numbers_and_seed_lines():
    doc = run(INTRO, "", "Second paragraph about the war.")
    assert [p.n for p in doc.paragraphs] == [1, 2]
    # body_line is 10: the blank line in between still counts as a line of the seed file.
    assert [p.line for p in doc.paragraphs] == [10, 12]
    assert all(p.sentences for p in doc.paragraphs)


# ---- repeated paragraphs -----------------------------------------------------------------------------

PARTS = [
    "The Islamic State seized a large number of tanks and armoured vehicles when it took the city again.",
    "A defence official said the United States was watching the captured equipment very closely indeed.",
    "Images posted on Tuesday showed fighters near the air base west of the city, a monitor reported.",
    "Russian troops had left the base in a hurry, leaving food on the tables of the mess hall behind.",
]


def test_a_paragraph_repeated_twice_is_kept_once():
    doc = run(INTRO, PARTS[0], PARTS[1], PARTS[0])
    texts = [p.text for p in doc.paragraphs]
    assert texts == [INTRO, PARTS[0], PARTS[1]]
    assert doc.dropped.get("repeated paragraph") == 1
    assert [p.n for p in doc.paragraphs] == [1, 2, 3]


def test_a_run_on_paragraph_is_dropped_and_its_parts_kept():
    runon = " ".join(PARTS)
    doc = run(runon, *PARTS)
    texts = [p.text for p in doc.paragraphs]
    assert texts == PARTS
    assert all(p.role == "body" for p in doc.paragraphs)
    assert doc.dropped.get("run-on repeat") == 1
    assert "repeated paragraph" not in doc.dropped


def test_a_long_paragraph_that_is_not_a_run_on_is_kept():
    # Only one of its sentences is another paragraph: most of it is new text, so it stays.
    more = "It also showed a video of the capture, with commentary in four languages. "
    long_para = PARTS[0] + " " + more * 3
    doc = run(INTRO, long_para.strip(), PARTS[0])
    assert long_para.strip() in [p.text for p in doc.paragraphs]


# ---- roles -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "NOW WATCH: Turkey's latest plan to drain money from the group is working",
    "SEE ALSO: Here's what upcoming military operations will probably look like",
    "Join the conversation about this story »",
    "2 min read",
    "Missy Ryan in Washington and Liz Sly in Beirut contributed to this report.",
    "Jane Roe and John Doe contributed to this report.",
])
def test_furniture_lines(line):
    doc = run(INTRO, "Fighters entered the city on Sunday, a monitor said.", line)
    p = para_with(doc, line)
    assert p.role == "furniture"
    assert p.role not in SCANNED_ROLES
    assert p not in doc.scanned()
    assert doc.paragraphs[1].role == "body"


def test_caption_loses_its_photo_credit():
    line = ("Russian soldiers stand on a road as smoke rises from a detonation inside Palmyra, Syria, "
            "in April. (Hassan Ammar/Associated Press)")
    doc = run(INTRO, line)
    p = doc.paragraphs[1]
    assert p.role == "caption"
    assert p.text == ("Russian soldiers stand on a road as smoke rises from a detonation inside Palmyra, "
                      "Syria, in April.")
    assert "Hassan Ammar" not in p.text and "Associated Press" not in p.text


def test_tweet_is_an_embed_attributed_to_the_account():
    line = ("Islamic State just captured the S-125 site north of T4 airbase https://t.co/g9Q9MzUU2w "
            "pic.twitter.com/QVoXFNRjgo — Oryx (@oryxspioenkop) December 13, 2016")
    doc = run(INTRO, line)
    p = doc.paragraphs[1]
    assert p.role == "embed"
    assert p.author == "@oryxspioenkop"


def test_other_outlets_headlines_are_attributed_to_the_outlet():
    doc = run(
        INTRO,
        "Syrian army says it has recaptured Palmyra from Islamic State -- Reuters",
        "Syrian army re-enters town of Palmyra as IS defenses crumble -- Washington Post/AP",
    )
    roles = [(p.role, p.author) for p in doc.paragraphs[1:]]
    assert roles == [("headline", "Reuters"), ("headline", "Washington Post/AP")]
    assert doc.paragraphs[0].role == "body" and doc.paragraphs[0].author is None


def test_comments_start_at_name_said_and_are_attributed():
    doc = run(
        INTRO,
        "The army said it had taken the citadel.",
        "Sean Austin said...",
        "I wasn't even aware that the city was lost again.",
        "Good to see some cooperation.",
        "László Mikó said...",
        "The town itself is not in rubble.",
    )
    roles = [(p.role, p.author) for p in doc.paragraphs]
    assert roles == [
        ("body", None),
        ("body", None),  # "said" inside a sentence is not a comment header
        ("furniture", None),
        ("comment", "Sean Austin"),
        ("comment", "Sean Austin"),
        ("furniture", None),
        ("comment", "László Mikó"),
    ]


def test_title_line_at_the_top_is_dropped():
    doc = ingest(article("Palmyra’s fall a coup\n" + INTRO, title="Palmyra's fall a coup"), RULES)
    assert [p.text for p in doc.paragraphs] == [INTRO]
    assert doc.dropped.get("title line") == 1


# ---- the real seeds ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_docs() -> dict[str, Document]:
    arts = load_seeds(ROOT / "seeds", ROOT / "schema" / "seed.schema.json", ROOT)
    return {a.id: ingest(a, RULES) for a in arts}


def doc_of(real_docs, fragment: str) -> Document:
    (doc,) = [d for i, d in real_docs.items() if fragment in i]
    return doc


def raw_lines(doc: Document) -> list[str]:
    return [line for line in (" ".join(x.split()) for x in normalise(doc.article.body).split("\n")) if line]


def test_new_arab_has_no_repeated_body_paragraph(real_docs):
    doc = doc_of(real_docs, "new-arab-us-strike-is-weapons-palmyra")
    assert doc.article.path == "seeds/2016-12-17-new-arab-us-strike-is-weapons-palmyra.md"
    body = [key(p.text) for p in doc.paragraphs if p.role == "body"]
    assert len(body) == len(set(body))
    assert len(body) >= 10
    # The scraped page repeats its body: the repeats were found, and no distinct paragraph was lost.
    assert doc.dropped.get("repeated paragraph", 0) >= 10
    kept = {key(p.text) for p in doc.paragraphs}
    distinct = {key(line) for line in raw_lines(doc)} - {key(doc.article.title)}
    assert distinct == kept


def test_washington_post_keeps_each_paragraph_once(real_docs):
    doc = doc_of(real_docs, "washington-post-isis-surface-to-air-missile")
    keys = [key(p.text) for p in doc.paragraphs]
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            assert i == j or a not in b, (doc.paragraphs[i].text[:60], doc.paragraphs[j].text[:60])
    # The run-on first copy of the opening paragraph is gone; the split paragraphs are all there.
    assert doc.dropped.get("run-on repeat") == 1
    opening = [p for p in doc.paragraphs if p.text.startswith("The Islamic State’s conquest of Palmyra")]
    assert len(opening) == 1
    assert any(p.text.startswith("Palmyra’s fall comes less than a year") for p in doc.paragraphs)
    assert max(len(p.text) for p in doc.paragraphs) < 1000
    caption = [p for p in doc.paragraphs if p.role == "caption"]
    assert len(caption) == 1 and "Hassan Ammar" not in caption[0].text
    # The second embedded post exists only inside the run-on copy: it survives as its own paragraph,
    # placed after the paragraph that precedes it in the run-on.
    assert [p.author for p in doc.paragraphs if p.role == "embed"] == ["@oryxspioenkop", "@Ald_Aba"]
    embeds = [i for i, p in enumerate(doc.paragraphs) if p.role == "embed"]
    assert doc.paragraphs[embeds[1] - 1].text.startswith("The Islamic State recovered air-to-air missiles")
    credit = para_with(doc, "contributed to this report")
    assert credit.role == "furniture"


def test_rudaw_keeps_ten_body_paragraphs(real_docs):
    doc = doc_of(real_docs, "rudaw-palmyra-fall-propaganda-coup")
    body = [p for p in doc.paragraphs if p.role == "body"]
    assert len(body) == 10
    assert len({key(p.text) for p in body}) == 10
    assert doc.dropped.get("repeated paragraph", 0) >= 9


def test_war_news_updates_comments(real_docs):
    doc = doc_of(real_docs, "war-news-updates-syrian-army-recaptures-palmyra")
    comments = [p for p in doc.paragraphs if p.role == "comment"]
    assert {p.author for p in comments} == {"Sean Austin", "László Mikó"}
    first_comment_line = min(p.line for p in comments)
    body = [p for p in doc.paragraphs if p.role == "body"]
    assert body, "the report itself must stay body text"
    assert all(p.line < first_comment_line for p in body)
    assert not any("wasn't even aware" in p.text or "not in rubble" in p.text for p in body)
    assert any("wasn't even aware" in p.text and p.author == "Sean Austin" for p in comments)
    assert any("not in rubble" in p.text and p.author == "László Mikó" for p in comments)
    # Headlines listed on the page are attributed to their outlets, not to War News Updates.
    heads = {p.author for p in doc.paragraphs if p.role == "headline"}
    assert {"Reuters", "AFP", "Sputnik", "Al Jazeera"} <= heads
    assert "War News Updates" not in heads


def test_lwj_page_furniture(real_docs):
    doc = doc_of(real_docs, "lwj-islamic-state-tow-missiles-palmyra")
    for start in ("SEE ALSO:", "Join the conversation", "NOW WATCH:"):
        (p,) = [p for p in doc.paragraphs if p.text.startswith(start)]
        assert p.role == "furniture"


def test_real_paragraphs_are_numbered_in_order_with_valid_sentences(real_docs):
    for doc in real_docs.values():
        assert [p.n for p in doc.paragraphs] == list(range(1, len(doc.paragraphs) + 1))
        # Source lines rise, except for text recovered from a run-on copy (kept in reading order).
        lines = [p.line for p in doc.paragraphs if not (p.role == "embed" and p.author == "@Ald_Aba")]
        assert lines == sorted(lines)
        for p in doc.paragraphs:
            assert p.text == p.text.strip() and "\n" not in p.text and "\u00a0" not in p.text
            for s0, s1 in p.sentences:
                assert 0 <= s0 < s1 <= len(p.text)


def _pysbd_spans(text: str) -> list[tuple[str, int, int]]:
    """What pysbd's own segmenter gives (a regular expression per sentence)."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return [(s.sent, s.start, s.end) for s in segmenter.segment(text)]


def _our_spans(text: str) -> list[tuple[str, int, int]]:
    from tadmur.ingest import _Segmenter

    segmenter = _Segmenter(language="en", clean=False, char_span=True)
    return [(s.sent, s.start, s.end) for s in segmenter.segment(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Palmyra fell. Palmyra fell. Palmyra fell.",  # the same sentence again and again
        "He said: yes.  Yes.\u00a0Yes.\u2003 It ended.\x1c Next one.",  # Unicode and odd spaces after
        "A. B. C. D.",
        "Dr. Ali met Col. Hassan at 5 p.m. in Homs. They spoke (briefly). Then left!",
        "No full stop at all",
        "   Leading spaces. And trailing ones.   ",
        "Regex [a-z]+ and (groups)? are *text* here. So is \\d+. And $1.",
        "Ends with a dot. . .",
    ],
)
def test_sentence_spans_are_pysbds_own(text):
    assert _our_spans(text) == _pysbd_spans(text)


def test_sentence_spans_are_pysbds_own_on_random_text():
    import random

    rng = random.Random(11)
    words = ["Palmyra", "fell", "Mr.", "U.S.", "it", "said", "(IS)", "1.5", "no.", "St.", "e.g.", "?", "!",
             "..."]
    spaces = [" ", " ", " ", "  ", "\u00a0", "\t", "\u2009"]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 30)):
            parts.append(rng.choice(words) + rng.choice(["", "", ".", ". ", "!"]))
            parts.append(rng.choice(spaces))
        text = "".join(parts)
        assert _our_spans(text) == _pysbd_spans(text), text
