"""The whole build as one function over the project's files: `build(project)`.

Everything is read and validated first; only then is anything written. A BuildError (bad seed, bad
catalog entry) therefore leaves docs/ and site/ exactly as they were.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import io
import os
import pickle
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml

from . import shards
from .articlecache import CACHE_DIR, POOL_MIN, ReportCache, context_digest, process_articles
from .cachefile import read_pickle, write_pickle
from .catalog import KIND_DIRS, catalog_files, load_catalog
from .changes import slim, summarize_changes
from .corrections import (
    apply_to_catalog,
    check_entity_refs,
    discovered_merges,
    read_corrections,
    wrong_match_filter,
)
from .discover import load_discovery_rules
from .errors import BuildError, BuildErrors
from .events import apply_corrections as apply_event_corrections
from .events import extract_events, load_vocabulary
from .events.identity import settle_ids
from .export import export, read_slim, write_json
from .extract import Lexicon
from .feed import atom_feed
from .ingest import load_rules
from .kb import KB, build_kb
from .matcher import Matcher
from .mdtext import md_escape
from .mentionchunks import MentionChunks, write_mentions
from .pages import assemble, read_pages, remember_pages
from .parsecache import ParseCache
from .paths import Project
from .render import make_env, render_site, render_template
from .reuse import load_policy, select_excerpts
from .seeds import load_seeds
from .stamps import PageStamps
from .tables import MentionsTable, export_csv
from .writer import StagingFile, read_manifest, stage_files, stage_stream, write_tree
from .yamlio import load_yaml, read_text_utf8


def load_site_config(path: Path) -> dict:
    """data/site.yml: the subject line and introduction shown on the home page; plus the site's name and
    address, read from mkdocs.yml (`site_name`, `site_url`: the one place they are set)."""
    data = load_yaml(read_text_utf8(path), str(path)) if path.exists() else {}
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("subject", "intro")):
        raise BuildError(path, 1, "data/site.yml needs text fields 'subject' and 'intro'")
    return {
        "subject": md_escape(data["subject"]),
        "intro": md_escape(data["intro"]),
        **mkdocs_settings(path.parents[1] / "mkdocs.yml"),
    }


class _MkdocsLoader(yaml.SafeLoader):
    """mkdocs.yml's own tags (!ENV, !relative) read as nothing: only plain settings are used here."""


_MkdocsLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def mkdocs_settings(path: Path) -> dict:
    """`site_name` and `site_url` from mkdocs.yml; the address always ends in '/'."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_MkdocsLoader) or {}  # noqa: S506
    except (OSError, yaml.YAMLError):
        data = {}
    url = data.get("site_url") if isinstance(data.get("site_url"), str) else ""
    if url and not re.fullmatch(r"https?://[^\s<>\"'()\[\]\\]+", url):
        raise BuildError(path, None, f"site_url {url!r} must be an http(s) address")
    name = data.get("site_name") if isinstance(data.get("site_name"), str) else "Tadmur"
    return {"url": url.rstrip("/") + "/" if url else "", "name": name}


@dataclass
class BuildResult:
    kb: KB
    events: list
    files: dict[str, bytes]  # docs/ path -> UTF-8 bytes (or writer.KEEP: the file is as it was)
    timings: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, int] = field(default_factory=dict)  # peak memory so far at the end of each stage
    written: dict[str, int] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # what this build changed, for the command line
    notes: list[str] = field(default_factory=list)  # things a contributor should know (kept pages, ...)
    previous: dict | None = None  # the last build's knowledge.json, as read before this one
    stamps: PageStamps | None = None  # the pages' keys, saved once docs/ is written


def _without_cycle_collection(build):
    """Run `build` with Python's cycle collector paused. A build makes millions of small objects that
    live until its end and are freed by reference counting; the collector's passes over them took a
    fifth of the time of adding one article to 1,000 and freed almost nothing (peak memory was the
    same). It is back on when the build returns."""

    @functools.wraps(build)
    def run(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return run


@_without_cycle_collection
def generate(project: Project, cache: bool = True, keep_pages: bool = False) -> BuildResult:
    """Read and validate every input, run every stage in memory, and return the docs/ files.

    With `cache`, each article's ingest and extract results are read from and kept in the project's
    .tadmur-cache/ (see articlecache.py); without it nothing is read from or written there. With
    `keep_pages` (and `cache`), a page the last build wrote from the same inputs, untouched since, is
    not made again: its value is writer.KEEP (see stamps.py), and `result.stamps` is saved after the
    files are written."""
    t = time.perf_counter()
    timings: dict[str, float] = {}
    peak_mb: dict[str, int] = {}

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = round(now - t, 3)
        peak_mb[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        t = now

    # Contributors' pages first: their corrections are inputs, and their words must survive the build.
    parsed = project.root / CACHE_DIR / PARSED_PAGES if cache else None
    pages = read_pages(project.docs, read_manifest(project.docs), parsed)
    corr = read_corrections(pages, project.schema / "page.schema.json")
    cat_schema = project.schema / "catalog.schema.json"
    parsed_catalog = ParseCache(project.root if cache else None, "catalog", cat_schema)
    catalog_bytes = (str(f).encode() + b"\0" + f.read_bytes() for f in catalog_files(project.catalog))
    original = parsed_catalog.get(
        parsed_catalog.key(*catalog_bytes), lambda: load_catalog(project.catalog, cat_schema, project.root)
    )
    catalog = apply_to_catalog(original, corr)
    ingest_rules = load_rules(project.rules / "ingest.yml")
    disc_rules = load_discovery_rules(project.rules / "discovery.yml")
    seed_schema = project.schema / "seed.schema.json"
    parsed_seeds = ParseCache(project.root if cache else None, "seeds", seed_schema)
    articles = load_seeds(project.seeds, seed_schema, project.root, parsed_seeds)
    policy = load_policy(
        project.root / "data" / "outlets.yml", project.schema / "outlets.schema.json", project.root
    )
    site = load_site_config(project.root / "data" / "site.yml")
    parsed_catalog.save()
    parsed_seeds.save()
    lap("load")
    matcher = Matcher(list(catalog.entities.values()))
    vocab = load_vocabulary(project.root / "data" / "events.yml", project.schema / "events.schema.json")
    lexicon = Lexicon.of(catalog, vocab)
    given = disc_rules.people.given_file if disc_rules.people is not None else None
    context = context_digest(
        project.rules,
        catalog.entities.values(),
        tuple(p for p in (given, project.root / "data" / "events.yml") if p is not None),
    )
    docs, extractions, counts, keys = process_articles(
        articles, ingest_rules, matcher, disc_rules, project.root if cache else None, context, lexicon=lexicon
    )
    lap(f"ingest+extract ({counts['computed']} of {len(articles)} articles)")
    merges = discovered_merges(corr, catalog)
    kb = build_kb(
        articles,
        docs,
        catalog,
        extractions,
        disc_rules.review_min_mentions,
        redirect=merges,
        wrong=wrong_match_filter(corr),
    )
    check_entity_refs(corr, kb, kb.wrong_used, merges)
    # Let go of what only the stages so far read (what the knowledge base keeps of the extraction, it
    # holds): the data files' process forked below would copy it, and the pages reuse the space.
    del extractions, matcher, disc_rules, parsed_seeds, parsed_catalog
    lap("knowledge base")
    reports = ReportCache(project.root if cache else None, keys, project.root / "data" / "events.yml")
    found = extract_events(kb, vocab, _merged_surfaces(original, corr, merges), catalog.entities, reports)
    previous = _previous_export(project, cache)
    moved = settle_ids(previous, found)
    events, candidates, hidden, merged_events = apply_event_corrections(found, corr, kb, vocab, moved)
    lap(f"events ({reports.counts['computed']} of {len(articles)} articles)")
    redirects = _redirects(kb, original, corr, merges, merged_events, moved)
    _check_merge_roles(previous, events + candidates, redirects, corr)
    excerpts = select_excerpts(kb, policy, [events, candidates, hidden])
    # A renamed or merged entity's page takes its contributor's text to the page it now is.
    entity_merges = {old for old, new, why in redirects if why == "merged" and not old.startswith("events/")}
    moves = {old: new for old, new, why in redirects if why == "renamed" or old in entity_merges}
    stamps = None
    if cache and keep_pages:
        stamps = PageStamps(project.root, project.docs, frozenset(moves) | frozenset(moves.values()))
    # The data files (knowledge.json, the CSVs, the feed) do not depend on the pages: on a large corpus
    # they are made in a forked process on the other core while this one makes the pages.
    fork = len(articles) >= POOL_MIN
    exporting = _Background(
        partial(
            _data_files, kb, events, hidden, redirects, candidates, excerpts, policy, site, previous,
            project.root / CACHE_DIR / SLIM_EXPORT if cache else None,
            MentionChunks(
                project.root / CACHE_DIR / MENTION_CHUNKS,
                project.docs / "data",
                reports.keys,
                repr((site["url"], sorted(policy.outlets.items()), policy.context_words)),
            )
            if cache
            else None,
            # Forked, the process writes its files to be moved in by write_tree, not passed back whole.
            (project.docs, staging(project)) if fork and stamps is not None else None,
        ),
        fork=fork,
    )
    try:
        files = render_site(
            kb,
            project.templates,
            site,
            events,
            project.root / "data" / "geo" / "region.json",
            hidden=hidden,
            redirects=redirects,
            candidates=candidates,
            excerpts=excerpts,
            policy=policy,
            stamps=stamps,
            compiled=project.root / CACHE_DIR / "templates" if cache else None,
        )
    except BaseException:
        exporting.cancel()
        raise
    data_files, changes = exporting.result()
    files.update(data_files)
    files["data/knowledge.schema.json"] = (project.schema / "knowledge.schema.json").read_bytes()
    env = make_env(project.templates)
    files, notes = assemble(
        files,
        pages,
        project.docs,
        lambda title: render_template(env, "orphan.md.j2", title=title),
        moves,
        frozenset(entity_merges),
    )
    if stamps is not None and stamps.verify:
        stamps.check(files)
    # (with TADMUR_VERIFY_PAGES every page is made, and this counts those a build would have made)
    made = len(files) - len(stamps.kept) if stamps is not None else len(files)
    lap(f"render ({made} of {len(files)} files made)" if stamps is not None else "render")
    return BuildResult(
        kb, events, files, timings, peak_mb, notes=notes + corr.warnings, previous=previous, stamps=stamps,
        changes=changes,
    )


def _data_files(
    kb, events, hidden, redirects, candidates, excerpts, policy, site, previous, slim_cache=None,
    chunks=None, stage=None,
):
    """knowledge.json, the CSV tables and the Atom feed; and what changed since the last build's
    knowledge.json, for the command line. With `slim_cache`, this knowledge.json slimmed is kept there
    for the next build (_previous_export). With `chunks` (mentionchunks.py), each article's mention
    records are copied from the last build's files when they would be made the same. With `stage`
    (docs/, staging folder), the files are written to the staging folder and given as writer.Staged
    (or KEEP when docs/ holds them as they are)."""
    data = export(kb, events, hidden, redirects, candidates, excerpts=excerpts, policy=policy)
    current = slim(data)
    files = export_csv(data, site["url"])
    files["feed.xml"] = atom_feed(kb, events, site).encode("utf-8")
    digest, csv_digest = hashlib.sha1(), hashlib.sha1()
    # mentions.csv is made in the same pass over the mentions as knowledge.json (tables.MentionsTable);
    # staged, both are written to their files as they are made (at 10,000 articles, 87 and 190 MB).
    table = StagingFile(*stage, "data/mentions.csv") if stage is not None else None
    csv_out = table.file if table is not None else io.BytesIO()
    try:
        mentions = MentionsTable(data, site["url"], _Digesting(csv_out, csv_digest))

        def write(f) -> None:
            write_json(data, _Digesting(f, digest), lambda ms, out: write_mentions(ms, out, mentions, chunks))

        if stage is None:
            buffer = io.BytesIO()
            write(buffer)
            knowledge = buffer.getvalue()
        else:
            knowledge = stage_stream(*stage, "data/knowledge.json", write)
    finally:
        if table is not None:
            table.file.close()
    if chunks is not None:
        chunks.save(digest.digest(), csv_digest.digest())
    if stage is not None:
        files = stage_files(files, *stage)
        files["data/mentions.csv"] = table.done()
    else:
        files["data/mentions.csv"] = csv_out.getvalue()
    files["data/knowledge.json"] = knowledge
    if slim_cache is not None:
        # Keyed by the file's digest: if this build stops before writing it, the entry matches nothing.
        write_pickle(slim_cache, (digest.digest(), current))
    return files, summarize_changes(previous, current)


class _Digesting:
    """A binary file that also feeds what is written to it to a hash."""

    def __init__(self, f, digest):
        self.f, self.digest, self.n = f, digest, 0

    def write(self, blob: bytes) -> None:
        self.digest.update(blob)
        self.f.write(blob)
        self.n += len(blob)

    def tell(self) -> int:
        return self.n


def staging(project: Project) -> Path:
    """Where a build's forked process leaves the data files for write_tree to move into docs/."""
    return project.root / CACHE_DIR / "staged"


MENTION_CHUNKS = "mention-chunks.pickle"  # where each article's mention lines lie (mentionchunks.py)
SLIM_EXPORT = "knowledge-slim.pickle"  # the last knowledge.json as changes.slim makes it
PARSED_PAGES = "parsed-pages.pickle"  # docs/ pages as parsed (pages.read_pages, remember_pages)


class _Background:
    """`job()` in a forked child process (which inherits the build's data instead of unpickling it), or
    here when `fork` is false or the platform cannot fork; `result()` waits for it.

    The child ends as soon as its job does: what it made comes back through a pipe, read by a thread
    here as it is written. (A process pool's worker lived on until `result()` was called, after the
    pages: at 10,000 articles it held 830 MB of pages copied from this process for a minute.)"""

    def __init__(self, job, fork: bool):
        self.job, self.pid, self.reader = job, None, None
        self.data: bytes | None = None
        if fork and hasattr(os, "fork"):
            read_end, write_end = os.pipe()
            # Flushed, so that the child's copies of the buffers hold nothing to print twice.
            sys.stdout.flush()
            sys.stderr.flush()
            self.pid = os.fork()
            if self.pid == 0:  # the child
                os.close(read_end)
                _child(job, write_end)
            os.close(write_end)
            self.reader = threading.Thread(target=self._read, args=(read_end,), daemon=True)
            self.reader.start()

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            self.data = pipe.read()
        os.waitpid(self.pid, 0)  # reaped as soon as it ends, not when the result is wanted

    def cancel(self) -> None:
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.reader.join()

    def result(self):
        if self.pid is None:
            return self.job()
        self.reader.join()
        try:
            ok, value = pickle.loads(self.data)
        except Exception as exc:  # noqa: BLE001 - killed, or its output cut short
            raise RuntimeError("the process making the data files stopped before it finished") from exc
        if not ok:
            raise value
        return value


def _child(job, fd: int) -> None:
    """Run `job` in a forked child, send (ok, result or exception) pickled through `fd`, and end without
    running this process's exit handlers (they belong to the parent)."""
    code = 0
    try:
        try:
            payload = pickle.dumps((True, job()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
            try:
                payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
                pickle.loads(payload)  # (an exception whose arguments cannot make it again)
            except Exception:  # noqa: BLE001 - sent as its text
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(payload)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not return into the build
        code = 1
    finally:
        os._exit(code)


ROLES_THAT_MATTER = ("agent", "taken from", "target")


def _check_merge_roles(previous: dict | None, events: list, redirects: list, corr) -> None:
    """A merge new in this build must not change who did what in a published event, beyond renaming the
    merged entity itself; if it does, the editor confirms with `merge_events_ok: true` on the page."""
    if not previous:
        return
    done = {r["from"] for r in previous.get("redirects", [])}
    new = {
        old.rsplit("/", 1)[-1].removesuffix(".md"): target.rsplit("/", 1)[-1].removesuffix(".md")
        for old, target, why in redirects
        if why == "merged" and not old.startswith("events/") and old.removesuffix(".md") + "/" not in done
    }
    if not new or any(corr.entities[e].fields.get("merge_events_ok") for e in new if e in corr.entities):
        return
    before = {
        e["id"]: {
            (p["role"], new.get(p["entity"], p["entity"]))
            for p in e["participants"]
            if p["role"] in ROLES_THAT_MATTER
        }
        for e in [*previous.get("events", []), *previous.get("candidate_events", [])]
    }
    changed = [
        f"events/{e.id}.md ({e.title})"
        for e in events
        if e.id in before
        and before[e.id] != {(role, x) for role in ROLES_THAT_MATTER for x in e.participants.get(role, [])}
    ]
    if changed:
        errors = [
            corr.entities[e].error(
                "merge_into",
                f"this merge changes who did what in {len(changed)} event(s): {', '.join(changed[:5])}"
                f"{' ...' if len(changed) > 5 else ''}. Check them, then write `merge_events_ok: true` on "
                "this page to confirm; nothing was written",
            )
            for e in sorted(new)
            if e in corr.entities
        ]
        raise BuildErrors(errors)


def _merged_surfaces(original, corr, merges: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """Names of entities a contributor merged or renamed away -> (old id, kind, type), so that what
    "the militants" refers to is decided as before the merge."""
    out = {}
    for old in sorted(set(corr.redirects) | set(merges)):
        ent = original.entities.get(old)
        for name in (ent.name, *ent.aliases) if ent else ():
            out.setdefault(name.lower(), (old, ent.kind, ent.type))
    return out


def _redirects(
    kb: KB,
    original,
    corr,
    merges: dict[str, str],
    merged_events: dict[str, str],
    moved: dict[str, tuple[str, str]],
) -> list:
    """(old page, new page, why) for renamed and merged entities, events an editor merged, and events
    that later reports joined to another (`moved`: see events/identity.py)."""
    out = []
    for old, (new, why) in sorted(corr.redirects.items()):
        if new in kb.entities:
            kind = original.entities[old].kind if old in original.entities else kb.entities[new].kind
            out.append((f"{KIND_DIRS[kind]}/{old}.md", kb.entities[new].doc_path, why))
    for old, new in sorted(merges.items()):
        if new in kb.entities:
            out.append((corr.entities[old].page.removeprefix("docs/"), kb.entities[new].doc_path, "merged"))
    for old, new in sorted(merged_events.items()):
        out.append((f"events/{old}.md", f"events/{new}.md", "merged"))
    for old, (new, why) in sorted(moved.items()):
        new = merged_events.get(new, new)
        if old not in merged_events:
            out.append((f"events/{old}.md", f"events/{new}.md", why))
    return out


@_without_cycle_collection
def build_docs(project: Project) -> BuildResult:
    shutil.rmtree(staging(project), ignore_errors=True)  # left by a build that stopped
    try:
        result = generate(project, keep_pages=True)
        t = time.perf_counter()
        result.written = write_tree(project.docs, result.files)
    finally:
        shutil.rmtree(staging(project), ignore_errors=True)
    if result.stamps is not None:
        result.stamps.save()
    remember_pages(project.docs, result.files, project.root / CACHE_DIR / PARSED_PAGES)
    result.timings["write"] = round(time.perf_counter() - t, 3)
    return result


def _previous_export(project: Project, cache: bool = True) -> dict | None:
    """The knowledge.json of the last build, slimmed (export.read_slim): the register of event ids, and
    what this build changed. The build that wrote it kept it slimmed in the cache (_data_files); that
    is used when the file's digest is the one it was kept with (a tenth of the time of reading it)."""
    path = project.docs / "data" / "knowledge.json"
    kept = read_pickle(project.root / CACHE_DIR / SLIM_EXPORT) if cache else None
    if isinstance(kept, tuple) and len(kept) == 2:
        try:
            with path.open("rb") as f:
                digest = hashlib.file_digest(f, "sha1").digest()
        except OSError:
            return None
        if digest == kept[0]:
            return kept[1]
    return read_slim(path)


def build_site(project: Project, strict: bool = True, offline: bool = False) -> dict[str, float]:
    """Build site/ (for a web server: stable directory URLs, searched with Pagefind) and, with `offline`,
    site-offline/ (to open from the file system: Material's offline plugin, links ending in index.html;
    Pagefind cannot fetch its index over file://, so there the search box says search needs http(s)).
    The second is a whole second MkDocs build, so it is made only on request (`make offline`).

    Each is built into a temporary folder and swapped in only if MkDocs and Pagefind succeeded.
    Returns the seconds each step took.
    """
    timings = _mkdocs(project, project.site, strict, offline=False)
    if offline:
        offline_site = _mkdocs(project, project.root / "site-offline", strict, offline=True)
        timings["mkdocs (offline)"] = offline_site["mkdocs"]
    return timings


def _mkdocs(project: Project, target: Path, strict: bool, offline: bool) -> dict[str, float]:
    t = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=project.root))
    cmd = [sys.executable, "-m", "tadmur.mkdocs_quiet", "build", "--clean"]
    if strict:
        cmd.append("--strict")
    # The banner is not a build problem; TADMUR_OFFLINE switches Material's offline plugin on (mkdocs.yml).
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TADMUR_OFFLINE": "true" if offline else "false"}
    # A large site is built in shards, one MkDocs process per core (shards.py).
    site_url = mkdocs_settings(project.root / "mkdocs.yml")["url"]
    returncode = shards.build(project.root, project.docs, cmd, tmp, env, site_url)
    timings = {"mkdocs": round(time.perf_counter() - t, 3)}
    if returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SystemExit(
            f"mkdocs build failed (exit {returncode}); the previous {target.name}/ is unchanged"
        )
    if not offline:
        t = time.perf_counter()
        try:
            index_search(tmp, project.docs)
        except SystemExit as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise SystemExit(f"{exc}; the previous {target.name}/ is unchanged") from None
        timings["pagefind"] = round(time.perf_counter() - t, 3)
    old = project.root / f".{target.name}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return timings


# What Pagefind indexes is marked in the pages themselves: overrides/partials/content.html puts
# data-pagefind-body on each page's text (not on pages with `search: exclude: true`: event pages, index
# pages, the review queue), the templates wrap sections that repeat other pages in data-pagefind-ignore
# and weight an entity's name and aliases.
# Elements marked for Material's search as data-search-exclude (section headings, figures) are left
# out too, so either search engine sees the same text; so are the permalink signs
# (¶) of headings and paragraphs, and the build's notices (.tadmur-notice: "Excerpts only", "Unreviewed
# name"), the same words on thousands of pages, which would match every query for them and which cost
# Pagefind memory on each page (it holds every indexed word of every page until it writes the index).
PAGEFIND_ARGS = (
    "--exclude-selectors", "[data-search-exclude]",
    "--exclude-selectors", ".tadmur-notice",
    "--exclude-selectors", ".headerlink",
    "--exclude-selectors", ".tadmur-pilcrow",
    "--force-language", "en",
)


def index_search(site: Path, docs: Path | None = None) -> None:
    """Write Pagefind's search bundle (index chunks, pagefind.js, pagefind-modular-ui.js) to <site>/pagefind/.

    Runs the binary of the pinned pagefind_bin package over a site built by MkDocs or zensical;
    the result depends only on the built HTML.

    With `docs`, Pagefind is shown only the pages it will index: those whose Markdown page does not
    say `search: exclude: true` (`searched_pages`), as hard links in a folder beside the site. Pagefind
    keeps what it reads of every page until it writes the index, and event and numbered mention pages
    are most of a large site; skipping them gives the same bundle in a third of the time and memory.
    """
    stage = None
    if docs is not None:
        pages = searched_pages(docs)
        if pages is not None:
            stage = Path(tempfile.mkdtemp(prefix=f"{site.name}-search-", dir=site.parent))
            for rel in pages:
                src = site / rel
                if src.is_file():
                    dest = stage / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(src, dest)
                    except OSError:  # a file system without hard links
                        shutil.copyfile(src, dest)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(stage or site), "--output-path",
           str(site / "pagefind"), *PAGEFIND_ARGS, "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    if proc.returncode != 0 or not (site / "pagefind" / "pagefind-modular-ui.js").is_file():
        raise SystemExit(
            f"pagefind failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-2000:]}"
        )


_SEARCH_BLOCK = re.compile(r"^search:.*\n(?:[ \t]+.*\n)*", re.M)
_SIMPLE_SEARCH = re.compile(r"search:[ \t]*\n(?:[ \t]+[A-Za-z_]+:[ \t]*[\w.+-]+[ \t]*\n)+")
_SEARCH_ITEM = re.compile(r"^[ \t]+([A-Za-z_]+):[ \t]*([\w.+-]+)[ \t]*$", re.M)
# YAML 1.1's booleans, as PyYAML reads them (the front matter's reader).
_YAML_BOOLS = dict.fromkeys("true True TRUE yes Yes YES on On ON".split(), True)
_YAML_BOOLS.update(dict.fromkeys("false False FALSE no No NO off Off OFF".split(), False))


def searched_pages(docs: Path) -> list[str] | None:
    """The built HTML files (`a/b/index.html`, as MkDocs and zensical write them with directory URLs)
    of the docs/ pages that search indexes: all but those whose front matter says `search: exclude:
    true`, the test overrides/partials/content.html makes. None when no page is left out.

    Only the front matter's `search:` block is read as YAML. A page whose block cannot be read is kept:
    an extra page costs Pagefind a little time, while a missing one would be missing from search."""
    kept: list[str] = []
    left_out = False
    for path, url in shards.markdown_pages(docs):
        if _excluded(os.path.join(docs, path)):
            left_out = True
        else:
            kept.append(url + "index.html")
    return kept if left_out else None


def _excluded(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(8192)
        if not head.startswith(b"---"):
            return False
        end = head.find(b"\n---", 3)
        if end < 0:
            head += f.read()
            end = head.find(b"\n---", 3)
    front = head[3 : end if end >= 0 else len(head)].decode("utf-8", "replace") + "\n"
    block = _SEARCH_BLOCK.search(front)
    if block is None:
        return False
    # The block as the templates write it ("search:" then "  key: value" lines) is read here; YAML
    # (a tenth of a millisecond a page, seconds on a large site) only reads any other form.
    if _SIMPLE_SEARCH.fullmatch(block.group(0)):
        values = dict(_SEARCH_ITEM.findall(block.group(0)))
        value = values.get("exclude", "false")
        if value in _YAML_BOOLS:
            return _YAML_BOOLS[value]
    try:
        meta = yaml.safe_load(block.group(0))
    except yaml.YAMLError:
        return False
    search = meta.get("search") if isinstance(meta, dict) else None
    return isinstance(search, dict) and bool(search.get("exclude"))
