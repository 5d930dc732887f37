"""`run --out`: publishing replaces only an earlier briefing or creates a new folder; anything else is refused
before any step runs (exit 2, naming the path), and nothing that was there is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policy_kit import runner
from policy_kit.cli import app
from policy_kit.paths import briefing_name
from policy_kit.publish_target import check_out_dir, clean_leftovers, is_briefing

NOTEBOOKS = {s.notebook for s in runner.STEPS}


def _tree(folder: Path) -> list:
    """Every path below `folder` with its bytes (files) or None (folders): what must survive a refusal."""
    return sorted((p.relative_to(folder).as_posix(), p.read_bytes() if p.is_file() else None) for p in folder.rglob("*"))


def _briefing(folder: Path, params_file: str = "memorandum-2024.yaml") -> Path:
    (folder / "notebooks").mkdir(parents=True)
    (folder / "memo.docx").write_bytes(b"last good memo")
    manifest = {"run_id": "0123456789ab", "params_file": params_file, "params_sha256": "0" * 64, "steps": sorted(NOTEBOOKS), "timings_s": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def project(project_copy, monkeypatch):
    """A project copy with a last good briefing; any notebook execution fails the test."""
    _briefing(project_copy / "briefings" / "memorandum-2024")
    (project_copy / "notes.txt").write_text("my notes", encoding="utf-8")

    def no_step(*args, **kwargs):
        raise AssertionError("a step ran although the destination must be refused first")

    monkeypatch.setattr(runner, "_execute", no_step)
    monkeypatch.setattr(runner, "KernelSession", lambda *a, **k: pytest.fail("a kernel started"))
    monkeypatch.chdir(project_copy)
    return project_copy


REFUSED = {
    "project_root": ".",
    "data": "data",
    "briefings_itself": "briefings",
    "a_file": "notes.txt",
    "inside_a_file": "notes.txt/run",
    "plain_folder": "notebooks",
    "subfolder_of_briefing": "briefings/memorandum-2024/notebooks",
    "new_folder_inside_briefing": "briefings/memorandum-2024/other-run",
    "filesystem_root": "/",
    "step_cache": "briefings/.cache",
}


@pytest.mark.parametrize("out", REFUSED.values(), ids=REFUSED.keys())
def test_out_that_is_not_a_briefing_is_refused(project, out):
    (project / "briefings" / ".cache").mkdir(exist_ok=True)
    before = _tree(project)
    result = CliRunner().invoke(app, ["run", "params/memorandum-2024.yaml", "--out", out])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"Cannot publish the run to {out}: nothing was run" in result.output
    assert str(Path(out).resolve()) in result.output or "notes.txt" in result.output
    assert _tree(project) == before


def test_out_symlink_is_refused(project):
    (project / "link").symlink_to(project / "briefings" / "memorandum-2024")
    before = _tree(project / "briefings")
    result = CliRunner().invoke(app, ["run", "params/memorandum-2024.yaml", "--out", "link"])
    assert result.exit_code == 2 and "a symbolic link" in result.output, result.output
    assert _tree(project / "briefings") == before


def test_failed_folder_beside_out_that_is_not_ours_is_refused(project):
    (project / "mine.failed").mkdir()
    (project / "mine.failed" / "thesis.docx").write_bytes(b"mine")
    result = CliRunner().invoke(app, ["run", "params/memorandum-2024.yaml", "--out", "mine"])
    assert result.exit_code == 2 and "mine.failed" in result.output, result.output
    assert (project / "mine.failed" / "thesis.docx").read_bytes() == b"mine"
    assert not (project / "mine").exists()


def test_briefing_or_new_path_is_accepted(tmp_path):
    good = _briefing(tmp_path / "good")
    assert is_briefing(good)
    assert check_out_dir(good, NOTEBOOKS) == good.resolve()
    assert check_out_dir(tmp_path / "new" / "deeper", NOTEBOOKS) == (tmp_path / "new" / "deeper").resolve()
    (tmp_path / "good.failed").mkdir()
    (tmp_path / "good.failed" / "01_pilot_evidence.ipynb").write_text("{}")
    check_out_dir(good, NOTEBOOKS)  # a failed run's notebooks, as the runner keeps them


def test_folder_with_a_foreign_manifest_is_not_a_briefing(tmp_path):
    web = tmp_path / "webapp"
    web.mkdir()
    (web / "manifest.json").write_text('{"name": "my app", "icons": []}')
    assert not is_briefing(web)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json")
    assert not is_briefing(tmp_path / "broken")


def test_distinct_params_names_get_distinct_folders(tmp_path):
    names = ["a b", "a-b", "a_b", "a.b", "a  b", "a/b", "..", ".", "", "é", "e"]
    folders = {runner.default_out_dir(tmp_path, Path("params") / f"{n}.yaml") for n in names}
    assert len(folders) == len(names)
    for folder in folders:
        assert folder.parent == tmp_path / "briefings" and not folder.name.startswith(".")
    assert briefing_name("memorandum-2024") == "memorandum-2024"  # a clean name is kept as it is


def test_default_folder_of_another_params_file_is_not_replaced(project):
    """Two params files reaching one default folder (here by hand) do not replace each other's briefing."""
    shutil_copy = (project / "params" / "memorandum-2024.yaml").read_text(encoding="utf-8")
    (project / "params" / "other.yaml").write_text(shutil_copy, encoding="utf-8")
    _briefing(project / "briefings" / "other", params_file="not-other.yaml")
    before = _tree(project / "briefings")
    result = CliRunner().invoke(app, ["run", "params/other.yaml"])
    assert result.exit_code == 2 and "it holds the briefing of not-other.yaml" in result.output, result.output
    assert _tree(project / "briefings") == before


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_dead_runs_are_cleaned_and_live_ones_kept(tmp_path):
    dead, alive = _dead_pid(), os.getppid()
    stale = tmp_path / f".memo.partial-{dead}-abc_12"
    live = tmp_path / f".memo.partial-{alive}-xyz"
    swap_done = tmp_path / f".other.old-{dead}"
    for folder in (stale, live, swap_done, tmp_path / "other", tmp_path / ".hidden-notes"):
        folder.mkdir()
        (folder / "f").write_text("x")
    # killed between the two renames of a publish: the last good briefing sits in its swap folder
    lost = _briefing(tmp_path / f".memo2.old-{dead}")
    removed = clean_leftovers(tmp_path)
    assert sorted(p.name for p in removed) == sorted([stale.name, swap_done.name])
    assert live.exists() and (tmp_path / ".hidden-notes").exists() and (tmp_path / "other" / "f").exists()
    assert not lost.exists() and is_briefing(tmp_path / "memo2")


def test_next_run_cleans_stale_staging(project, monkeypatch):
    """A run killed mid-way left its staging folder; the next run in the same place removes it."""
    stale = project / "briefings" / f".memorandum-2024.partial-{_dead_pid()}-q1"
    (stale / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(runner.StepCache, "has", lambda self, key: True)
    monkeypatch.setattr(runner.StepCache, "restore", lambda self, key, staging: (_ for _ in ()).throw(RuntimeError("stop here")))
    with pytest.raises(RuntimeError, match="stop here"):
        runner.run(project / "params" / "memorandum-2024.yaml")
    assert not stale.exists()
    assert not [p for p in (project / "briefings").iterdir() if ".partial-" in p.name]
    assert (project / "briefings" / "memorandum-2024" / "memo.docx").read_bytes() == b"last good memo"


def test_read_only_parent_is_a_message(project, monkeypatch):
    """briefings/ made read-only: the staging folder cannot be made; a message names the folder (root may write
    anywhere, so the refusal of the file system is simulated)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    result = CliRunner().invoke(app, ["run", "params/memorandum-2024.yaml"])
    assert result.exit_code == 2 and "Cannot write the run folder" in result.output, result.output
    assert "Permission denied" in result.output and "Traceback" not in result.output
    assert (project / "briefings" / "memorandum-2024" / "memo.docx").read_bytes() == b"last good memo"
