"""The data files a build makes in its forked process (knowledge.json, the CSVs, the feed) reach docs/
through a staging folder (writer.stage_files, pipeline._data_files) instead of being passed back whole."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
import tadmur.pipeline as pipeline
from conftest import copy_project, run_cli, snapshot
from tadmur.paths import Project
from tadmur.writer import KEEP, Staged, stage_files, write_tree


@pytest.mark.unit
def test_staged_files_are_moved_in_and_unchanged_ones_kept(tmp_path: Path) -> None:
    docs, stage = tmp_path / "docs", tmp_path / "stage"
    (docs / "data").mkdir(parents=True)
    (docs / "data" / "same.json").write_bytes(b"[1, 2]\n")
    (docs / "data" / "old.json").write_bytes(b"[0]\n")
    files = {"data/same.json": b"[1, 2]\n", "data/old.json": b"[3]\n", "data/new/x.csv": b"a,b\n"}
    staged = stage_files(files, docs, stage)
    assert staged["data/same.json"] is KEEP
    assert isinstance(staged["data/old.json"], Staged) and isinstance(staged["data/new/x.csv"], Staged)
    assert (docs / "data" / "old.json").read_bytes() == b"[0]\n"  # nothing in docs/ before the write
    stats = write_tree(docs, staged)
    assert stats == {"written": 2, "unchanged": 1, "removed": 0}
    assert {rel: (docs / rel).read_bytes() for rel in files} == files
    assert not [p for p in stage.rglob("*") if p.is_file()]  # moved, not copied


@pytest.mark.unit
def test_keep_is_still_keep_after_a_forked_process_returns_it() -> None:
    # A copy that is not KEEP itself would be written as an empty file (write_tree tests with `is`).
    assert pickle.loads(pickle.dumps({"data/x.json": KEEP}))["data/x.json"] is KEEP


@pytest.mark.unit
def test_a_staged_path_cannot_leave_its_folders(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside"):
        stage_files({"../escape.json": b"{}"}, tmp_path / "docs", tmp_path / "stage")
    assert not (tmp_path / "escape.json").exists()


@pytest.mark.e2e
def test_a_forked_build_writes_the_data_files_of_one_in_process(tmp_path: Path, monkeypatch) -> None:
    forked = copy_project(tmp_path / "forked")
    monkeypatch.setattr(pipeline, "POOL_MIN", 1)  # the seeds are few: fork as a large corpus would
    code, out, err = run_cli("--root", str(forked), "docs")
    assert code == 0, err + out
    assert not pipeline.staging(Project(forked)).exists()
    monkeypatch.undo()
    plain = copy_project(tmp_path / "plain")
    assert run_cli("--root", str(plain), "docs")[0] == 0
    assert snapshot(forked / "docs") == snapshot(plain / "docs")
    knowledge = forked / "docs" / "data" / "knowledge.json"
    assert b'"events"' in knowledge.read_bytes()

    # Built again with nothing changed, the data files are found as they are and left alone.
    before = {p: p.stat().st_mtime_ns for p in (forked / "docs" / "data").glob("*.*")}
    monkeypatch.setattr(pipeline, "POOL_MIN", 1)
    code, out, err = run_cli("--root", str(forked), "docs")
    assert code == 0, err + out
    assert before == {p: p.stat().st_mtime_ns for p in before}
    assert not pipeline.staging(Project(forked)).exists()


@pytest.mark.unit
def test_the_forked_process_ends_when_its_job_does_not_when_the_result_is_asked_for() -> None:
    # It holds copies of the build's pages: it must not stay alive while the pages are made.
    background = pipeline._Background(lambda: {"data/x.json": KEEP, "n": 42}, fork=True)
    background.reader.join(timeout=30)
    assert not background.reader.is_alive()
    with pytest.raises(ChildProcessError):
        os.waitpid(background.pid, os.WNOHANG)  # already reaped
    result = background.result()
    assert result["n"] == 42 and result["data/x.json"] is KEEP


def _fails():
    raise pipeline.BuildError("data/x.yml", 3, "bad value")


@pytest.mark.unit
def test_an_error_in_the_forked_process_is_raised_here() -> None:
    background = pipeline._Background(_fails, fork=True)
    with pytest.raises(pipeline.BuildError, match="bad value"):
        background.result()


@pytest.mark.unit
def test_a_cancelled_forked_process_is_stopped() -> None:
    background = pipeline._Background(lambda: time.sleep(60), fork=True)
    started = time.monotonic()
    background.cancel()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(background.pid, os.WNOHANG)
    with pytest.raises(RuntimeError, match="stopped before it finished"):
        background.result()


@pytest.mark.unit
def test_build_errors_survive_the_trip_from_the_forked_process() -> None:
    one, two = pipeline.BuildError("a.md", 1, "one"), pipeline.BuildError("b.md", None, "two")
    several = pipeline.BuildErrors([one, two])
    again = pickle.loads(pickle.dumps(several))
    assert type(again) is pipeline.BuildErrors and str(again) == str(several) == "a.md:1: one\nb.md: two"
