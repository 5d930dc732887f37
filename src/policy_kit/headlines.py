"""Headline results computed in-process: the stage functions the notebooks call, without notebook, kernel or document.

A headline sweep evaluates hundreds of variations this way. The evidence stage runs once for each distinct
evidence section (and data files) and its records are shared; the economics and plan stages run per variation,
the plan's probabilistic part only when asked (`psa=True`). The values come from the same recorders as a
full run's results.json, so a variation's headline row equals the headline results of its full run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy_kit import records
from policy_kit.params import Params


class MemoryRecorder(records.Recorder):
    """A recorder that keeps scalars and texts in memory; tables and figures are not written anywhere."""

    def __post_init__(self) -> None:
        if self.stage not in records.STAGES:
            raise ValueError(f"unknown stage {self.stage!r}; stages are {records.STAGES}")
        self.run_dir = Path(self.run_dir)
        self._entries = {}

    def _put(self, key: str, entry: dict) -> str:
        full = self._key(key)
        self._entries[full] = records._clean({k: v for k, v in entry.items() if v is not None})
        return full

    def table(self, key, frame, *, caption=None):
        return frame

    def figure(self, key, fig, *, caption, alt, dpi=200):
        import matplotlib.pyplot as plt

        plt.close(fig)
        return None

    @property
    def entries(self) -> dict[str, dict]:
        return dict(self._entries)


def _stage(name: str, params: Params, root: Path, inputs: dict[str, dict]):
    from policy_kit.notebook import Stage

    rec = MemoryRecorder(root, name)
    return Stage(name, params, root / "params", root, root, rec, records.Results(root, dict(inputs)))


def cached_evidence(params: Params, root: Path, cache_dir: Path) -> dict[str, dict] | None:
    """The evidence stage's records from the step cache, if a run with the same evidence inputs stored them."""
    from policy_kit.cache import StepCache
    from policy_kit.params import file_hash
    from policy_kit.runner import _step_keys

    data = {str(p.relative_to(root)): file_hash(p) for p in params.data_files(root)}
    key = _step_keys(root, params, {"data_sha256": data})[0]  # the first step's key needs only the data hashes
    records_file = StepCache(cache_dir).entry(key) / "files" / "records" / "evidence.json"
    try:
        return json.loads(records_file.read_text(encoding="utf-8"))["entries"]
    except (OSError, ValueError, KeyError):
        return None


def evidence_entries(params: Params, root: Path) -> dict[str, dict]:
    """The evidence stage's records, computed by notebook 01's own code cells run in this process (no kernel).

    It runs once per sweep (once per distinct evidence section), so it follows the notebook exactly rather
    than a copy of its steps; its tables and figures go to a scratch folder that is removed afterwards.
    """
    import tempfile

    import matplotlib
    import nbformat

    from policy_kit.runner import STEPS

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    notebook = nbformat.read(root / "notebooks" / STEPS[0].notebook, as_version=4)
    with tempfile.TemporaryDirectory(prefix="policy-kit-evidence-") as scratch:
        namespace = {"params": params.model_dump(mode="json"), "run_dir": scratch,
                     "params_file": str(root / "params" / "headline-sweep.yaml")}  # only locates the project
        for i, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                exec(compile(cell.source, f"{STEPS[0].notebook}, cell {i + 1}", "exec"), namespace)  # noqa: S102 - the project's own notebook
        plt.close("all")
        return records.read(scratch).entries


def economics_entries(params: Params, root: Path, evidence: dict[str, dict]) -> dict[str, dict]:
    """What the economics stage records that the plan stage reads: its model's inputs, built as notebook 02 builds them."""
    from policy_kit.economics import stage as economics

    eco = _stage("economics", params, root, evidence)
    economics.build(eco)
    return eco.rec.entries


def evaluate(params: Params, root: Path, evidence: dict[str, dict], *, psa: bool = False,
             economics: dict[str, dict] | None = None) -> dict[str, dict]:
    """Every scalar the economics and plan stages record for one scenario (plus the evidence given).

    The economics stage builds its model as notebook 02 does (its per-component tables, sensitivity analysis
    and PSA feed the annex, not the plan), unless `economics` gives its records already (variations that
    differ only in plan keys share them); the plan stage evaluates and records its options as notebook 03
    does, with the PSA draws of the params when `psa`, else the base case alone.
    """
    from policy_kit.plan import stage as plan
    from policy_kit.plan.record import record

    inputs = {**evidence, **(economics if economics is not None else economics_entries(params, root, evidence))}
    stage = _stage("plan", params, root, inputs)
    found = plan.evaluate(stage, draws=None if psa else 0)
    _, results = found.data
    record(stage.rec, results)
    return {**inputs, **stage.rec.entries}


def evidence_key(params: Params) -> str:
    """What the evidence stage depends on in the params: equal keys, equal evidence records."""
    return json.dumps(params.evidence.model_dump(mode="json"), sort_keys=True)


@dataclass(frozen=True)
class HeadlineTask:
    """A batch of variations for one worker (plain data: it travels to other processes)."""

    names: tuple[str, ...]
    params: tuple  # validated Params, or their model_dump(mode="json") when the batch goes to another process
    root: Path
    evidence: dict[str, dict]
    psa: bool


@dataclass
class HeadlineRow:
    name: str
    values: dict[str, Any] | None
    seconds: float
    error: str | None = None
    units: dict[str, str] | None = None


def run_task(task: HeadlineTask) -> list[HeadlineRow]:
    """Evaluate a batch (in a worker process); an error is that variation's row, the others go on."""
    import time

    from policy_kit.runs import headline

    rows = []
    built: dict[str, dict] = {}  # economics records by economics section: the stage reads nothing else
    for name, dumped in zip(task.names, task.params):
        started = time.perf_counter()
        try:
            params = dumped if isinstance(dumped, Params) else Params.model_validate(dumped)
            key = json.dumps(params.economics.model_dump(mode="json"), sort_keys=True)
            if key not in built:
                built[key] = economics_entries(params, task.root, task.evidence)
            entries = evaluate(params, task.root, task.evidence, psa=task.psa, economics=built[key])
            values = headline(entries)
        except Exception as exc:  # noqa: BLE001 - reported in the table
            rows.append(HeadlineRow(name, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"))
            continue
        units = {key: entries[key].get("unit") or "" for key in values} if not any(r.units for r in rows) else None  # once per batch
        rows.append(HeadlineRow(name, values, time.perf_counter() - started, units=units))
    return rows
