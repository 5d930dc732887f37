"""Careless command lines get a message and exit 2, never a traceback: `new`, `sweep`, `compare`, `run`."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policy_kit.cli import app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    return project_copy


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# --- new ---------------------------------------------------------------------------------------------

def test_new_refuses_a_name_too_long_for_a_file(project):
    before = _files(project)
    code, text = _invoke("new", "x" * 300)
    assert code == 2 and "at most 100" in text
    assert _files(project) == before


def test_new_from_a_binary_file(project, tmp_path):
    binary = tmp_path / "elsewhere" / "base.yaml"
    binary.parent.mkdir()
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    code, text = _invoke("new", "copy", "--from", str(binary))
    assert code == 2 and "not a UTF-8 params file" in text
    assert not (project / "params" / "copy.yaml").exists()


def test_new_from_elsewhere_writes_only_under_params(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(project / "params" / "memorandum-2024.yaml", elsewhere / "base.yaml")
    code, text = _invoke("new", "from-outside", "--from", str(elsewhere / "base.yaml"))
    assert code == 0, text
    assert (project / "params" / "from-outside.yaml").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["base.yaml"]


# --- sweep -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("setting, message", [
    ("plan.budget_cap=[1,2", "cannot be read"),
    ("plan.budget_cap={a: [}", "cannot be read"),
    ("plan.budget_cap=nan", "not a finite number"),
    ("plan.budget_cap=-inf", "not a finite number"),
    ("plan.budget_cap=[0.5, .nan]", "not a finite number"),
    ("plan.budget_cap=!!python/object/apply:os.system [ls]", "cannot be read"),
    ("=3", "expected KEY=VALUE"),
    ("plan.budget_cap", "expected KEY=VALUE"),
])
def test_malformed_set_values(project, setting, message):
    before = _files(project)
    code, text = _invoke("sweep", "params/memorandum-2024.yaml", "--set", setting)
    assert code == 2 and message in text, text
    assert _files(project) == before  # refused before any folder is made


@pytest.mark.parametrize("workers", ["-1", "0"])
def test_workers_must_be_positive(project, workers):
    code, text = _invoke("sweep", "params/memorandum-2024.yaml", "--set", "plan.budget_cap=5e6", "--workers", workers)
    assert code == 2 and "--workers" in text


@pytest.mark.parametrize("content, message", [
    (b"- {plan.budget_cap: !!python/object/apply:os.system [ls]}\n", "YAML tag not allowed"),
    (b"- [1, 2\n", "YAML syntax error"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
     "expands to more than"),
    (b"just text\n", "expected a YAML list of variations"),
])
def test_malformed_variants_files(project, content, message):
    (project / "variants.yaml").write_bytes(content)
    code, text = _invoke("sweep", "params/memorandum-2024.yaml", "--variants", "variants.yaml")
    assert code == 2 and message in text, text


# --- compare -----------------------------------------------------------------------------------------

def _fake_run(folder: Path, results: str = "{}") -> Path:
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(results, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"run_id": folder.name}), encoding="utf-8")
    return folder


@pytest.mark.parametrize("results", ['{"plan.recommended.name": {"value": "full"', "[1, 2]", '{"a": 3}', ""])
def test_compare_with_a_damaged_results_file(project, results):
    a = _fake_run(project / "briefings" / "a")
    b = _fake_run(project / "briefings" / "b", results)
    code, text = _invoke("compare", str(a), str(b))
    assert code == 2 and "damaged run folder" in text and "results.json" in text, text


def test_compare_out_must_be_a_docx_path(project):
    a = _fake_run(project / "briefings" / "a")
    b = _fake_run(project / "briefings" / "b")
    for out in (str(project / "briefings"), str(project / "notes.txt")):
        code, text = _invoke("compare", str(a), str(b), "--out", out)
        assert code == 2 and "expected the path of a .docx file" in text, text
    assert not (project / "notes.txt").exists()


# --- run ---------------------------------------------------------------------------------------------

def test_long_tmpdir_keeps_kernel_sockets_short(monkeypatch, tmp_path):
    from policy_kit.runner import SOCKET_PATH_MAX, _SOCKET_ROOM, _socket_base

    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    base = _socket_base()
    assert base != str(deep) and len(os.fsencode(base)) + _SOCKET_ROOM <= SOCKET_PATH_MAX
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    assert _socket_base() == "/tmp"


def test_unreadable_params_file(project):
    params = project / "params" / "memorandum-2024.yaml"
    params.chmod(0)
    try:
        if os.access(params, os.R_OK):
            pytest.skip("running as a user who can read anything")
        code, text = _invoke("validate", str(params))
    finally:
        params.chmod(0o644)
    assert code == 2 and "cannot be read" in text


def test_write_failure_during_a_run_is_a_message(project, monkeypatch):
    """A file-size limit or a full disk while the run writes: a message, nothing published (exit 2)."""
    from policy_kit import runner

    def too_large(*args, **kwargs):
        raise OSError(27, "File too large", "briefings/.cache/ab/entry")

    monkeypatch.setattr(runner, "provenance", too_large)
    code, text = _invoke("run", "params/memorandum-2024.yaml")
    assert code == 2 and "File too large" in text and "nothing was published" in text
    assert not [p for p in (project / "briefings").iterdir() if p.name.startswith(".")]
