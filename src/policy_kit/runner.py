"""Run a scenario: validate params, execute the stage notebooks with papermill, publish the run folder.

The run is built in a staging folder next to its destination and swapped into place only when
every step succeeded, so a failed or interrupted run never replaces the last good briefing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable

from policy_kit import __version__, records
from policy_kit.errors import StepFailure, UserError
from policy_kit.params import Params, file_hash, load
from policy_kit.paths import project_root, safe_name


@dataclass(frozen=True)
class Step:
    stage: str
    notebook: str


STEPS = (
    Step("evidence", "01_pilot_evidence.ipynb"),
    Step("economics", "02_cost_benefit.ipynb"),
    Step("plan", "03_prevention_plan.ipynb"),
    Step("memo", "04_memo.ipynb"),
)
KERNEL = "python3"
VERSIONED = ("policy_kit", "papermill", "nbclient", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "python-docx", "babel", "pydantic")
USER_ERRORS = {"UserError", "ParamsError", "DataError", "MissingResult", "PlaceholderError", "MemoCheckFailed"}


@dataclass
class RunResult:
    run_dir: Path
    timings: dict[str, float] = field(default_factory=dict)


def default_out_dir(root: Path, params_path: Path) -> Path:
    return root / "briefings" / safe_name(params_path.stem)


def package_versions() -> dict[str, str]:
    out = {}
    for name in VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(root: Path) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=10)
        return commit.stdout.strip() + ("+modified" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(params_path: Path, params: Params, root: Path) -> dict:
    """What identifies a run's inputs; the same inputs give the same run id."""
    data = {str(p.relative_to(root)): file_hash(p) for p in params.data_files(root)}
    prov = {
        "params_file": params_path.name,
        "params_sha256": file_hash(params_path),
        "data_sha256": data,
        "git_commit": git_commit(root),
        "package_version": __version__,
        "versions": package_versions(),
    }
    prov["run_id"] = hashlib.sha256(json.dumps(prov, sort_keys=True).encode()).hexdigest()[:12]
    return prov


def _execute(step: Step, root: Path, staging: Path, params_path: Path, params: Params) -> None:
    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    out_nb = staging / "notebooks" / step.notebook
    pm.execute_notebook(
        str(root / "notebooks" / step.notebook),
        str(out_nb),
        parameters={
            "params_file": str(params_path),
            "run_dir": str(staging),
            "params": params.model_dump(mode="json"),
        },
        kernel_name=KERNEL,
        cwd=str(root / "notebooks"),
        progress_bar=False,
        execution_timeout=params.run.step_timeout_s,
        shutdown_kernel="immediate",
    )


def _failure(step: Step, exc: BaseException, kept_at: Path | None) -> StepFailure:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc)).strip()
    cell = getattr(exc, "exec_count", None)
    failure = StepFailure(
        summary="", notebook=step.notebook, cell=cell, ename=ename, evalue=evalue, kept_at=str(kept_at) if kept_at else None
    )
    # A user error raised inside a notebook (bad data, unknown placeholder) is still the user's to fix: exit 2.
    failure.exit_code = 2 if ename in USER_ERRORS else 1
    return failure


def export_html(notebooks_dir: Path, html_dir: Path) -> None:
    """Readable copies of the executed notebooks, code hidden, for readers without Jupyter."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    html_dir.mkdir(parents=True, exist_ok=True)
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
        (html_dir / f"{nb_path.stem}.html").write_text(body, encoding="utf-8")


def _publish(staging: Path, final: Path) -> None:
    """Swap the finished run into place; the old folder is removed only after the new one is there."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    try:
        staging.rename(final)
    except OSError:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _keep_failed(staging: Path, final: Path, step: Step) -> Path | None:
    """Keep the partial notebook under <run folder>/failed/ without touching the rest of the last good run."""
    partial = staging / "notebooks" / step.notebook
    if not partial.exists():
        return None
    failed = final / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    target = failed / step.notebook
    shutil.copy2(partial, target)
    return target


def run(
    params_path: str | Path,
    out_dir: str | Path | None = None,
    *,
    on_step: Callable[[Step, str, float], None] | None = None,
) -> RunResult:
    """Validate, execute every step, publish. Raises ParamsError before any notebook starts if params are bad."""
    params_path = Path(params_path).resolve()
    params = load(params_path)
    root = project_root(params_path)
    final = Path(out_dir).resolve() if out_dir else default_out_dir(root, params_path)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    timings: dict[str, float] = {}
    try:
        prov = provenance(params_path, params, root)
        (staging / "provenance.json").write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        for step in STEPS:
            if on_step:
                on_step(step, "start", 0.0)
            started = time.perf_counter()
            try:
                _execute(step, root, staging, params_path, params)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # any notebook, kernel or timeout failure
                raise _failure(step, exc, _keep_failed(staging, final, step)) from None
            timings[step.notebook] = round(time.perf_counter() - started, 3)
            if on_step:
                on_step(step, "done", timings[step.notebook])
        started = time.perf_counter()
        records.write_results_json(staging)
        export_html(staging / "notebooks", staging / "html")
        timings["results+html"] = round(time.perf_counter() - started, 3)
        manifest = {**prov, "timings_s": timings, "steps": [s.notebook for s in STEPS]}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _publish(staging, final)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return RunResult(final, timings)


__all__ = ["run", "STEPS", "Step", "RunResult", "UserError"]
