"""Reading finished run folders: their params, results and manifest, and the headline results.

Shared by `policy-kit sweep` (one row of headline results per variant) and `policy-kit compare`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy_kit.errors import Problem, UserError

# The figures a reader of the memo looks at first, in this order; option rows follow.
HEADLINE_KEYS = (
    "plan.recommended.name",
    "plan.recommended.label",
    "plan.recommended.annual_cost",
    "plan.recommended.npv",
    "plan.recommended.bcr",
    "plan.recommended.cases_averted_plan_years",
    "plan.recommended.net_cost_plan_years",
    "plan.recommended.p_npv_positive",
    "evidence.prevalence.burnout_risk",
)
OPTION_KEY = re.compile(r"^plan\.option\.([a-z0-9_]+)\.(npv|cases_averted_plan_years)$")


@dataclass
class RunFolder:
    path: Path
    results: dict[str, dict]  # results.json: key → entry (value, unit, ci, ...)
    manifest: dict
    params: dict | None  # params.yaml (validated, defaults filled in); None for runs made before it was written

    @property
    def name(self) -> str:
        return self.path.name

    def value(self, key: str) -> Any:
        return self.results.get(key, {}).get("value")


def read_run(path: str | Path) -> RunFolder:
    """A finished run folder; UserError (exit 2) naming what is missing."""
    import yaml

    folder = Path(path)
    if not folder.is_dir():
        raise UserError(f"Run folder not found: {folder}")
    missing = [name for name in ("results.json", "manifest.json") if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder} is not a finished run folder: {', '.join(missing)} missing")
    problems = []

    def read(name: str, parse):
        try:
            return parse((folder / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
            problems.append(Problem(str(folder / name), "cannot be read", expected="the file as the run wrote it",
                                    found=f"{type(exc).__name__}: {str(exc).splitlines()[0][:100] if str(exc) else ''}"))
            return None

    results = read("results.json", json.loads)
    manifest = read("manifest.json", json.loads)
    params = read("params.yaml", yaml.safe_load) if (folder / "params.yaml").is_file() else None
    for name, data in (("results.json", results), ("manifest.json", manifest)):
        if data is not None and not isinstance(data, dict):
            problems.append(Problem(str(folder / name), "not the run's mapping", expected="a JSON object", found=type(data).__name__))
    if params is not None and not isinstance(params, dict):
        problems.append(Problem(str(folder / "params.yaml"), "not a params mapping", expected="a YAML mapping", found=type(params).__name__))
    if isinstance(results, dict) and not all(isinstance(e, dict) for e in results.values()):
        problems.append(Problem(str(folder / "results.json"), "entries are not results", expected="{key: {value, unit, ...}}"))
    if problems:
        raise UserError(f"{folder}: damaged run folder; rerun it", problems)
    return RunFolder(folder, results, manifest, params)


def headline_keys(results: dict[str, dict]) -> list[str]:
    """The headline result keys present in `results`: the recommendation, then each option's NPV and cases averted."""
    keys = [k for k in HEADLINE_KEYS if k in results]
    options = sorted((m.group(2), m.group(1), k) for k in results if (m := OPTION_KEY.match(k)))
    order = (results.get("plan.option_order") or {}).get("value") or ""
    rank = {name: i for i, name in enumerate(order.split(","))} if order else {}
    options.sort(key=lambda t: (t[0] != "npv", rank.get(t[1], len(rank)), t[1]))
    return keys + [k for _, _, k in options]


def headline(results: dict[str, dict]) -> dict[str, Any]:
    """{result key: value} of the headline results."""
    return {key: results[key].get("value") for key in headline_keys(results)}


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested params → {dotted key: leaf value}; list items are numbered (`memo.asks.0`), as `--set` takes them."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list) and any(isinstance(v, (dict, list)) for v in data):
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}{i}."))
    else:
        out[prefix.rstrip(".")] = data
    return out
