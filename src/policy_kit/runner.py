"""Run a scenario: validate params, execute the stage notebooks with papermill, publish the run folder.

The run is built in a staging folder next to its destination and swapped into place only when
every step succeeded, so a failed or interrupted run never replaces the last good briefing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable

from policy_kit import __version__, preflight, records
from policy_kit.cache import StepCache, changed_files, snapshot, step_key
from policy_kit.errors import Problem, StepFailure, UserError
from policy_kit.params import Params, check_data_files, file_hash
from policy_kit.params.loader import read_yaml
from policy_kit.params.overrides import load_with_overrides
from policy_kit.paths import briefing_name, find_project, normal_permissions
from policy_kit.publish_target import OutDirError, check_default_owner, check_out_dir, clean_leftovers


@dataclass(frozen=True)
class Step:
    stage: str
    notebook: str
    reads: tuple[str, ...]  # params sections the notebook reads: part of its cache key


# The `run` section (time limit, cache size) changes how a run goes, not what it computes: no step reads it.
STEPS = (
    Step("evidence", "01_pilot_evidence.ipynb", ("evidence",)),
    Step("economics", "02_cost_benefit.ipynb", ("economics",)),
    Step("plan", "03_prevention_plan.ipynb", ("economics", "plan")),
    Step("memo", "04_memo.ipynb", ("meta", "evidence", "economics", "plan", "memo")),
)
KERNEL = "python3"
PARAMS_COPY = "params.yaml"
VERSIONED = ("policy_kit", "papermill", "nbclient", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "python-docx", "babel", "pydantic")
USER_ERRORS = {"UserError", "ParamsError", "DataError", "MissingResult", "PlaceholderError", "MemoCheckFailed", "MarginError"}


@dataclass
class RunResult:
    run_dir: Path
    timings: dict[str, float] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)


def default_out_dir(root: Path, params_path: Path) -> Path:
    return root / "briefings" / briefing_name(params_path.stem)


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


# Imported once per kernel, while the main process validates and hashes.
WARM_UP = "import numpy, pandas, scipy.stats, statsmodels.api, matplotlib.pyplot, seaborn, docx, policy_kit"
# Each notebook starts from an empty namespace; imported modules stay loaded, which is the point.
RESET = "get_ipython().run_line_magic('reset', '-f'); import matplotlib.pyplot as _plt; _plt.close('all'); del _plt"


def _skip_iri_format_checker() -> None:
    """Import jsonschema without the 'iri' format checker.

    jsonschema builds about forty grammars for it when imported (1 to 2 s; jsonschema#1428, nbformat#420),
    and nbformat's notebook schema never uses that format. Only the import is affected: rfc3987_syntax stays
    importable afterwards.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail, which jsonschema allows
    try:
        import jsonschema  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]


def _tracking(manager_class):
    """The kernel manager class, remembering the clients it makes (see KernelSession.release_clients)."""

    class StepKernelManager(manager_class):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.step_clients = []

        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.step_clients.append(client)
            return client

    return StepKernelManager


# A Unix socket path holds at most 107 bytes; the kernel's are <base>/policy-kit-kernel-<8 random characters>/kernel-<n>.
SOCKET_PATH_MAX = 107
_SOCKET_ROOM = len("/policy-kit-kernel-") + 8 + len("/kernel-9")  # jupyter numbers ipc channels 1 to 5


def _socket_base() -> str:
    """The temporary folder, unless it is too deep for a socket path (a long TMPDIR): then the system's own."""
    base = tempfile.gettempdir()
    if len(os.fsencode(base)) + _SOCKET_ROOM <= SOCKET_PATH_MAX:
        return base
    for candidate in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return candidate
    raise UserError(f"The temporary folder {base} is too deep for the kernel's sockets ({SOCKET_PATH_MAX} bytes at most)",
                    [Problem("TMPDIR", "path too long", expected=f"at most {SOCKET_PATH_MAX - _SOCKET_ROOM} bytes",
                             found=f"{len(os.fsencode(base))} bytes", hint="set TMPDIR to a shorter folder, e.g. /tmp")])


class KernelSession:
    """One kernel for all the steps of a run (or of a sweep worker's runs): start and heavy imports are paid once.

    The kernel starts and imports in a background thread; after a step, `recycle` clears its namespace in
    that thread too, while the main thread exports the step's HTML page.
    """

    def __init__(self, cwd: Path, *, start: bool = True):
        from concurrent.futures import ThreadPoolExecutor

        self.cwd = Path(cwd)
        self.km = None
        self._sockets: Path | None = None
        self._dirty = False  # a step ran since the namespace was last cleared
        self._closing = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-kit-kernel")
        self._ready = None
        if start:
            self.start()

    def start(self) -> None:
        """Start the kernel in the background, once (a lent session starts only when a step has to run)."""
        if self._ready is None:
            self._ready = self._pool.submit(self._start)

    def _start(self) -> None:
        _skip_iri_format_checker()
        from jupyter_client.manager import KernelManager

        if self._closing.is_set():
            return
        # IPC sockets in a private folder: no TCP port, and no "unencrypted TCP" warning on stderr
        self._sockets = Path(tempfile.mkdtemp(prefix="policy-kit-kernel-", dir=_socket_base()))
        # nbclient awaits the client that km.client() makes: a blocking one would stall its event loop,
        # so a dead kernel or a cell timeout would hang the run instead of failing it
        km = _tracking(KernelManager)(kernel_name=KERNEL, transport="ipc", ip=str(self._sockets / "kernel"),
                                      client_class="jupyter_client.asynchronous.AsyncKernelClient")
        km.start_kernel(cwd=str(self.cwd))
        self.km = km
        self._run(WARM_UP + "\n" + RESET)

    def _run(self, code: str, timeout: float = 300) -> None:
        """Execute code and wait for its reply; returns early when the session is closing."""
        import queue

        from jupyter_client.blocking import BlockingKernelClient

        if self._closing.is_set():
            return
        # A client per call: one kept open stopped getting replies once papermill's client had connected
        # (both use the manager's session).
        kc = BlockingKernelClient(**self.km.get_connection_info(session=True), connection_file=self.km.connection_file, parent=self.km)
        kc.start_channels()
        try:
            # No wait_for_ready: its iopub handshake costs 0.2 s, and only the shell reply is awaited here,
            # which zmq queues and delivers even if sent before the kernel listens.
            msg_id = kc.execute(code, store_history=False)
            deadline = time.monotonic() + timeout
            while not self._closing.is_set():
                try:
                    reply = kc.get_shell_msg(timeout=0.2)
                except queue.Empty:
                    if not self.km.is_alive():
                        raise RuntimeError("the kernel stopped while starting or resetting") from None
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the kernel did not finish {code[:40]!r} in {timeout:.0f} s") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    return
        finally:
            kc.stop_channels()

    @property
    def alive(self) -> bool:
        """False once the kernel failed to start, to reset, or died: a reused session is then replaced."""
        if self._ready is None or not self._ready.done():
            return not self._closing.is_set()
        if self._ready.exception() is not None:
            return False
        return self.km is not None and self.km.is_alive()

    def fresh(self):
        """The kernel manager, with an empty user namespace."""
        self.start()
        self._ready.result()
        if self._dirty:  # not recycled after the last step (it failed, or the session is reused)
            self._pool.submit(self._run, RESET).result()
        self._dirty = True
        return self.km

    def release_clients(self) -> None:
        """Close the clients papermill opened for a finished step.

        nbclient leaves them open on a kernel it does not own; each would keep receiving (and holding) the
        output of every later notebook, which a sweep worker's kernel runs dozens of.
        """
        while self.km is not None and self.km.step_clients:
            self.km.step_clients.pop().stop_channels()

    def recycle(self) -> None:
        """Clear the namespace in the background, right after a step."""
        if self._dirty:
            self._dirty = False
            self._ready = self._pool.submit(self._run, RESET)

    def _kill(self) -> None:
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)

    def close(self) -> None:
        """Stop the kernel now, even during its warm-up (a run that stops early does not wait for it)."""
        self._closing.set()
        self._kill()
        self._pool.shutdown(wait=True)
        self._kill()  # started while the thread was finishing
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)


class StepTimeout(Exception):
    """A step ran longer than run.step_timeout_s, all its cells together."""

    ename = "StepTimeout"


def _execute(step: Step, root: Path, staging: Path, params_path: Path, params: Params, kernel: KernelSession) -> None:
    _skip_iri_format_checker()
    import papermill as pm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    import nbformat

    from policy_kit.notebook import localise

    (staging / "notebooks").mkdir(exist_ok=True)
    notebook = localise(nbformat.read(root / "notebooks" / step.notebook, as_version=4), params.meta.language)
    limit = params.run.step_timeout_s
    km = kernel.fresh()
    expired = threading.Event()

    def stop() -> None:  # the whole step is over time: interrupt the cell running now
        expired.set()
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            process.send_signal(signal.SIGINT)

    timer = threading.Timer(limit, stop)
    timer.daemon = True
    timer.start()
    try:
        pm.execute_notebook(
            notebook,
            str(staging / "notebooks" / step.notebook),
            parameters={
                "params_file": str(params_path),
                "run_dir": str(staging),
                "params": params.model_dump(mode="json"),
            },
            kernel_name=KERNEL,
            cwd=str(root / "notebooks"),
            progress_bar=False,
            execution_timeout=limit,  # a cell that ignores the interrupt still stops here
            km=km,
        )
    except Exception as exc:
        if expired.is_set():
            # no cell index here: the failure names the last cell started, counted in the kept notebook
            raise StepTimeout(f"the step ran longer than run.step_timeout_s = {limit} s") from exc
        raise
    finally:
        timer.cancel()


def _failure(step: Step, exc: BaseException, kept_at: Path | None) -> StepFailure:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc)).strip()
    index = getattr(exc, "cell_index", None)
    source = getattr(exc, "source", "") or ""
    if not isinstance(index, int) and kept_at is not None:
        # a timeout or a dead kernel carries no cell: the last cell papermill started is the one
        index, source = _last_started_cell(kept_at)
    hint = FAILURE_HINTS.get(ename)
    if hint:
        evalue = f"{evalue.splitlines()[0] if evalue else ename} ({hint})"
    # 1-based position in the executed notebook kept for inspection (it includes the injected parameters cell)
    cell = index + 1 if isinstance(index, int) else None
    failure = StepFailure(step.notebook, cell, ename, evalue, str(kept_at) if kept_at else None, source)
    # A user error raised inside a notebook (bad data, unknown placeholder) is still the user's to fix: exit 2.
    failure.exit_code = 2 if ename in USER_ERRORS else 1
    return failure


def _drop_pending_tasks(timeout: float = 5.0) -> None:
    """Cancel the cell execution that Ctrl-C left pending on this thread's event loop.

    Shutting the kernel down runs that loop again: the orphaned task would then fail on the dead kernel
    and print a "Task exception was never retrieved" traceback under the interruption message.
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running() or loop.is_closed():
        return
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.wait(tasks, timeout=timeout))
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: not reported again when the task is collected


FAILURE_HINTS = {
    "CellTimeoutError": "the step ran longer than run.step_timeout_s in the params",
    "DeadKernelError": "the Python kernel running the notebook stopped: out of memory, a crash, or killed",
}


def _last_started_cell(notebook: Path) -> tuple[int | None, str]:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None, ""
    started = [i for i, c in enumerate(cells) if (c.get("metadata", {}).get("papermill") or {}).get("start_time")]
    if not started:
        return None, ""
    source = cells[started[-1]].get("source", "")
    return started[-1], "".join(source) if isinstance(source, list) else source


_EXPORTER = None
_EXPORTER_LOCK = threading.Lock()


def export_html(notebook: Path, html_dir: Path) -> Path:
    """A readable copy of an executed notebook, code hidden, for readers without Jupyter."""
    _skip_iri_format_checker()
    import nbformat
    from nbconvert import HTMLExporter

    html_dir.mkdir(parents=True, exist_ok=True)
    node = nbformat.read(notebook, as_version=4)
    with _EXPORTER_LOCK:  # one exporter per process: its templates load once (half the time of an export)
        global _EXPORTER
        if _EXPORTER is None:
            _EXPORTER = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
        body, _ = _EXPORTER.from_notebook_node(node)
    body = _with_alt_texts(body, node)
    page = html_dir / f"{notebook.stem}.html"
    page.write_text(body, encoding="utf-8")
    return page


# what nbconvert writes on an image without alternative text
_NO_ALT = 'alt="No description has been provided for this image"'


def _with_alt_texts(body: str, node) -> str:
    """Give each chart of the page the alternative text its output carries (nbconvert's templates drop it)."""
    import html

    alts = [o.get("metadata", {}).get("image/png", {}).get("alt", "")
            for cell in node.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
            if "image/png" in o.get("data", {})]
    if not any(alts) or body.count(_NO_ALT) != len(alts):
        return body
    parts = body.split(_NO_ALT)  # in page order, which is the order of the outputs
    return parts[0] + "".join((f'alt="{html.escape(alt)}"' if alt else _NO_ALT) + part for alt, part in zip(alts, parts[1:]))


@contextlib.contextmanager
def _sigint_ignored():
    """No Ctrl-C inside the block: between the two renames of a publish it would lose both runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _publish(staging: Path, final: Path) -> None:
    """Swap the finished run into place; the old folder is removed only after the new one is there."""
    old = None
    with _sigint_ignored():
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
    # the run succeeded: a notebook kept from an earlier failure no longer describes it
    shutil.rmtree(final.with_name(final.name + ".failed"), ignore_errors=True)


def _keep_failed(staging: Path, final: Path, step: Step) -> Path | None:
    """Keep the partial notebook in <run folder>.failed/, beside the last good run, which stays untouched."""
    partial = staging / "notebooks" / step.notebook
    if not partial.exists():
        return None
    failed = final.with_name(final.name + ".failed")
    shutil.rmtree(failed, ignore_errors=True)  # notebooks of an earlier failure would mislead
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
            # every step draws its charts in the run's language
            params_sections={"meta.language": params.meta.language, **{section: dumped[section] for section in step.reads}},
            data_hashes=prov["data_sha256"],
            upstream=upstream,
            # every notebook's text and tables read in the scenario's language; the memo prints the provenance
            extra={"language": dumped["meta"]["language"], **({"provenance": prov} if step.stage == "memo" else {})},
        )
        keys.append(upstream)
    return keys


def write_params_copy(params: Params, folder: Path, overrides: dict | None = None) -> Path:
    """The validated params of a run, defaults filled in: what `policy-kit compare` reads."""
    import yaml

    text = yaml.safe_dump(params.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=120)
    out = folder / PARAMS_COPY
    header = "# The validated params this run used, defaults filled in.\n"
    if overrides:
        header += "".join(f"# --set {key}={value}\n" for key, value in overrides.items())
    out.write_text(header + text, encoding="utf-8")
    return out


def _export_and_store(cache: StepCache, key: str, staging: Path, step: Step, produced: list[str], claim=None) -> None:
    """Runs in the background while the next step executes: the HTML page, then the cache entry."""
    try:
        page = export_html(staging / "notebooks" / step.notebook, staging / "html")
        cache.store(key, staging, [*produced, page.relative_to(staging).as_posix()])
    finally:
        cache.release(claim)  # a run waiting for this step can now restore it


def run(
    params_path: str | Path,
    out_dir: str | Path | None = None,
    *,
    force: bool = False,
    cache_dir: str | Path | None = None,
    on_step: Callable[[Step, str, float], None] | None = None,
    root: str | Path | None = None,
    kernel: KernelSession | None = None,
    check_data: bool = True,
    overrides: dict | None = None,
    on_status: Callable[[str], None] | None = None,
) -> RunResult:
    """Validate, execute (or reuse from the cache) every step, publish.

    `root` is the project folder (notebooks/, data/); by default the one above the params file.
    `kernel` lends a running KernelSession (a sweep worker reuses one across runs); the caller closes it.
    `check_data=False`: the caller has read and checked the data files already (a sweep does, once for all
    its variations, which spares each worker process the reading and its imports).
    `overrides`: `--set` dotted keys applied to the params file (recorded in the manifest and params.yaml).
    `on_status`: told what the run does before its first step (reading the data, starting the kernel).
    Raises ParamsError before any notebook starts if the params are bad, StepFailure if a step fails;
    in both cases the previous run folder is left as it was.
    """
    from concurrent.futures import ThreadPoolExecutor

    params_path = Path(params_path).resolve()
    root = Path(root).resolve() if root else find_project(params_path)
    # data files are read (checked) below, only if a step has to run
    params = load_with_overrides(params_path, overrides or {}, root=root, check_data=False)
    # the destination is checked before anything runs: publishing replaces only an earlier briefing
    final = check_out_dir(out_dir or default_out_dir(root, params_path), {s.notebook for s in STEPS})
    if not out_dir:
        check_default_owner(final, params_path.name)
    cache = StepCache(Path(cache_dir) if cache_dir else root / "briefings" / ".cache")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(final.parent)
        # the pid in the name tells a later run whether this folder's run is still going
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-{os.getpid()}-", dir=final.parent))
        normal_permissions(staging)  # it becomes the briefing folder: colleagues on a shared server must open it
    except OSError as exc:
        raise OutDirError(f"Cannot write the run folder {final}: nothing was run",
                          [Problem(str(final.parent), "cannot create a folder here", expected="a folder you can write to",
                                   found=exc.strerror or type(exc).__name__)]) from None
    timings: dict[str, float] = {}
    cached: list[str] = []
    own_kernel = kernel is None
    # HTML pages and cache entries are written here while the next step runs
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-kit-export")
    pending = []
    try:
        prov = provenance(params_path, params, root)
        if overrides:
            prov.pop("run_id")
            prov["overrides"] = overrides
            prov["run_id"] = hashlib.sha256(json.dumps(prov, sort_keys=True, default=str).encode()).hexdigest()[:12]
        (staging / "provenance.json").write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        write_params_copy(params, staging, overrides)
        keys = _step_keys(root, params, prov)
        data_checked = False

        def prepare_to_execute() -> KernelSession:
            nonlocal kernel, data_checked
            if kernel is None:
                if on_status:
                    on_status("starting the Python kernel, reading the data files")
                kernel = KernelSession(root / "notebooks")  # warms up while the data are read and cached steps restored
            kernel.start()
            if not data_checked:
                # Every step key holds the data hashes: a fully cached run has read these very files already.
                if check_data:
                    check_data_files(params, params_path, read_yaml(params_path).lines, root=root)
                    preflight.check(params, params_path, root=root)
                data_checked = True
            return kernel

        if force or not all(cache.has(k) for k in keys):
            prepare_to_execute()
        for step, key in zip(STEPS, keys):
            if on_step:
                on_step(step, "start", 0.0)
            started = time.perf_counter()
            claim = None
            if not force and cache.restore(key, staging):
                cached.append(step.notebook)
                state = "cached"
            elif not force and (claim := cache.claim(key)) is not None and cache.restore(key, staging):
                # another run (a parallel sweep variation) computed this step while this one waited for it
                cache.release(claim)
                cached.append(step.notebook)
                state = "cached"
            else:
                try:
                    kernel = prepare_to_execute()
                    before = snapshot(staging)
                    try:
                        _execute(step, root, staging, params_path, params, kernel)
                    except KeyboardInterrupt:
                        _drop_pending_tasks()
                        raise
                    except Exception as exc:  # any notebook, kernel or timeout failure
                        raise _failure(step, exc, _keep_failed(staging, final, step)) from None
                except BaseException:
                    cache.release(claim)
                    raise
                kernel.release_clients()
                kernel.recycle()
                # html/ is written in the background: each step's entry names its own page
                produced = [rel for rel in changed_files(staging, before) if not rel.startswith("html/")]
                pending.append(background.submit(_export_and_store, cache, key, staging, step, produced, claim))
                state = "done"
            timings[step.notebook] = round(time.perf_counter() - started, 3)
            if on_step:
                on_step(step, state, timings[step.notebook])
        for job in pending:
            job.result()
        records.write_results_json(staging)
        manifest = {**prov, "timings_s": timings, "cached_steps": cached, "steps": [s.notebook for s in STEPS]}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _publish(staging, final)
        cache.prune(params.run.cache_max_mb * 2**20, keep=keys)
    finally:
        background.shutdown(wait=True)
        if kernel is not None and own_kernel:
            kernel.close()
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return RunResult(final, timings, cached)


__all__ = ["run", "STEPS", "Step", "RunResult", "KernelSession", "UserError"]
