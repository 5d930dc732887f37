"""Sweeps: variations of one params file, run in parallel, their headline results in one table and one chart.

A variation is a set of dotted-key overrides of the params file (`plan.budget_cap=5e6`; on a sourced number
the key alone sets its value). Every variation is validated before any runs; each runs through the runner
into `briefings/<params name>-sweep/<variation>/`, sharing the step cache, so a step whose inputs a variation
does not change is computed once for the whole sweep.

Variations run on any `concurrent.futures.Executor`: a process pool by default, or a Dask cluster's
`Client.get_executor()` when one machine is not enough.
"""

from __future__ import annotations

import copy
import itertools
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
from policy_kit.paths import briefing_name, project_root, safe_name

TABLE, PARQUET, CHART = "sweep.csv", "sweep.parquet", "sweep.png"
VARIANTS_DIR = "variants"  # the params file of each variation, as run


@dataclass(frozen=True)
class Variant:
    name: str
    overrides: dict[str, Any]


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


@dataclass
class SweepResult:
    folder: Path
    variants: list[Variant]
    outcomes: list[VariantOutcome]
    table: Any  # pandas.DataFrame, one row per variation
    csv: Path
    parquet: Path
    chart: Path | None

    @property
    def failed(self) -> list[VariantOutcome]:
        return [o for o in self.outcomes if not o.ok]


# ---------------------------------------------------------------------------------------------- variations
def parse_value(text: str) -> Any:
    """A command-line value: int, float (4e6 too), else YAML (true, null, a string, [0.5, 1.0])."""
    import yaml

    text = text.strip()
    for cast in (int, float):
        try:
            value = cast(text)
        except ValueError:
            continue
        if not math.isfinite(value):
            raise ParamsError(f"--set value {text!r} is not a finite number",
                              [Problem("--set", "not a finite number", expected="a finite number", found=text)])
        return value
    try:
        value = yaml.safe_load(text) if text else ""
    except yaml.YAMLError as exc:
        raise ParamsError(f"--set value {text!r} cannot be read",
                          [Problem("--set", "not a number, a word or a YAML list", expected="e.g. 4e6, true, [0.5, 1.0]",
                                   found=f"{text!r} ({getattr(exc, 'problem', None) or type(exc).__name__})")]) from None
    from policy_kit.params.loader import non_finite

    if non_finite(value):
        raise ParamsError(f"--set value {text!r} holds a number that is not finite",
                          [Problem("--set", "not a finite number", expected="finite numbers", found=text)])
    return value


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets, so `--set k=[0.5,1.0],[1,1]` gives two lists."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def parse_set(text: str) -> tuple[str, list[Any]]:
    """`key=v1,v2,...` → (key, [v1, v2, ...])."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not key or not values.strip():
        raise ParamsError(f"--set {text!r}: expected KEY=VALUE[,VALUE...]", [Problem("--set", "malformed", "KEY=V1,V2", text)])
    return key, [parse_value(v) for v in _split_top_level(values)]


def _short(key: str) -> str:
    parts = key.split(".")
    if parts[-1] in ("value", "low", "high") and len(parts) > 1:
        return ".".join(parts[-2:])
    return parts[-1]


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def variant_name(index: int, overrides: dict[str, Any]) -> str:
    label = "_".join(f"{_short(k)}={_show(v)}" for k, v in overrides.items())
    return safe_name(f"{index:02d}-{label}"[:80]) if label else f"{index:02d}"


def grid(sets: list[tuple[str, list[Any]]]) -> list[Variant]:
    """Every combination of the values of each key (the first key varies slowest)."""
    if not sets:
        return []
    keys = [k for k, _ in sets]
    if len(set(keys)) != len(keys):
        raise ParamsError("--set names the same key twice", [Problem("--set", "duplicate key", found=", ".join(keys))])
    combos = itertools.product(*(values for _, values in sets))
    return [Variant(variant_name(i, dict(zip(keys, combo))), dict(zip(keys, combo))) for i, combo in enumerate(combos, 1)]


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
        name = safe_name(str(name)) if name else variant_name(i, overrides)
        variants.append(Variant(name, overrides))
    names = [v.name for v in variants]
    problems += [Problem(str(path), f"two variations are named {n!r}") for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise ParamsError(f"{path}: {len(problems)} problem(s) in the variations", problems)
    return variants


def apply_overrides(data: dict, overrides: dict[str, Any], *, where: str = "override") -> dict:
    """A copy of the raw params with each dotted key set; on a sourced number, `key=v` sets its value."""
    import difflib

    out = copy.deepcopy(data)
    problems = []
    for key, value in overrides.items():
        parts = key.split(".")
        node: Any = out
        try:
            for depth, part in enumerate(parts[:-1]):
                node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            here = ".".join(parts[: depth + 1])
            options = sorted(node) if isinstance(node, dict) else []
            close = difflib.get_close_matches(parts[depth], options, n=1, cutoff=0.5)
            problems.append(Problem(where, f"'{key}': no key '{here}' in the params",
                                    hint=f"did you mean '{close[0]}'?" if close else None))
            continue
        last = parts[-1]
        if isinstance(node, list):
            try:
                node[int(last)] = value
            except (ValueError, IndexError):
                problems.append(Problem(where, f"'{key}': no item {last} in that list", expected=f"0 to {len(node) - 1}"))
            continue
        if not isinstance(node, dict):
            problems.append(Problem(where, f"'{key}': '{'.'.join(parts[:-1])}' holds a value, not keys"))
            continue
        target = node.get(last)
        if isinstance(target, dict) and "value" in target and not isinstance(value, dict):
            target["value"] = value  # a sourced number keeps its range, source and vintage
        else:
            node[last] = value
    if problems:
        raise ParamsError(f"{where}: {len(problems)} problem(s) with the overrides", problems)
    return out


def sweep_dir(root: Path, params_path: Path) -> Path:
    return root / "briefings" / f"{briefing_name(params_path.stem)}-sweep"


def write_variants(params_path: Path, variants: list[Variant], folder: Path, root: Path) -> list[Path]:
    """Validate every variation and write its params file; all problems of all variations in one ParamsError.

    The data files are read and checked here, once for each distinct evidence section, so that the runs
    need not read them again.
    """
    import yaml

    from policy_kit import preflight
    from policy_kit.params import load
    from policy_kit.params.loader import read_yaml

    if not variants:
        raise ParamsError("Nothing to sweep: give --set KEY=V1,V2 or --variants FILE")
    names = [v.name for v in variants]
    if len(set(names)) != len(names) or VARIANTS_DIR in names:
        raise ParamsError("Variation names must be unique and not 'variants'", [Problem("variations", "bad names", found=", ".join(names))])
    base = read_yaml(params_path).data
    out_dir = folder / VARIANTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    files, problems, data_checked = [], [], set()
    for variant in variants:
        where = f"variation {variant.name}"
        try:
            data = apply_overrides(base, variant.overrides, where=where)
        except ParamsError as exc:
            problems += exc.problems
            continue
        path = out_dir / f"{variant.name}.yaml"
        header = f"# Variation {variant.name} of {params_path.name}: " + ", ".join(f"{k}={_show(v)}" for k, v in variant.overrides.items())
        path.write_text(header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        evidence = yaml.safe_dump(data.get("evidence")) if isinstance(data, dict) else ""
        try:
            params = load(path, root=root, check_data=evidence not in data_checked)
            if evidence not in data_checked:
                preflight.check(params, path, root=root)  # the runs skip data checks: done here, once per evidence section
        except UserError as exc:  # bad params, or bad data
            problems += [Problem(f"{where}: {p.where}", p.message, p.expected, p.found, p.hint) for p in exc.problems] or [Problem(where, exc.summary)]
            continue
        data_checked.add(evidence)
        files.append(path)
    if problems:
        raise ParamsError(f"{len(problems)} problem(s) in the sweep's variations; nothing was run", problems)
    return files


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
) -> SweepResult:
    """Run every variation and gather the headline results.

    `executor`: any concurrent.futures Executor (the caller shuts it down); by default a process pool of
    `workers` processes, or this process alone when `workers` is 1. Raises ParamsError, before anything
    runs, if a variation is invalid; a variation that fails at run time is a row with its error.
    """
    params_path = Path(params_path).resolve()
    root = project_root(params_path)
    folder = Path(folder).resolve() if folder else sweep_dir(root, params_path)
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
        files = write_variants(params_path, variants, folder, root)
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
    ordered = [outcomes[t.name] for t in tasks]
    table = gather(variants, ordered)
    csv, parquet = folder / TABLE, folder / PARQUET
    table.to_csv(csv, index=False)
    table.to_parquet(parquet, index=False)
    chart = write_chart(table, variants, folder / CHART)
    return SweepResult(folder, variants, ordered, table, csv, parquet, chart)


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
            row.update(headline(read_run(outcome.run_dir).results))
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in frame.columns:  # parquet wants one type per column
        if frame[column].map(lambda v: isinstance(v, (list, dict))).any():
            frame[column] = frame[column].map(str)
    return frame


def _cell(value: Any) -> Any:
    return str(value) if isinstance(value, (list, dict)) else value


def write_chart(table, variants: list[Variant], path: Path) -> Path | None:
    """NPV of each option per variation (recommended option ringed), and cases averted by the recommended one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = table[table["status"] == "ok"] if "status" in table else table
    npv_cols = [c for c in ok.columns if c.startswith("plan.option.") and c.endswith(".npv")]
    if ok.empty or not npv_cols:
        return None
    keys = list(variants[0].overrides) if variants else []
    single = len(keys) == 1 and all(isinstance(v.overrides.get(keys[0]), (int, float)) for v in variants)
    x = ok[f"set:{keys[0]}"].astype(float).tolist() if single else list(range(len(ok)))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True, height_ratios=(2, 1))
    for col in npv_cols:
        option = col.split(".")[2]
        top.plot(x, ok[col] / 1e6, marker="o", label=option)
    if "plan.recommended.npv" in ok:
        top.scatter(x, ok["plan.recommended.npv"] / 1e6, s=160, facecolors="none", edgecolors="black", label="recommended", zorder=3)
    top.axhline(0, color="grey", linewidth=0.8)
    top.set_ylabel("NPV vs baseline (M€)")
    top.legend(fontsize=8, ncol=3)
    top.set_title(f"Sweep of {len(table)} variations: {', '.join(keys) if len(keys) <= 3 else f'{len(keys)} keys'}", fontsize=10)
    if "plan.recommended.cases_averted_plan_years" in ok:
        bottom.bar(x, ok["plan.recommended.cases_averted_plan_years"], width=_bar_width(x), color="tab:blue")
        heights = ok["plan.recommended.cases_averted_plan_years"].tolist()
        for xi, height, name in zip(x, heights, ok.get("plan.recommended.name", [""] * len(ok))):
            bottom.annotate(str(name), (xi, height), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=7)
        bottom.margins(y=0.2)
        bottom.set_ylabel("cases averted\n(recommended option)")
    if single:
        bottom.set_xlabel(keys[0])
        bottom.ticklabel_format(axis="x", style="plain", useOffset=False)
        bottom.xaxis.set_major_formatter(lambda value, _: f"{value:,.10g}".replace(",", " "))
    else:
        bottom.set_xticks(x, ok["variant"], rotation=60, ha="right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)
    return path


def _bar_width(x: list[float]) -> float:
    gaps = [b - a for a, b in zip(sorted(x), sorted(x)[1:]) if b > a]
    return 0.6 * (min(gaps) if gaps else 1.0) if not math.isnan(sum(x)) else 0.6
