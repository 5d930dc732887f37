"""Params: the typed schema of a scenario file, its loading and validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policy_kit.errors import ParamsError, Problem
from policy_kit.params.loader import file_hash, validate_file
from policy_kit.params.schema import Params
from policy_kit.params.sourced import Sourced

__all__ = ["Params", "Sourced", "load", "from_notebook", "file_hash"]


def load(path: str | Path) -> Params:
    """Read and validate a params file; raises ParamsError listing every problem with file and line.

    Data paths must exist and lie under the project's data/ folder (paths are relative to the project root).
    """
    path = Path(path)
    params, loaded = validate_file(path, Params)
    check_data_paths(params, path, loaded.lines)
    return params  # type: ignore[return-value]


def check_data_paths(params: Params, path: Path, lines: dict) -> None:
    from policy_kit.paths import project_root, resolve_input

    root = project_root(path)
    problems = []
    for key, rel in params.data_paths().items():
        where = f"{path}:{lines.get(key, '?')}"
        dotted = ".".join(key)
        try:
            target = resolve_input(root, rel, key=dotted)
        except ParamsError as exc:
            problems += [Problem(where, f"'{dotted}': {exc.summary.lower()}", p.expected, p.found) for p in exc.problems]
            continue
        if not target.is_file():
            problems.append(Problem(where, f"'{dotted}': data file not found", expected="an existing file under data/", found=rel))
    if problems:
        raise ParamsError(f"{path}: {len(problems)} problem(s) with data paths", problems)


def from_notebook(injected: dict[str, Any] | None, params_file: str | Path) -> Params:
    """The params inside a notebook: the validated dict injected by the runner, or the file when run by hand."""
    if injected is not None:
        return Params.model_validate(injected)
    return load(params_file)
