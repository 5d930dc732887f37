"""A run that fails or is stopped: non-zero exit, a message naming notebook, cell and error, the partial
notebook kept beside the run folder, the last good briefing untouched, nothing half-written left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from policy_kit.errors import StepFailure
from policy_kit.runner import STEPS, _failure, run

NOTEBOOK = "01_pilot_evidence.ipynb"


def _good_briefing(project: Path) -> tuple[Path, list]:
    good = project / "briefings" / "memorandum-2024"
    good.mkdir(parents=True)
    (good / "memo.docx").write_bytes(b"last good memo")
    (good / "results.json").write_text("{}\n")
    # a briefing holds the run manifest: only such a folder may be replaced by a later run
    manifest = {"run_id": "0" * 12, "params_file": "memorandum-2024.yaml", "params_sha256": "0" * 64, "steps": [], "timings_s": {}}
    (good / "manifest.json").write_text(json.dumps(manifest) + "\n")
    return good, _contents(good)


def _contents(folder: Path) -> list:
    return sorted((p.relative_to(folder).as_posix(), p.read_bytes()) for p in folder.rglob("*") if p.is_file())


def _insert_cell(project: Path, source: str) -> None:
    """A cell right after the parameters cell, so it runs before any real work."""
    path = project / "notebooks" / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def _cell_number(kept: Path, text: str) -> int:
    """1-based position of the cell holding `text` in the kept notebook (papermill added a parameters cell)."""
    cells = nbformat.read(kept, as_version=4).cells
    return next(i for i, c in enumerate(cells, 1) if text in c.source)


def _no_leftovers(project: Path) -> None:
    assert not [p for p in (project / "briefings").iterdir() if ".partial-" in p.name or ".old-" in p.name]


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The kernel's socket folder goes here, so a test can see that it was removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_failure_without_cell_index_names_the_running_cell(tmp_path):
    """A timeout or a dead kernel carries no cell number: it is read from the kept notebook (fast check)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in ("x = 1", "import time; time.sleep(30)", "y = 2")])
    for i, cell in enumerate(nb.cells):
        cell.metadata["papermill"] = {"start_time": "2024-01-01T00:00:00" if i < 2 else None}
    kept = tmp_path / "kept.ipynb"
    kept.write_text(json.dumps(nb), encoding="utf-8")

    class CellTimeoutError(TimeoutError):
        pass

    failure = _failure(STEPS[0], CellTimeoutError("A cell timed out while it was being executed, after 2 seconds.\nmore"), kept)
    assert failure.cell == 2 and failure.exit_code == 1
    text = failure.render()
    assert "failed at cell 2 (import time; time.sleep(30))" in text
    assert "run.step_timeout_s" in text and str(kept) in text


@pytest.mark.slow
def test_killed_kernel_fails_cleanly(project_copy, private_tmp):
    params = project_copy / "params" / "memorandum-2024.yaml"
    good, before = _good_briefing(project_copy)
    _insert_cell(project_copy, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")

    started = time.monotonic()
    with pytest.raises(StepFailure) as info:
        run(params, cache_dir=project_copy / "cache")
    assert time.monotonic() - started < 120  # noticed, not waited out

    failure = info.value
    kept = project_copy / "briefings" / "memorandum-2024.failed" / NOTEBOOK
    assert failure.notebook == NOTEBOOK and failure.exit_code != 0
    assert failure.cell == _cell_number(kept, "SIGKILL")
    assert "DeadKernelError" in failure.render() and "kernel" in failure.render()
    assert _contents(good) == before
    _no_leftovers(project_copy)
    assert not list(private_tmp.iterdir())  # the kernel's socket folder is gone


@pytest.mark.slow
def test_timeout_from_params_fails_naming_the_timeout(project_copy, private_tmp):
    # the limit is for the whole step: wide enough for the cells before the sleep, far below the sleep itself
    params = project_copy / "params" / "memorandum-2024.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("step_timeout_s: 900", "step_timeout_s: 30"), encoding="utf-8")
    good, before = _good_briefing(project_copy)
    _insert_cell(project_copy, "import time; time.sleep(300)")

    started = time.monotonic()
    with pytest.raises(StepFailure) as info:
        run(params, cache_dir=project_copy / "cache")
    assert time.monotonic() - started < 240  # stopped by the timeout, not by the end of the sleep

    failure = info.value
    kept = project_copy / "briefings" / "memorandum-2024.failed" / NOTEBOOK
    assert failure.cell == _cell_number(kept, "time.sleep(300)")
    text = failure.render()
    assert "StepTimeout" in text and "run.step_timeout_s = 30 s" in text
    assert "time.sleep(300)" in text and str(kept) in text
    assert _contents(good) == before
    _no_leftovers(project_copy)
    assert not list(private_tmp.iterdir())


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("policy-kit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policy_kit"]


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [False, True], ids=["process", "terminal"])
def test_ctrl_c_publishes_nothing(project_copy, whole_group):
    """SIGINT to the process (kill -INT) or to its whole group (Ctrl-C in a terminal) while a notebook runs."""
    good, before = _good_briefing(project_copy)
    _insert_cell(project_copy, "import time; time.sleep(120)")
    proc = subprocess.Popen(_cli() + ["run", "params/memorandum-2024.yaml"], cwd=project_copy, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        # wait until papermill has started the notebook inside the staging folder
        while not list((project_copy / "briefings").glob(f".memorandum-2024.partial-*/notebooks/{NOTEBOOK}")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run did not start"
            time.sleep(0.2)
        time.sleep(1)
        if whole_group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err, err
    assert _contents(good) == before
    _no_leftovers(project_copy)


def test_publish_is_not_cut_by_ctrl_c(tmp_path):
    """Between its two renames a publish would leave neither run in place: Ctrl-C waits until it is done."""
    from policy_kit.runner import _publish

    final, staging = tmp_path / "memo", tmp_path / ".memo.partial-1"
    final.mkdir()
    (final / "memo.docx").write_text("old")
    staging.mkdir()
    (staging / "memo.docx").write_text("new")
    real_rename = Path.rename

    def rename_interrupted(self, target):
        result = real_rename(self, target)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right after the first rename
        return result

    Path.rename = rename_interrupted
    try:
        _publish(staging, final)
    finally:
        Path.rename = real_rename
    assert (final / "memo.docx").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo"]
