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
from policy_kit.cache import StepCache, snapshot, step_key
from policy_kit.errors import StepFailure, UserError
from policy_kit.params import Params, file_hash, load
from policy_kit.paths import project_root, safe_name


@dataclass(frozen=True)
class Step:
    stage: str
    notebook: str
    reads: tuple[str, ...]  # params sections the notebook reads: part of its cache key


STEPS = (
    Step("evidence", "01_pilot_evidence.ipynb", ("run", "evidence")),
    Step("economics", "02_cost_benefit.ipynb", ("run", "economics")),
    Step("plan", "03_prevention_plan.ipynb", ("run", "economics", "plan")),
    Step("memo", "04_memo.ipynb", ("meta", "run", "evidence", "economics", "plan", "memo")),
)
KERNEL = "python3"
VERSIONED = ("policy_kit", "papermill", "nbclient", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "python-docx", "babel", "pydantic")
USER_ERRORS = {"UserError", "ParamsError", "DataError", "MissingResult", "PlaceholderError", "MemoCheckFailed"}


@dataclass
class RunResult:
    run_dir: Path
    timings: dict[str, float] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)


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


# Imported once per run in the shared kernel, while the main process validates and hashes.
WARM_UP = "import numpy, pandas, scipy.stats, statsmodels.api, matplotlib.pyplot, seaborn, docx, policy_kit"
# Each notebook starts from an empty namespace; imported modules stay loaded, which is the point.
RESET = "get_ipython().run_line_magic('reset', '-f'); import matplotlib.pyplot as _plt; _plt.close('all'); del _plt"


class KernelSession:
    """One kernel for all the steps of a run: a kernel start and the heavy imports are paid once."""

    def __init__(self, cwd: Path):
        from concurrent.futures import ThreadPoolExecutor

        self._cwd = cwd
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._ready = self._pool.submit(self._start)
        self.km = None

    def _start(self):
        from jupyter_client.manager import KernelManager

        # IPC sockets in a private folder: no TCP port, and no "unencrypted TCP" warning on stderr
        self._sockets = Path(tempfile.mkdtemp(prefix="policy-kit-kernel-"))
        km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(self._sockets / "kernel"))
        km.start_kernel(cwd=str(self._cwd))
        self.km = km
        self._run(WARM_UP)
        return km

    def _run(self, code: str) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            kc.execute_interactive(code, store_history=False, timeout=300)
        finally:
            kc.stop_channels()

    def fresh(self):
        """The kernel manager, with an empty user namespace."""
        km = self._ready.result()
        self._run(RESET)
        return km

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        if getattr(self, "_sockets", None):
            shutil.rmtree(self._sockets, ignore_errors=True)


def _execute(step: Step, root: Path, staging: Path, params_path: Path, params: Params, kernel: KernelSession) -> None:
    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    (staging / "notebooks").mkdir(exist_ok=True)
    pm.execute_notebook(
        str(root / "notebooks" / step.notebook),
        str(staging / "notebooks" / step.notebook),
        parameters={
            "params_file": str(params_path),
            "run_dir": str(staging),
            "params": params.model_dump(mode="json"),
        },
        kernel_name=KERNEL,
        cwd=str(root / "notebooks"),
        progress_bar=False,
        execution_timeout=params.run.step_timeout_s,
        km=kernel.fresh(),
    )


def _failure(step: Step, exc: BaseException, kept_at: Path | None) -> StepFailure:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc)).strip()
    index = getattr(exc, "cell_index", None)
    # 1-based position in the executed notebook kept for inspection (it includes the injected parameters cell)
    cell = index + 1 if isinstance(index, int) else None
    failure = StepFailure(step.notebook, cell, ename, evalue, str(kept_at) if kept_at else None, getattr(exc, "source", "") or "")
    # A user error raised inside a notebook (bad data, unknown placeholder) is still the user's to fix: exit 2.
    failure.exit_code = 2 if ename in USER_ERRORS else 1
    return failure


def export_html(notebook: Path, html_dir: Path) -> None:
    """A readable copy of an executed notebook, code hidden, for readers without Jupyter."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    html_dir.mkdir(parents=True, exist_ok=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    (html_dir / f"{notebook.stem}.html").write_text(body, encoding="utf-8")


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
    """Keep the partial notebook in <run folder>.failed/, beside the last good run, which stays untouched."""
    partial = staging / "notebooks" / step.notebook
    if not partial.exists():
        return None
    failed = final.with_name(final.name + ".failed")
    failed.mkdir(parents=True, exist_ok=True)
    target = failed / step.notebook
    shutil.copy2(partial, target)
    return target


def _step_keys(root: Path, params: Params, prov: dict) -> list[str]:
    """Cache keys of every step, each chained to the one before so an upstream change flows down."""
    dumped = params.model_dump(mode="json")
    keys, upstream = [], ""
    for step in STEPS:
        upstream = step_key(
            notebook=root / "notebooks" / step.notebook,
            params_sections={section: dumped[section] for section in step.reads},
            data_hashes=prov["data_sha256"],
            upstream=upstream,
            # the memo prints the provenance, so it is an input of that step only
            extra={"provenance": prov} if step.stage == "memo" else None,
        )
        keys.append(upstream)
    return keys


def run(
    params_path: str | Path,
    out_dir: str | Path | None = None,
    *,
    force: bool = False,
    cache_dir: str | Path | None = None,
    on_step: Callable[[Step, str, float], None] | None = None,
) -> RunResult:
    """Validate, execute (or reuse from the cache) every step, publish.

    Raises ParamsError before any notebook starts if the params are bad, StepFailure if a step fails;
    in both cases the previous run folder is left as it was.
    """
    params_path = Path(params_path).resolve()
    params = load(params_path)
    root = project_root(params_path)
    final = Path(out_dir).resolve() if out_dir else default_out_dir(root, params_path)
    final.parent.mkdir(parents=True, exist_ok=True)
    cache = StepCache(Path(cache_dir) if cache_dir else root / "briefings" / ".cache")
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    timings: dict[str, float] = {}
    cached: list[str] = []
    kernel: KernelSession | None = None
    try:
        prov = provenance(params_path, params, root)
        (staging / "provenance.json").write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        keys = _step_keys(root, params, prov)
        if force or not all(cache.has(k) for k in keys):
            kernel = KernelSession(root / "notebooks")  # warms up while cached steps are restored
        for step, key in zip(STEPS, keys):
            if on_step:
                on_step(step, "start", 0.0)
            started = time.perf_counter()
            if not force and cache.restore(key, staging):
                cached.append(step.notebook)
                state = "cached"
            else:
                if kernel is None:
                    kernel = KernelSession(root / "notebooks")
                before = snapshot(staging)
                try:
                    _execute(step, root, staging, params_path, params, kernel)
                except KeyboardInterrupt:
                    raise
                except Exception as exc:  # any notebook, kernel or timeout failure
                    raise _failure(step, exc, _keep_failed(staging, final, step)) from None
                export_html(staging / "notebooks" / step.notebook, staging / "html")
                cache.store(key, staging, before)
                state = "done"
            timings[step.notebook] = round(time.perf_counter() - started, 3)
            if on_step:
                on_step(step, state, timings[step.notebook])
        records.write_results_json(staging)
        manifest = {**prov, "timings_s": timings, "cached_steps": cached, "steps": [s.notebook for s in STEPS]}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _publish(staging, final)
    finally:
        if kernel is not None:
            kernel.close()
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return RunResult(final, timings, cached)


__all__ = ["run", "STEPS", "Step", "RunResult", "UserError"]
