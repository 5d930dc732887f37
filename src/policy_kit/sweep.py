"""Sweeps: variations of one params file, run in parallel, their headline results in one table and one chart.

A variation is a set of dotted-key overrides of the params file (`plan.budget_cap=5e6`; on a sourced number
the key alone sets its value). Every variation is validated before any runs; each runs through the runner
into `briefings/<params name>-sweep/<variation>/`, sharing the step cache, so a step whose inputs a variation
does not change is computed once for the whole sweep.

Variations run on any `concurrent.futures.Executor`: a process pool by default, or a Dask cluster's
`Client.get_executor()` when one machine is not enough.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from policy_kit.errors import ParamsError, Problem, UserError
from policy_kit.params.overrides import _show, apply_overrides, parse_set, parse_value  # noqa: F401 - part of this module's API
from policy_kit.paths import briefing_name, find_project, safe_name

TABLE, PARQUET, CHART = "sweep.csv", "sweep.parquet", "sweep.png"
VARIANTS_DIR = "variants"  # the params file of each variation, as run


@dataclass(frozen=True)
class Variant:
    name: str
    overrides: dict[str, Any]
    origin: str = ""  # where it was written: "--set", or "<variants file>, item N" (problems are reported there)


@dataclass(frozen=True)
class VariantTask:
    """What a worker needs to run one variation (plain data: it travels to other processes)."""

    name: str
    params_file: Path
    run_dir: Path
    root: Path
    cache_dir: Path | None
    force: bool
    check_data: bool = False  # write_variants has checked the data files


@dataclass
class VariantOutcome:
    name: str
    run_dir: Path
    ok: bool
    seconds: float
    cached: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0
    values: dict[str, Any] | None = None  # a headline sweep's results (a full sweep reads them from run_dir)
    units: dict[str, str] | None = None


@dataclass
class SweepResult:
    folder: Path
    variants: list[Variant]
    outcomes: list[VariantOutcome]
    table: Any  # pandas.DataFrame, one row per variation
    csv: Path
    parquet: Path
    chart: Path | None
    units: dict[str, str] = field(default_factory=dict)  # headline result key → unit (EUR, cases, ratio…)
    language: str = "fr"  # the params' meta.language: how the terminal and the chart write values

    @property
    def failed(self) -> list[VariantOutcome]:
        return [o for o in self.outcomes if not o.ok]


# ---------------------------------------------------------------------------------------------- variations
def variant_name(index: int, overrides: dict[str, Any], width: int = 2) -> str:
    """`03-plan.budget_cap-5000000`: the whole key, so two keys ending alike stay apart."""
    label = "_".join(f"{k}={_show(v)}" for k, v in overrides.items())
    return safe_name(f"{index:0{width}d}-{label}"[:120]) if label else f"{index:0{width}d}"


def grid(sets: list[tuple[str, list[Any]]]) -> list[Variant]:
    """Every combination of the values of each key (the first key varies slowest)."""
    if not sets:
        return []
    keys = [k for k, _ in sets]
    if len(set(keys)) != len(keys):
        raise ParamsError("--set names the same key twice", [Problem("--set", "duplicate key", found=", ".join(keys))])
    combos = list(itertools.product(*(values for _, values in sets)))
    width = max(2, len(str(len(combos))))
    return [Variant(variant_name(i, dict(zip(keys, combo)), width), dict(zip(keys, combo)), "--set") for i, combo in enumerate(combos, 1)]


def read_variants(path: str | Path) -> list[Variant]:
    """A YAML list of variations: each a mapping {key: value}, or {name: ..., set: {key: value}}."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"Variants file not found: {path}")
    from policy_kit.params.loader import read_yaml

    data = read_yaml(path).data  # the params reader's safety: no tags, no alias bombs, UTF-8, located syntax errors
    if not isinstance(data, list) or not data:
        raise ParamsError(f"{path}: expected a YAML list of variations", [Problem(str(path), "not a list", "- {key: value}", type(data).__name__)])
    variants, problems = [], []
    for i, item in enumerate(data, 1):
        if isinstance(item, dict) and "set" in item:
            name, overrides = item.get("name"), item["set"]
        else:
            name, overrides = None, item
        if not isinstance(overrides, dict) or not overrides:
            problems.append(Problem(f"{path}, item {i}", "a variation is a mapping of dotted keys to values", found=repr(item)[:60]))
            continue
        overrides = {str(k): v for k, v in overrides.items()}
        name = safe_name(str(name)) if name else variant_name(i, overrides, max(2, len(str(len(data)))))
        variants.append(Variant(name, overrides, f"{path}, item {i}"))
    names = [v.name for v in variants]
    problems += [Problem(str(path), f"two variations are named {n!r}") for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise ParamsError(f"{path}: {len(problems)} problem(s) in the variations", problems)
    return variants


def sweep_dir(root: Path, params_path: Path, when: dt.datetime | None = None) -> Path:
    """A new folder per sweep, named by params and time, so a rerun never mixes its rows with an older sweep's."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = root / "briefings" / f"{briefing_name(params_path.stem)}-sweep-{stamp}"
    n = 1
    while folder.exists():
        n += 1
        folder = folder.with_name(f"{briefing_name(params_path.stem)}-sweep-{stamp}-{n}")
    return folder


def validate_variants(params_path: Path, variants: list[Variant], root: Path) -> list:
    """Every variation's params, validated in memory; all problems of all variations in one ParamsError.

    A problem is reported at the `--set` argument or variants-file item that caused it. The data files are
    read and checked here, once for each distinct evidence section, so that the runs need not read them again.
    """
    import json

    from policy_kit import preflight
    from policy_kit.params import check_data_files, load
    from policy_kit.params.loader import read_yaml
    from policy_kit.params.overrides import validate

    if not variants:
        raise ParamsError("Nothing to sweep: give --set KEY=V1,V2 or --variants FILE")
    names = [v.name for v in variants]
    if len(set(names)) != len(names) or VARIANTS_DIR in names:
        raise ParamsError("Variation names must be unique and not 'variants'", [Problem("variations", "bad names", found=", ".join(names))])
    from pydantic import ValidationError

    from policy_kit.params import Params

    base = read_yaml(params_path).data  # read once: a YAML parse is slow, a sweep may have thousands of variations
    try:
        Params.model_validate(base, context={"params_dir": params_path.parent})
    except ValidationError:
        load(params_path, root=root, check_data=False)  # the file's own problems, at its own lines
        raise
    validated, problems, data_checked, files_checked = [], [], set(), set()
    for variant in variants:
        where = f"variation {variant.name}"
        try:
            params = validate(base, variant.overrides, params_path=params_path, root=root, origin=variant.origin, fallback=where)
            evidence = json.dumps(params.evidence.model_dump(mode="json"), sort_keys=True)
            fresh = evidence not in data_checked
            if fresh:
                check_data_files(params, params_path, {}, root=root)
            # every variation's template and logo, each distinct pair once (a check re-reads the params file); the runs
            # skip data checks, so the survey's are made here, once per evidence section
            files = (params.meta.template, params.meta.logo)
            if fresh or files not in files_checked:
                preflight.check(params, params_path, root=root, data=fresh)
                files_checked.add(files)
            data_checked.add(evidence)
        except UserError as exc:  # bad params, or bad data
            # a bad --set value is bad in every combination it enters: said once
            problems += [p for p in exc.problems or [Problem(where, exc.summary)] if str(p) not in map(str, problems)]
            continue
        validated.append(params)
    if problems:
        raise ParamsError(f"{len(problems)} problem(s) in the sweep's variations; nothing was run", problems)
    return validated


def write_variants(params_path: Path, variants: list[Variant], folder: Path, root: Path) -> list[Path]:
    """Validate every variation (see validate_variants), then write its params file, as run."""
    return _write_variants(params_path, variants, folder, root)[0]


def _write_variants(params_path: Path, variants: list[Variant], folder: Path, root: Path) -> tuple[list[Path], list]:
    import yaml

    from policy_kit.params.loader import read_yaml

    validated = validate_variants(params_path, variants, root)
    base = read_yaml(params_path).data  # raw, as written: each variation's file keeps the user's own layout
    out_dir = folder / VARIANTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for variant in variants:
        data = apply_overrides(base, variant.overrides)
        path = out_dir / f"{variant.name}.yaml"
        header = f"# Variation {variant.name} of {params_path.name}: " + ", ".join(f"{k}={_show(v)}" for k, v in variant.overrides.items())
        path.write_text(header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        files.append(path)
    return files, validated


def write_variants_list(variants: list[Variant], path: Path) -> Path:
    """The variations as a variants file (`--variants` takes it back): what a headline sweep evaluated."""
    import yaml

    items = [{"name": v.name, "set": {k: v.overrides[k] for k in v.overrides}} for v in variants]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- running
_local = threading.local()  # a worker's kernel session, reused by the variations it runs


def _worker_kernel(root: Path):
    from policy_kit.runner import KernelSession

    session = getattr(_local, "session", None)
    if session is not None and (session.cwd != root / "notebooks" or not session.alive):
        session.close()
        session = None
    if session is None:
        session = KernelSession(root / "notebooks", start=False)  # starts only if a step has to run
        _local.session = session
        _close_at_exit(session)
    return session


def _close_at_exit(session) -> None:
    import atexit
    from multiprocessing import util

    # pool workers leave through multiprocessing's exit hooks, not atexit
    util.Finalize(session, session.close, exitpriority=10)
    atexit.register(session.close)


def _drop_worker_kernel() -> None:
    session = getattr(_local, "session", None)
    if session is not None:
        session.close()
        _local.session = None


def run_variant(task: VariantTask) -> VariantOutcome:
    """Run one variation (in a worker process); failures come back as outcomes, not exceptions."""
    from policy_kit.runner import run

    started = time.perf_counter()
    try:
        result = run(task.params_file, task.run_dir, force=task.force, cache_dir=task.cache_dir, root=task.root,
                     kernel=_worker_kernel(task.root), check_data=task.check_data)
    except UserError as exc:
        _drop_worker_kernel()  # a failed or timed-out notebook may leave the kernel busy
        return VariantOutcome(task.name, task.run_dir, False, time.perf_counter() - started, error=exc.render(), exit_code=exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - reported in the table, the other variations go on
        _drop_worker_kernel()
        return VariantOutcome(task.name, task.run_dir, False, time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}", exit_code=1)
    return VariantOutcome(task.name, task.run_dir, True, time.perf_counter() - started, cached=result.cached)


def _import_for_results() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def warm_worker(root: Path) -> None:
    """Start a worker's kernel ahead of its first variation."""
    _worker_kernel(root).start()


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def run_sweep(
    params_path: str | Path,
    variants: list[Variant],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    force: bool = False,
    folder: str | Path | None = None,
    cache_dir: str | Path | None = None,
    on_done: Callable[[VariantOutcome], None] | None = None,
    headlines: bool = False,
    psa: bool = False,
    root: str | Path | None = None,
) -> SweepResult:
    """Run every variation and gather the headline results.

    `executor`: any concurrent.futures Executor (the caller shuts it down); by default a process pool of
    `workers` processes, or this process alone when `workers` is 1. Raises ParamsError, before anything
    runs, if a variation is invalid; a variation that fails at run time is a row with its error.
    `headlines`: compute the headline results in-process (see policy_kit.headlines) instead of running the
    notebooks and writing documents; `psa` adds the plan's probabilistic analysis to them. By default a
    headline sweep runs in this process for up to HEADLINES_PER_WORKER variations, else on a pool of forked
    processes (one per core), which start with everything this process has imported.
    `root`: the project folder (default: the one holding the working folder, else the params file).
    """
    params_path = Path(params_path).resolve()
    root = Path(root).resolve() if root else find_project(params_path)
    folder = Path(folder).resolve() if folder else sweep_dir(root, params_path)
    if headlines:
        return _headline_sweep(params_path, variants, root, folder, executor=executor, workers=workers,
                               psa=psa, on_done=on_done, cache_dir=Path(cache_dir) if cache_dir else root / "briefings" / ".cache")
    workers = workers or default_workers()
    sequential = executor is None and (workers == 1 or len(variants) == 1)
    own = executor is None and not sequential
    if own:
        # spawn: the CLI has threads running (progress display), which a fork would copy mid-flight
        executor = ProcessPoolExecutor(max_workers=min(workers, len(variants)), mp_context=multiprocessing.get_context("spawn"))
    try:
        # kernels start and import while the variations are validated (a few seconds each, side by side)
        if sequential:
            _worker_kernel(root).start()
        elif own:
            for _ in range(min(workers, len(variants))):
                executor.submit(warm_worker, root)
        files, validated = _write_variants(params_path, variants, folder, root)
        tasks = [VariantTask(v.name, f, folder / v.name, root, Path(cache_dir).resolve() if cache_dir else None, force)
                 for v, f in zip(variants, files)]
        outcomes: dict[str, VariantOutcome] = {}

        def done(outcome: VariantOutcome) -> None:
            outcomes[outcome.name] = outcome
            if on_done:
                on_done(outcome)

        if sequential:
            for task in tasks:
                done(run_variant(task))
        else:
            futures = {executor.submit(run_variant, task): task for task in tasks}
            # this process waits meanwhile: load what the table and the chart need now, not after the last run
            threading.Thread(target=_import_for_results, daemon=True).start()
            for future in as_completed(futures):
                task = futures[future]
                try:
                    done(future.result())
                except Exception as exc:  # noqa: BLE001 - a worker died: report it, keep the others
                    done(VariantOutcome(task.name, task.run_dir, False, 0.0, error=f"{type(exc).__name__}: {exc}", exit_code=1))
    finally:
        if sequential:
            _drop_worker_kernel()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    return _finish(folder, variants, [outcomes[t.name] for t in tasks], validated[0])


def _finish(folder: Path, variants: list[Variant], ordered: list[VariantOutcome], params) -> SweepResult:
    """Write the table and the chart; `params`: the base params, whose language and option labels they use."""
    from policy_kit.plan.record import _slug

    table = gather(variants, ordered)
    csv, parquet = folder / TABLE, folder / PARQUET
    table.to_csv(csv, index=False)
    table.to_parquet(parquet, index=False)
    language = params.meta.language
    labels = {_slug(name): option.label for name, option in params.plan.options.items()}
    chart = write_chart(table, variants, folder / CHART, language=language, labels=labels)
    return SweepResult(folder, variants, ordered, table, csv, parquet, chart, _units(ordered), language)


def _units(outcomes: list[VariantOutcome]) -> dict[str, str]:
    for outcome in outcomes:
        if outcome.ok and outcome.units is not None:
            return outcome.units
        if outcome.ok and outcome.values is None:
            from policy_kit.runs import read_run

            return {k: (e.get("unit") or "") for k, e in read_run(outcome.run_dir).results.items()}
    return {}


HEADLINES_PER_WORKER = 100  # below this, starting worker processes costs more than it saves


def _headline_sweep(params_path: Path, variants: list[Variant], root: Path, folder: Path, *, executor: Executor | None,
                    workers: int | None, psa: bool, on_done: Callable[[VariantOutcome], None] | None,
                    cache_dir: Path) -> SweepResult:
    """Headline results of every variation, in-process or on `executor`; the evidence stage once per distinct section
    (its records from the step cache when a run has stored them)."""
    from policy_kit.headlines import HeadlineTask, cached_evidence, evidence_entries, evidence_key, run_task

    validated = validate_variants(params_path, variants, root)
    folder.mkdir(parents=True, exist_ok=True)
    write_variants_list(variants, folder / "variants.yaml")
    evidence: dict[str, dict] = {}
    groups: dict[str, list[int]] = {}
    for i, params in enumerate(validated):
        key = evidence_key(params)
        if key not in evidence:
            evidence[key] = cached_evidence(params, root, cache_dir) or evidence_entries(params, root)
        groups.setdefault(key, []).append(i)
    if workers is None:
        workers = min(default_workers(), math.ceil(len(variants) / HEADLINES_PER_WORKER))
    parallel = executor is not None or workers > 1
    # a few batches per worker: the work is spread evenly and each batch pays its transfer once
    size = max(1, math.ceil(len(variants) / (max(workers, 2) * 4))) if parallel else len(variants)
    tasks = []
    for key, indices in groups.items():
        # variations that share an economics section in the same batch: its stage is built once there
        indices.sort(key=lambda i: json.dumps(validated[i].economics.model_dump(mode="json"), sort_keys=True))
        for start in range(0, len(indices), size):
            chunk = indices[start:start + size]
            # plain data for other processes; in this one the validated params as they are
            given = tuple(validated[i].model_dump(mode="json") if parallel else validated[i] for i in chunk)
            tasks.append(HeadlineTask(tuple(variants[i].name for i in chunk), given, root, evidence[key], psa))
    outcomes: dict[str, VariantOutcome] = {}

    def done(row) -> None:
        outcome = VariantOutcome(row.name, folder, row.error is None, row.seconds, error=row.error,
                                 exit_code=0 if row.error is None else 1, values=row.values, units=row.units)
        outcomes[row.name] = outcome
        if on_done:
            on_done(outcome)

    own = parallel and executor is None
    if own:
        # fork where there is one: the workers start with the package, pandas and scipy already imported
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods and threading.active_count() == 1 else "spawn")
        executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        if not parallel:
            for task in tasks:
                for row in run_task(task):
                    done(row)
        else:
            futures = {executor.submit(run_task, task): task for task in tasks}
            for future in as_completed(futures):
                try:
                    rows = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died: its batch is reported, the others go on
                    from policy_kit.headlines import HeadlineRow

                    rows = [HeadlineRow(name, None, 0.0, f"{type(exc).__name__}: {exc}") for name in futures[future].names]
                for row in rows:
                    done(row)
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    return _finish(folder, variants, [outcomes[v.name] for v in variants], validated[0])


# ---------------------------------------------------------------------------------------------- results
def gather(variants: list[Variant], outcomes: list[VariantOutcome]):
    """One row per variation: its overrides, status, time, steps reused, then the headline results."""
    import pandas as pd

    from policy_kit.runs import headline, read_run

    rows = []
    for variant, outcome in zip(variants, outcomes):
        row: dict[str, Any] = {"variant": variant.name}
        row.update({f"set:{k}": _cell(v) for k, v in variant.overrides.items()})
        row.update({"status": "ok" if outcome.ok else "failed", "seconds": round(outcome.seconds, 2),
                    "steps_cached": len(outcome.cached), "error": outcome.error or ""})
        if outcome.ok:
            row.update(outcome.values if outcome.values is not None else headline(read_run(outcome.run_dir).results))
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in frame.columns:  # parquet wants one type per column
        if frame[column].map(lambda v: isinstance(v, (list, dict))).any():
            frame[column] = frame[column].map(str)
    return frame


def _cell(value: Any) -> Any:
    return str(value) if isinstance(value, (list, dict)) else value


# The chart's words, translated by the memo catalogues (policy_kit/memo/locales).
CHART_MESSAGES = {"npv": "NPV against the baseline (M€)", "recommended": "recommended",
                  "cases": "cases averted (recommended option)", "title": "Sweep of {n} variations: {keys}"}


def write_chart(table, variants: list[Variant], path: Path, *, language: str = "fr", labels: dict[str, str] | None = None) -> Path | None:
    """NPV of each option per variation (recommended option ringed), and cases averted by the recommended one.

    Words come in the run's language and options by their params labels. Lines join the points only when one
    numeric key varies (they are then neighbours on an axis); a grid or a variants file gets points alone.
    """
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from policy_kit import formatting as fmt
    from policy_kit.memo.i18n import translator

    _ = translator(language)
    words = {key: _(message) for key, message in CHART_MESSAGES.items()}
    labels = labels or {}
    ok = table[table["status"] == "ok"] if "status" in table else table
    npv_cols = [c for c in ok.columns if c.startswith("plan.option.") and c.endswith(".npv") and c.count(".") == 3]
    if ok.empty or not npv_cols:
        return None
    keys = list(variants[0].overrides) if variants else []
    single = len(keys) == 1 and all(isinstance(v.overrides.get(keys[0]), (int, float)) for v in variants)
    x = ok[f"set:{keys[0]}"].astype(float).tolist() if single else list(range(len(ok)))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=(2, 1))
    colours = {}
    for col in npv_cols:
        option = col.split(".")[2]
        (line,) = top.plot(x, ok[col] / 1e6, marker="o", linestyle="-" if single else "none", label=labels.get(option, option))
        colours[option] = line.get_color()
    if "plan.recommended.npv" in ok:
        top.scatter(x, ok["plan.recommended.npv"] / 1e6, s=160, facecolors="none", edgecolors="black", label=words["recommended"], zorder=3)
    top.axhline(0, color="grey", linewidth=0.8)
    top.set_ylabel("\n".join(textwrap.wrap(words["npv"], 26)), fontsize=9)
    top.yaxis.set_major_formatter(lambda value, _pos: fmt.number(value, 1, language))
    shown_keys = ", ".join(keys) if len(keys) <= 3 else f"{len(keys)} keys"
    top.set_title(words["title"].format(n=len(table), keys=shown_keys), fontsize=10)
    if "plan.recommended.cases_averted_plan_years" in ok:
        # each bar in the colour of the option recommended there, as in the panel above
        names = ok["plan.recommended.name"].map(_slug_name).tolist() if "plan.recommended.name" in ok else []
        bottom.bar(x, ok["plan.recommended.cases_averted_plan_years"], width=_bar_width(x),
                   color=[colours.get(n, "tab:grey") for n in names] or "tab:blue")
        bottom.set_ylabel("\n".join(textwrap.wrap(words["cases"], 22)), fontsize=9)
        bottom.yaxis.set_major_formatter(lambda value, _pos: fmt.number(value, 0, language))
    if single:
        bottom.set_xlabel(keys[0])
        bottom.xaxis.set_major_formatter(lambda value, _pos: fmt.number(value, _decimals(value), language))
    elif len(ok) <= 40:
        # each variation by its values, in the order of the keys in the title
        ticks = [" · ".join(_tick(v, language) for v in row) for row in ok[[f"set:{k}" for k in keys]].itertuples(index=False)]
        bottom.set_xticks(x, ticks, rotation=60 if len(ok) > 6 else 0, ha="right" if len(ok) > 6 else "center", fontsize=7)
    fig.align_ylabels()
    handles, texts = top.get_legend_handles_labels()
    fig.legend(handles, texts, loc="lower center", ncol=2, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.04 * (1 + len(texts) // 2), 1, 1))
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)
    return path


def _slug_name(name: Any) -> str:
    from policy_kit.plan.record import _slug

    return _slug(str(name))


def _tick(value: Any, language: str) -> str:
    from policy_kit import formatting as fmt

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt.number(value, _decimals(float(value)), language)
    return str(value)


def _decimals(value: float) -> int:
    """Decimals a tick value needs to be written in full (0.05 → 2, 4e6 → 0), at most 6."""
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _bar_width(x: list[float]) -> float:
    gaps = [b - a for a, b in zip(sorted(x), sorted(x)[1:]) if b > a]
    return 0.6 * (min(gaps) if gaps else 1.0) if not math.isnan(sum(x)) else 0.6
