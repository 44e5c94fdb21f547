"""The generated docs/ must also build with zensical, MkDocs' successor (it ignores hooks and plugins).

Search is Pagefind's, run over the built HTML after either engine: `tadmur site` runs it after MkDocs,
and `tadmur.pipeline.index_search(site, docs)` does the same after `zensical build`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from siteutil import pagefind_records
from tadmur.pipeline import index_search


def test_site_builds_with_zensical(built_site: Path, tmp_path: Path) -> None:
    zensical = Path(sys.executable).with_name("zensical")
    if not zensical.exists():
        pytest.fail("zensical is a pinned dev dependency; run `make test` to install it")
    shutil.copy(built_site / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(built_site / "docs", tmp_path / "docs")
    shutil.copytree(built_site / "overrides", tmp_path / "overrides")  # theme.custom_dir
    proc = subprocess.run([str(zensical), "build"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = tmp_path / "site"
    sources = sorted((site / "sources").glob("*/index.html"))
    assert len(sources) == len(list((built_site / "seeds").glob("*.md")))
    html = sources[0].read_text(encoding="utf-8")
    assert 'id="p1"' in html  # paragraph anchors survive (attr_list)
    assert (site / "data" / "knowledge.json").exists()
    # Pages carry no Markdown H1 (contributors write above the generated part): the theme prints the title.
    actor = next((site / "actors").glob("*/index.html")).read_text(encoding="utf-8")
    assert actor.count("<h1") == 1
    # The theme override (Material's custom_dir) works here too: every page links the Atom feed, which
    # the build wrote into docs/ with the CSV exports, so they are published as they are.
    assert 'type="application/atom+xml"' in actor and "feed.xml" in actor
    for name in ("feed.xml", "data/events.csv", "data/mentions.csv", "data/entities.csv"):
        assert (site / name).read_bytes() == (built_site / "docs" / name).read_bytes(), name
    # The theme override holds: Pagefind's search box in the header, the page text marked for it.
    palmyra = (site / "places" / "palmyra" / "index.html").read_text(encoding="utf-8")
    assert "data-tadmur-search" in palmyra and "data-pagefind-body" in palmyra
    assert 'data-pagefind-meta="names:palmyra tadmur' in palmyra
    index_search(site, tmp_path / "docs")  # only the pages search indexes, as after MkDocs
    records = pagefind_records(site)
    assert "/places/palmyra/" in records and "/review/" not in records
    assert "tadmur" in records["/places/palmyra/"]["meta"]["names"].split()
