"""Dotted-key overrides of a params file: `--set plan.budget_cap=5e6` on `run` and `sweep`, and variants files.

On a sourced number the key alone sets its value, keeping its range and source. Overridden params are
validated in memory; a problem is reported at the `--set` argument (or variants-file item) that caused it,
not at a line of a generated file.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

from policy_kit.errors import ParamsError, Problem, UserError


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
        if any(isinstance(t, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)) for t in yaml.scan(text)):
            raise ParamsError(f"--set value {text!r} uses YAML anchors, aliases or tags",
                              [Problem("--set", "anchors (&), aliases (*) and tags (!!) are not values", expected="e.g. 4e6, true, [0.5, 1.0]",
                                       found=text)])
        value = yaml.safe_load(text) if text else ""
    except (yaml.YAMLError, RecursionError) as exc:
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



def apply_overrides(data: dict, overrides: dict[str, Any], *, where: str = "override") -> dict:
    """A copy of the raw params with each dotted key set; on a sourced number, `key=v` sets its value.

    Only the mappings and lists along the overridden paths are copied (a sweep makes hundreds of variations);
    the rest is shared with `data`, which is never changed.
    """
    import difflib

    out = copy.copy(data)
    fresh = {id(out)}  # containers copied for this call, safe to change

    def child(node: Any, part: str) -> Any:
        index = int(part) if isinstance(node, list) else part
        item = node[index]
        if isinstance(item, (dict, list)) and id(item) not in fresh:
            item = copy.copy(item)
            fresh.add(id(item))
            node[index] = item
        return item

    problems = []
    for key, value in overrides.items():
        parts = key.split(".")
        node: Any = out
        try:
            for depth, part in enumerate(parts[:-1]):
                node = child(node, part)
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
            child(node, last)["value"] = value  # a sourced number keeps its range, source and vintage
        else:
            node[last] = value
    if problems:
        raise ParamsError(f"{where}: {len(problems)} problem(s) with the overrides", problems)
    return out


def _dotted_key(text: str) -> str:
    """`plan.options.full.coverage[1]` (pydantic's form) → `plan.options.full.coverage.1` (the --set form)."""
    return re.sub(r"\[(\d+)\]", r".\1", text)


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def locate(problems: list[Problem], overrides: dict[str, Any], origin: str, fallback: str) -> list[Problem]:
    """Report each problem at the override that caused it: `--set KEY=VALUE`, or `<origin>: KEY`.

    `origin` is "--set" for command-line overrides, else where the variation is written (a variants file item),
    or empty for overrides given in code (then `fallback` names them).
    A problem that no override explains (a cross-field rule, say) stays at `fallback`.
    """
    out = []
    for problem in problems:
        keys = [_dotted_key(k) for k in re.findall(r"'([a-z0-9_.\[\]]+)'", problem.message)]
        matched = next((k for k in overrides if any(_related(k, found) for found in keys)), None)
        if matched is None:
            where = fallback
        elif origin == "--set":
            where = f"--set {matched}={_show(overrides[matched])}"
        else:
            where = f"{origin or fallback}: {matched}"
        out.append(Problem(where, problem.message, problem.expected, problem.found, problem.hint))
    return out


def validate(data: dict, overrides: dict[str, Any], *, params_path: Path, root: Path, origin: str = "--set",
             fallback: str | None = None):
    """The overridden params validated in memory (paths checked, data not read); ParamsError at the overrides."""
    from pydantic import ValidationError

    from policy_kit.params import Params, check_data_paths
    from policy_kit.params.loader import validation_problems

    fallback = fallback or str(params_path)
    try:
        changed = apply_overrides(data, overrides, where=fallback)
    except ParamsError as exc:
        problems = locate(exc.problems, overrides, origin, fallback)
        raise ParamsError(f"{len(problems)} problem(s) with the overrides of {params_path.name}", problems) from None
    try:
        params = Params.model_validate(changed, context={"params_dir": params_path.parent})
    except ValidationError as exc:
        problems = locate(validation_problems(exc, Params, {}, fallback), overrides, origin, fallback)
        raise ParamsError(f"{len(problems)} problem(s) with the overrides of {params_path.name}", problems) from None
    try:
        check_data_paths(params, params_path, {}, root=root)
    except UserError as exc:
        problems = locate(exc.problems, overrides, origin, fallback)
        raise ParamsError(f"{len(problems)} problem(s) with the overrides of {params_path.name}", problems) from None
    return params


def load_with_overrides(path: str | Path, overrides: dict[str, Any], *, root: str | Path | None = None,
                        check_data: bool = True):
    """A params file with `--set` overrides applied, validated as `params.load` validates the file itself."""
    from policy_kit.params import check_data_files, load
    from policy_kit.params.loader import read_yaml
    from policy_kit.paths import find_project

    path = Path(path)
    base = load(path, root=root, check_data=False)  # the file itself first: its own problems at its own lines
    if not overrides:
        if check_data:
            check_data_files(base, path, read_yaml(path).lines, root=root)
        return base
    root = Path(root).resolve() if root else find_project(path)
    params = validate(read_yaml(path).data, overrides, params_path=path, root=root)
    if check_data:
        check_data_files(params, path, {}, root=root)
    return params


def parse_assignments(texts: list[str]) -> dict[str, Any]:
    """`run --set KEY=VALUE` (one value each, a key once) → {key: value}."""
    out: dict[str, Any] = {}
    for text in texts:
        key, values = parse_set(text)
        if len(values) != 1:
            raise ParamsError(f"--set {text!r}: run takes one value per key (sweep takes several)",
                              [Problem(f"--set {text}", "several values", "KEY=VALUE", text)])
        if key in out:
            raise ParamsError("--set names the same key twice", [Problem(f"--set {text}", "duplicate key", found=key)])
        out[key] = values[0]
    return out
