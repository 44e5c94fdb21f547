"""Speed, memory and page weight of the real build on a varied synthetic corpus (tests/synthetic.py).

Run with `make bench` (sizes 1000 and 5000) or `python tests/benchmark.py 100 1000 [--no-site]
[--no-zensical] [--verify]`.
Prints numbers; asserts nothing (timings are not unit tests). For each size N, in a throwaway copy of
the project:

- `tadmur docs` on N-1 articles, cold (no cache): wall time, peak memory, each stage's time and the
  peak memory reached by its end;
- one more article added, `tadmur docs` again: the time to a fresh docs/;
- with --verify, a build of the same N articles with no cache, from the docs/ of N-1, in another folder,
  whose docs/ must equal the incremental one byte for byte;
- site/ from the result, as `tadmur site` makes it (`mkdocs build --strict`, in parallel shards on a
  large site, then Pagefind): wall time and peak memory; then the pages (count, bytes per
  HTML page, the largest page); Pagefind's index over it, and what a first search fetches;
- `zensical build` of the same docs/ (unless --no-zensical): wall time and peak memory.

It finishes with a Markdown table for the README. The matcher's own speed: `--matcher`.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import write_corpus  # noqa: E402

DEFAULT_SIZES = (1000, 5000)


def tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants now (Linux /proc): the sum of their proportional set
    sizes, so that the pages a forked worker shares with its parent are counted once, not twice."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(ln.split()[1]) * 1024 for ln in f if ln.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak resident memory in MB, stdout).

    The peak is the largest sum, sampled every 0.2 s, of the memory of the command and every process
    it started that was running at that moment (`tree_rss`): MkDocs shards run side by side, as do the
    forked workers, and the system must hold them together. (Where /proc is missing, the peak of the
    largest single process.)
    Prints its CPU time too: on a shared machine that varies less than the wall time."""
    with tempfile.TemporaryFile("w+") as fout, tempfile.TemporaryFile("w+") as ferr:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fout, stderr=ferr, text=True)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if Path("/proc/self/smaps_rollup").exists():
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # reaps it, with its own peak memory
        done.set()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read(), ferr.read()
    if code:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{err[-3000:]}\n{out[-2000:]}")
    print(f"  [{Path(cmd[0]).name} {cmd[-1] if cmd[-1] == 'docs' else 'site'}: wall {wall:.1f} s, "
          f"cpu {usage.ru_utime + usage.ru_stime:.1f} s, load average {os.getloadavg()[0]:.1f}]")
    return wall, max(peak[0] // 2**20, usage.ru_maxrss // 1024), out


def stages(out: str) -> tuple[dict[str, str], dict[str, str]]:
    """The stage times and peak memory lines `tadmur docs` prints."""

    def pairs(prefix: str) -> dict[str, str]:
        m = re.search(rf"^  {re.escape(prefix)}: (.*)$", out, re.M)
        return dict(p.rsplit(" ", 1) for p in m.group(1).split(", ")) if m else {}

    return pairs("timings (s)"), pairs("peak memory (MB)")


def make_project(dest: Path) -> Path:
    for part in ("data", "templates", "schema", "overrides"):
        shutil.copytree(ROOT / part, dest / part)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs" / "assets", dest / "docs" / "assets")
    return dest


def bench_size(n: int, site: bool = True, verify: bool = False, zens: bool = True) -> dict:
    tadmur = [str(Path(sys.executable).parent / "tadmur")]
    with tempfile.TemporaryDirectory(prefix="tadmur-bench-") as tmp:
        root = make_project(Path(tmp) / "project")
        write_corpus(root / "seeds", n, ROOT / "data" / "catalog", which=range(n - 1))
        row: dict = {"articles": n}
        wall, mb, out = run([*tadmur, "--root", str(root), "docs"], root)
        times, peaks = stages(out)
        row.update(docs_s=wall, docs_mb=mb)
        print(f"\n== {n} articles ({n - 1}, then one added)")
        print(f"tadmur docs (cold): {wall:.1f} s, peak {mb} MB")
        for name, secs in times.items():
            print(f"  {name:<15} {float(secs):7.2f} s   peak so far {peaks.get(name, '?'):>5} MB")
        if verify:
            shutil.copytree(root / "docs", Path(tmp) / "docs-before")
        write_corpus(root / "seeds", n, ROOT / "data" / "catalog", which=[n - 1])
        wall, mb, out = run([*tadmur, "--root", str(root), "docs"], root)
        row.update(add_one_s=wall)
        print(f"tadmur docs after adding one article: {wall:.1f} s, peak {mb} MB")
        print("  " + re.search(r"timings \(s\): (.*)", out).group(1))
        if verify:
            # The incremental build must equal, byte for byte, a build with no cache from the same docs/
            # (event ids are kept from the last build's docs/, so a build from nothing may differ).
            cold = make_project(Path(tmp) / "cold")
            shutil.copytree(root / "seeds", cold / "seeds")
            shutil.rmtree(cold / "docs")
            shutil.copytree(Path(tmp) / "docs-before", cold / "docs")
            run([*tadmur, "--root", str(cold), "docs"], cold)
            diff = subprocess.run(["diff", "-rq", str(root / "docs"), str(cold / "docs")],
                                  capture_output=True, text=True)
            row["same_as_cold"] = diff.returncode == 0
            print("incremental docs/ equals a build without cache: " + ("yes" if diff.returncode == 0 else
                  "NO\n" + diff.stdout[:2000]))
            shutil.rmtree(cold)
        docs_md = [p for p in (root / "docs").rglob("*.md")]
        big_md = max(docs_md, key=lambda p: p.stat().st_size)
        big_size = big_md.stat().st_size
        row.update(md_pages=len(docs_md), largest_md=(str(big_md.relative_to(root / "docs")), big_size))
        print(f"docs/: {len(docs_md)} Markdown pages, largest {row['largest_md'][0]} "
              f"{row['largest_md'][1] / 1e6:.2f} MB")
        if site:
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TADMUR_OFFLINE": "false"}
            # What `tadmur site` does after docs/: MkDocs --strict (in shards on a large site), then
            # Pagefind; timed apart from Pagefind by the library call's own clock.
            code = ("import sys; from pathlib import Path; from tadmur.paths import Project; "
                    "from tadmur.pipeline import build_site; print(build_site(Project(Path(sys.argv[1]))))")
            wall, mb, out = run([sys.executable, "-c", code, str(root)], root, env)
            pagefind_s = float(re.search(r"'pagefind': ([\d.]+)", out).group(1))
            html = [p for p in (root / "site").rglob("*.html")]
            sizes = {p: p.stat().st_size for p in html}
            big = max(sizes, key=sizes.get)
            fetched = first_search_bytes(root / "site" / "pagefind")
            row.update(
                mkdocs_s=wall - pagefind_s, mkdocs_mb=mb, pages=len(html),
                bytes_per_page=sum(sizes.values()) / len(html),
                largest=(str(big.relative_to(root / "site")), sizes[big]),
                search=fetched, search_gz=fetched, pagefind_s=pagefind_s,
            )
            print(f"site/ (mkdocs build --strict, then Pagefind): {wall:.1f} s, peak {mb} MB, of which "
                  f"Pagefind {pagefind_s:.1f} s")
            print(f"make site from nothing, about: {row['docs_s'] + wall:.0f} s (cold docs/ + site/)")
            print(f"site/: {len(html)} HTML pages, {row['bytes_per_page'] / 1e3:.1f} KB per page, "
                  f"largest {row['largest'][0]} {row['largest'][1] / 1e6:.2f} MB")
            print(f"a first search fetches about {fetched / 1e3:.0f} KB (Pagefind: its scripts, one index "
                  "chunk and the first results' fragments)")
            if CHROMIUM.exists():
                ms, got, first = first_search_in_chromium(root / "site", "Palmyra")
                row.update(search_ms=ms, search=got)
                print(f"in Chromium, a first search for Palmyra: results after {ms:.0f} ms, "
                      f"{got / 1e3:.0f} KB fetched from pagefind/; first result {first}")
            zensical = Path(sys.executable).with_name("zensical")
            if zens and zensical.exists():
                shutil.rmtree(root / "site")
                wall, mb, _ = run([str(zensical), "build"], root, env)
                row.update(zensical_s=wall, zensical_mb=mb)
                print(f"zensical build: {wall:.1f} s, peak {mb} MB")
    return row


CHROMIUM = Path("/usr/bin/chromium")


def first_search_in_chromium(site: Path, query: str) -> tuple[float, int, str]:
    """Serve the site over http, open the home page in Debian's Chromium and let it settle (no request
    for half a second: a reader reads before searching), then open search and, once its script is
    there, type the query at once: (milliseconds from typing to the first result shown,
    bytes fetched from pagefind/ since the page was opened, the first result's address)."""
    from conftest import serve
    from playwright.sync_api import sync_playwright

    fetched: dict[str, int] = {}
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()

            def keep(response) -> None:
                if "/pagefind/" in response.url and response.status < 300:
                    try:
                        fetched[response.url] = len(response.body())
                    except Exception:  # noqa: BLE001 - a response still arriving as the browser closes
                        pass

            page.on("response", keep)
            page.goto(f"{url}/", wait_until="networkidle")
            page.keyboard.press("/")
            # The box's own field is shown at once; timed, as with Pagefind's default UI before, from
            # the moment its script (the Modular UI, loaded as the box opens) is there.
            field = page.locator("#tadmur-search-input")
            field.wait_for(timeout=10_000)
            page.wait_for_function("() => !!window.PagefindModularUI", timeout=10_000, polling=10)
            t = time.perf_counter()
            field.fill(query)
            # Shown: the status line gives the count for the query and the first result has its link
            # (the Modular UI fetches each result's title and excerpt when it comes into view, so a
            # lower one may be filled in first).
            first_link = ("#tadmur-search-panel .tadmur-search__results > li:first-child"
                          " .tadmur-search__result-link")
            page.wait_for_function(
                "([q, first]) => document.querySelector('#tadmur-search-panel .tadmur-search__summary')"
                ".textContent.endsWith(' for ' + q) && !!document.querySelector(first)",
                arg=[query, first_link], timeout=60_000, polling=10,
            )
            ms = (time.perf_counter() - t) * 1000
            link = page.locator(first_link)
            first = link.get_attribute("href") or ""
            page.remove_listener("response", keep)
        finally:
            browser.close()
    return ms, sum(fetched.values()), first


def first_search_bytes(pagefind: Path, results: int = 12) -> int:
    """What a first one-word search loads from site/pagefind/: the Modular UI, the library, its worker
    and WebAssembly, the entry and metadata files, one index chunk (the largest, to be safe) and the
    fragments of the results in view (about 12 in the search panel at 1280×720; the largest ones). An
    estimate from file sizes; the browser test in tests/test_browser.py measures it on the seed site."""
    fixed = ["pagefind-modular-ui.js", "pagefind.js", "pagefind-worker.js", "wasm.en.pagefind",
             "pagefind-entry.json"]
    total = sum((pagefind / f).stat().st_size for f in fixed if (pagefind / f).exists())
    total += sum(p.stat().st_size for p in pagefind.glob("*.pf_meta"))
    chunks = sorted((p.stat().st_size for p in (pagefind / "index").glob("*.pf_index")), reverse=True)
    fragments = sorted(
        (p.stat().st_size for p in (pagefind / "fragment").glob("*.pf_fragment")), reverse=True
    )
    return total + sum(chunks[:1]) + sum(fragments[:results])


def table(rows: list[dict]) -> str:
    head = ("| articles | tadmur docs | peak | add one | mkdocs (+ Pagefind) | peak | zensical build | peak "
            "| HTML pages | KB/page | largest page | first search fetches |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        site = r.get("pages")
        lines.append(
            f"| {r['articles']:,} | {r['docs_s']:.0f} s | {r['docs_mb']} MB | {r['add_one_s']:.1f} s | "
            + (f"{r['mkdocs_s']:.0f} s (+{r['pagefind_s']:.0f} s) | {r['mkdocs_mb']} MB | "
               + (f"{r['zensical_s']:.0f} s | {r['zensical_mb']} MB | " if "zensical_s" in r else "– | – | ")
               + f"{r['pages']:,} | "
               f"{r['bytes_per_page'] / 1e3:.0f} | "
               f"{r['largest'][0]} {r['largest'][1] / 1e3:.0f} KB | "
               + (f"{r['search'] / 1e3:.0f} KB in {r['search_ms']:.0f} ms (Chromium) |" if "search_ms" in r
                  else f"about {r['search'] / 1e3:.0f} KB |")
               if site else "– | – | – | – | – | – | – | – |")
        )
    return "\n".join(lines)


def bench_matcher(n_aliases: int = 5000, mb: float = 2.0) -> None:
    from tadmur.catalog import Entity
    from tadmur.matcher import Matcher

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


def main(argv: list[str]) -> None:
    if "--matcher" in argv:
        bench_matcher()
    sizes = [int(a) for a in argv if a.isdigit()] or list(DEFAULT_SIZES)
    opts = {"site": "--no-site" not in argv, "verify": "--verify" in argv}
    opts["zens"] = "--no-zensical" not in argv
    rows = [bench_size(n, **opts) for n in sizes]
    print("\n" + table(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
