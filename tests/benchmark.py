"""Speed and memory of the matcher and the whole build, on synthetic data made here.

Run with `make bench`. Prints numbers; asserts nothing (timings are not unit tests).
- matcher: 5,000 aliases over ~2 MB of text (the issue's goal: well above 1 MB/s)
- build: the seed corpus replicated to N articles, through every stage up to the Markdown files
"""

from __future__ import annotations

import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from tadmur.catalog import Entity  # noqa: E402
from tadmur.matcher import Matcher  # noqa: E402
from tadmur.paths import Project  # noqa: E402
from tadmur.pipeline import generate  # noqa: E402


def bench_matcher(n_aliases: int = 5000, mb: float = 2.0) -> None:
    rng = random.Random(1)
    syll = ["al", "ra", "qa", "ta", "mur", "sha", "din", "bad", "kar", "zor", "han", "bel", "tik", "rit"]
    ents, aliases = [], set()
    while len(aliases) < n_aliases:
        name = " ".join(
            "".join(rng.choice(syll) for _ in range(rng.randint(2, 3))).title()
            for _ in range(rng.randint(1, 3))
        )
        aliases.add(name)
    for i, name in enumerate(sorted(aliases)):
        ents.append(Entity(id=f"e{i}", kind="actor", name=name, description="x"))
    t = time.perf_counter()
    m = Matcher(ents)
    build = time.perf_counter() - t
    words = [
        rng.choice(sorted(aliases)) if rng.random() < 0.05 else rng.choice(["the", "of", "fighters", "city"])
        for _ in range(int(mb * 1_000_000 / 6))
    ]
    text = " ".join(words)
    t = time.perf_counter()
    found = sum(len(m.find(chunk)) for chunk in (text[i : i + 2000] for i in range(0, len(text), 2000)))
    scan = time.perf_counter() - t
    print(
        f"matcher: {n_aliases} aliases built in {build:.2f}s; "
        f"scanned {len(text) / 1e6:.1f} MB in {scan:.2f}s "
        f"= {len(text) / 1e6 / scan:.1f} MB/s ({found} matches)"
    )


def bench_build(copies: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for part in ("data", "templates", "schema"):
            shutil.copytree(ROOT / part, root / part)
        (root / "seeds").mkdir()
        seeds = sorted((ROOT / "seeds").glob("*.md"))
        for i in range(copies):
            src = seeds[i % len(seeds)]
            text = src.read_text(encoding="utf-8")
            old_id = text.split("\nid: ", 1)[1].split("\n", 1)[0]
            (root / "seeds" / f"c{i:05d}.md").write_text(
                text.replace(f"id: {old_id}", f"id: c{i:05d}-{old_id}", 1), encoding="utf-8"
            )
        t = time.perf_counter()
        result = generate(Project(root))
        total = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = sum(len(v) for v in result.files.values()) / 1e6
        print(
            f"build: {copies} articles -> {len(result.files)} files "
            f"({size:.1f} MB Markdown) in {total:.1f}s; "
            f"stages {result.timings}; peak RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    bench_matcher()
    bench_build(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
