"""The results API: how a stage records what it found, and how a later stage reads it.

Each stage writes `records/<stage>.json` (scalars with unit, interval and origin; texts) plus
tables (`tables/<key>.parquet`) and figures (`figures/<key>.png`) inside the run folder. A stage
may read only the records of the stages before it in the data flow; the runner merges every
stage file into `results.json` at the end of a run.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where tables are read or written: a cached rerun never needs it
    import pandas as pd

STAGES = ("evidence", "economics", "plan", "memo")
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def _clean(value: Any) -> Any:
    """JSON-safe, deterministic: numpy scalars to Python, NaN/inf to None."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    return value


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


@dataclass
class Recorder:
    """Write side, one per stage. Every call is written through, so re-running a cell just overwrites its key."""

    run_dir: Path
    stage: str

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"unknown stage {self.stage!r}; stages are {STAGES}")
        self.run_dir = Path(self.run_dir)
        self._path = self.run_dir / "records" / f"{self.stage}.json"
        self._entries: dict[str, dict] = {}
        self.recorded: list[str] = []  # keys in the order they were recorded: what a notebook cell shows
        if self._path.exists():
            self._entries = json.loads(self._path.read_text(encoding="utf-8"))["entries"]

    def _key(self, key: str) -> str:
        full = key if key.startswith(self.stage + ".") else f"{self.stage}.{key}"
        if not _KEY.match(full):
            raise ValueError(f"record key {full!r} must be dotted lower-case words, e.g. 'evidence.prevalence.risk'")
        return full

    def _put(self, key: str, entry: dict) -> str:
        full = self._key(key)
        self._entries[full] = _clean({k: v for k, v in entry.items() if v is not None})
        _write_json(self._path, {"stage": self.stage, "entries": self._entries})
        self.recorded.append(full)
        return full

    def scalar(
        self,
        key: str,
        value: float | int | str | bool | None,
        *,
        unit: str = "",
        ci: tuple[float, float] | None = None,
        origin: str | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> Any:
        """Record one number (or short string). `origin`: survey, pooled pilots, params, model, … Returns the value."""
        self._put(
            key,
            {
                "kind": "scalar",
                "value": value,
                "unit": unit,
                "ci": list(ci) if ci is not None else None,
                "origin": origin,
                "label": label,
                "source": source,
            },
        )
        return value

    def text(self, key: str, text: str) -> str:
        """Record a generated sentence (e.g. commentary) that the memo may quote."""
        self._put(key, {"kind": "text", "value": text})
        return text

    def table(self, key: str, frame: pd.DataFrame, *, caption: str | None = None) -> pd.DataFrame:
        """Record a table as parquet; its index is kept as columns so nothing depends on pandas metadata."""
        full = self._key(key)
        rel = Path("tables") / f"{full}.parquet"
        out = self.run_dir / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        import pandas as pd

        flat = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame
        flat.columns = [str(c) for c in flat.columns]
        flat.to_parquet(out, index=False)
        self._put(key, {"kind": "table", "path": rel.as_posix(), "caption": caption, "rows": len(flat)})
        return frame

    def figure(self, key: str, fig, *, caption: str, alt: str, dpi: int = 200) -> Path:
        """Save a matplotlib figure as a print-resolution PNG without timestamps, so reruns are byte-identical."""
        full = self._key(key)
        rel = Path("figures") / f"{full}.png"
        out = self.run_dir / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        self._put(key, {"kind": "figure", "path": rel.as_posix(), "caption": caption, "alt": alt})
        return out

    def entry(self, key: str) -> dict:
        """An entry this stage recorded earlier in the run."""
        return Results(self.run_dir, self._entries).entry(self._key(key))

    def inputs(self) -> "Results":
        """What this stage may read: the records of the stages before it."""
        return read(self.run_dir, before=self.stage)


class MissingResult(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


@dataclass
class Results:
    run_dir: Path
    entries: dict[str, dict]

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def entry(self, key: str) -> dict:
        try:
            return self.entries[key]
        except KeyError:
            close = [k for k in self.entries if k.split(".")[0] == key.split(".")[0]]
            raise MissingResult(f"no recorded result {key!r}" + (f"; recorded in that stage: {sorted(close)[:8]}…" if close else "")) from None

    def value(self, key: str) -> Any:
        return self.entry(key)["value"]

    def ci(self, key: str) -> tuple[float, float] | None:
        ci = self.entry(key).get("ci")
        return tuple(ci) if ci else None

    def table(self, key: str) -> pd.DataFrame:
        entry = self.entry(key)
        if entry["kind"] != "table":
            raise MissingResult(f"{key!r} is a {entry['kind']}, not a table")
        import pandas as pd

        return pd.read_parquet(self.run_dir / entry["path"])

    def figure_path(self, key: str) -> Path:
        return self.run_dir / self.entry(key)["path"]

    def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self.entries if k.startswith(prefix))


def read(run_dir: str | Path, *, before: str | None = None) -> Results:
    """Read recorded results; with `before`, only the stages that precede it in the data flow."""
    run_dir = Path(run_dir)
    stages = STAGES if before is None else STAGES[: STAGES.index(before)]
    entries: dict[str, dict] = {}
    for stage in stages:
        path = run_dir / "records" / f"{stage}.json"
        if path.exists():
            entries.update(json.loads(path.read_text(encoding="utf-8"))["entries"])
    return Results(run_dir, entries)


def write_results_json(run_dir: str | Path) -> Path:
    """Merge every stage's records into results.json (sorted keys: same results → same bytes)."""
    run_dir = Path(run_dir)
    out = run_dir / "results.json"
    _write_json(out, read(run_dir).entries)
    return out
