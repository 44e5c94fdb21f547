"""A varied synthetic corpus for benchmarks: `write_corpus(seeds_dir, n, catalog_dir)`.

Deterministic (seeded random): the same n and catalog give byte-identical seed files. Articles mix
catalog names (read from data/catalog/*.yml at run time, canonical names and aliases) with invented
people, villages, groups and weapon designations the catalog lacks, in sentences that report captures,
withdrawals, strikes, sieges, shelling, claims and arms deliveries, with date phrases of every
precision, from many outlets, published 2014-2019. The pool of invented names grows with the corpus,
and names are drawn with a long tail (a few much-mentioned, most rare), as in real news.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import yaml

SYLLABLES = ["al", "ra", "qa", "ta", "mur", "sha", "din", "bad", "kar", "zor", "han", "bel", "tik", "rit",
             "mas", "yar", "hud", "fa", "lah", "sum", "bir", "wa", "na", "jib", "qus", "dar", "ham", "sel"]
OUTLETS = ["Reuters", "Associated Press", "Agence France-Presse", "Al Jazeera", "Rudaw", "The New Arab",
           "Long War Journal", "The Washington Post", "The Guardian", "Middle East Eye", "Syria Direct",
           "Enab Baladi", "Al-Monitor", "Kurdistan 24", "Asharq Al-Awsat", "BBC News", "The Independent",
           "Deir Ezzor 24", "Levant Daily Wire", "Euphrates Observer", "Northern Front Report",
           "Desert Dispatch"]
GROUP_HEADS = ["Brigade", "Front", "Movement", "Battalion", "Division", "Army", "Legion", "Forces"]
GROUP_PREFIXES = ["Liwa", "Jaish", "Harakat", "Kataib", "Jabhat", "Saraya", "Ansar", "Faylaq"]
TITLES = ["commander", "General", "spokesman", "Colonel", "analyst", "Sheikh", "Governor", "leader"]
WEAPON_NOUNS = ["launchers", "rockets", "missiles", "tanks", "howitzers", "drones"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST = dt.date(2014, 1, 1)
LAST = dt.date(2019, 12, 31)

# {A} {B}: actors, {P}: a place, {V}: an invented village, {W}: a weapon, {G}: an invented group,
# {H}: an invented person, {D}: a date phrase, {N}: a number, {O}: an outlet.
EVENT_SENTENCES = [
    "Fighters of the {A} captured {P} {D}, according to {O}.",
    "The {A} seized the village of {V} {D} after heavy clashes with the {B}.",
    "The {B} withdrew from {P} {D}, leaving behind {N} {W} and several vehicles.",
    "Warplanes struck positions of the {A} near {P} {D}, destroying {N} {W}.",
    "Forces of the {A} besieged {P} {D} and cut the road to the village of {V}.",
    "The {A} recaptured {P} from the {B} {D}.",
    "Fighting between the {A} and the {B} continued {D} on the outskirts of {P}.",
    "Shelling by the {A} hit the town of {V} {D}, killing {N} civilians, the Observatory said.",
    "The {G} claimed responsibility for a car bomb in {P} {D} that killed {N} people.",
    "The {A} said its fighters used {W} against the {B} near {P} {D}.",
    "The {B} lost {P} to the {A} {D} after a week-long offensive.",
    "Air raids on {P} {D} destroyed an arms depot of the {G}, residents said.",
    "The {A} supplied the {G} with {N} {W} {D}, {O} reported.",
    "Reinforcements from the {G} arrived in {P} {D} to support the {A}.",
    "The {A} drove the {B} out of the village of {V} {D}.",
    "The {G} was besieged in the countryside of {P} {D}, a local activist said.",
]
PEOPLE_SENTENCES = [
    "{T} {H} of the {G} said the battle for {P} was far from over.",
    "{T} {H} told {O} that the {A} had lost dozens of fighters near {V}.",
    "According to {T} {H}, the {B} had moved heavy weapons to {P}.",
    "The {G}, led by {T} {H}, said it had repelled an attack on {V}.",
]
FILLER = [
    "Residents described days of fear as food and fuel ran short.",
    "Aid agencies warned that thousands of families had fled in recent weeks.",
    "The claims could not be independently verified.",
    "Both sides have accused each other of targeting civilians.",
    "Video footage posted online appeared to show columns of smoke over the area.",
    "A local doctor said the only hospital was overwhelmed with wounded.",
    "The road between the two towns remained closed to traffic.",
    "Prices of bread and fuel have more than doubled since the start of the year.",
    "Several families returned to their homes after the fighting subsided.",
    "Negotiations over a local truce broke down without agreement.",
]


def _names(catalog_dir: Path, kind_file: str, want=lambda e: True) -> list[list[str]]:
    """[[name, alias, ...], ...] for the catalog entities in one file that `want` accepts."""
    data = yaml.safe_load((catalog_dir / kind_file).read_text(encoding="utf-8")) or {}
    out = []
    for e in data.get("entities") or []:
        if want(e):
            out.append([e["name"], *[a for a in e.get("aliases") or [] if len(a) > 3]])
    return out


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).title()


class Corpus:
    def __init__(self, n: int, catalog_dir: Path, seed: int = 11):
        self.rng = rng = random.Random(seed)
        self.actors = _names(catalog_dir, "actors.yml", lambda e: e.get("type") != "media outlet")
        self.places = _names(catalog_dir, "places.yml") + _names(catalog_dir, "places-gazetteer.yml")
        self.weapons = _names(catalog_dir, "weapons.yml")
        grow = max(20, n // 3)  # invented names grow with the corpus
        heads = ["Kafr", "Tal", "Ain", "Deir", "Beit", "Khirbet"]
        self.villages = sorted({f"{rng.choice(heads)} {_word(rng, 2)}" for _ in range(grow)})
        self.groups = sorted(
            {f"{_word(rng, 2)} {rng.choice(GROUP_HEADS)}" if rng.random() < 0.5
             else f"{rng.choice(GROUP_PREFIXES)} al-{_word(rng, 2)}" for _ in range(grow // 2)}
        )
        self.people = sorted({f"{_word(rng, 2)} al-{_word(rng, 2)}" for _ in range(grow // 2)})
        self.invented_weapons = sorted(
            {f"{rng.choice('ABKMTZ')}{rng.choice('ABKMRS')}-{rng.randint(2, 99)} {rng.choice(WEAPON_NOUNS)}"
             for _ in range(max(10, n // 20))}
        )
        for pool in (self.villages, self.groups, self.people, self.invented_weapons):
            rng.shuffle(pool)

    def pick(self, pool: list):
        """A long tail: the first entries of a pool are drawn far more often than the last."""
        i = int(len(pool) * (self.rng.random() ** 3))
        item = pool[min(i, len(pool) - 1)]
        return self.rng.choice(item) if isinstance(item, list) else item

    def date_phrase(self, published: dt.date) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return f"on {rng.choice(WEEKDAYS)}"
        if r < 0.5:
            d = published - dt.timedelta(days=rng.randint(1, 20))
            return f"on {d.day} {MONTHS[d.month - 1]}"
        if r < 0.65:
            return rng.choice(["last week", "earlier this week", "last weekend", "two weeks ago"])
        if r < 0.8:
            return f"in {MONTHS[(published.month - 1 - rng.randint(0, 4)) % 12]}"
        if r < 0.88:
            return f"in {rng.randint(max(2011, published.year - 3), published.year)}"
        return ""

    def sentence(self, published: dt.date, outlet: str) -> str:
        rng = self.rng
        r = rng.random()
        pool = EVENT_SENTENCES if r < 0.65 else PEOPLE_SENTENCES if r < 0.8 else FILLER
        template = rng.choice(pool)
        a = self.pick(self.actors)
        b = self.pick(self.actors)
        place = self.pick(self.places) if rng.random() < 0.7 else self.pick(self.villages)
        weapon = self.pick(self.weapons) if rng.random() < 0.6 else self.pick(self.invented_weapons)
        text = template.format(
            A=a, B=b, P=place, V=self.pick(self.villages), W=weapon, G=self.pick(self.groups),
            H=self.pick(self.people), T=rng.choice(TITLES), D=self.date_phrase(published),
            N=rng.choice(["two", "five", "dozens of", "12", "30", "several", "100"]), O=outlet,
        )
        text = " ".join(text.split()).replace(" ,", ",").replace(" .", ".")
        return text[0].upper() + text[1:]

    def article(self, i: int) -> tuple[str, str]:
        rng = self.rng
        published = FIRST + dt.timedelta(days=rng.randint(0, (LAST - FIRST).days))
        outlet = rng.choice(OUTLETS)
        place = self.pick(self.places)
        actor = self.pick(self.actors)
        verb = rng.choice(["captures", "loses", "shells", "besieges", "strikes", "claims attack on"])
        title = f"{actor} {verb} {place}"
        slug = "".join(c if c.isalnum() else "-" for c in f"{outlet} {i}".lower())
        art_id = "-".join(p for p in f"{published.isoformat()}-{slug}".split("-") if p)
        meta = {
            "id": art_id,
            "title": title,
            "outlet": outlet,
            "author": rng.choice([None, f"{_word(rng, 2)} {_word(rng, 2)}"]),
            "published": published.isoformat(),
            "published_certainty": rng.choice(["exact", "exact", "approximate"]),
            "url": None,
            "language": "en",
            "added": "2026-11-30",
        }
        paragraphs = [title]
        for _ in range(rng.randint(5, 14)):
            paragraphs.append(" ".join(self.sentence(published, outlet) for _ in range(rng.randint(1, 3))))
        fields = (f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items())
        front = "\n".join(["---", *fields, "---"])
        return art_id, front + "\n" + "\n".join(paragraphs) + "\n"


def write_corpus(seeds_dir: Path, n: int, catalog_dir: Path, seed: int = 11, which=None) -> list[Path]:
    """Write the articles of the corpus of size n whose numbers are in `which` (default: all) into
    seeds_dir; return their paths.

    The corpus for a given (n, seed) is fixed, so writing range(n - 1) and later [n - 1] gives the same
    files as writing all n at once (how the benchmark adds one article).
    """
    seeds_dir.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(n, catalog_dir, seed)
    out = []
    for i in range(n):
        art_id, text = corpus.article(i)
        if which is None or i in which:
            path = seeds_dir / f"{art_id}.md"
            path.write_text(text, encoding="utf-8")
            out.append(path)
    return out
