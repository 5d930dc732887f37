"""Params: the typed schema of a scenario file, its loading and validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policy_kit.errors import ParamsError, Problem
from policy_kit.params.loader import file_hash, validate_file
from policy_kit.params.schema import Params
from policy_kit.params.sourced import Sourced

__all__ = ["Params", "Sourced", "load", "from_notebook", "file_hash"]


def load(path: str | Path, *, root: str | Path | None = None, check_data: bool = True) -> Params:
    """Read and validate a params file; raises ParamsError listing every problem with file and line.

    Paths are relative to the project root (by default the folder above the params file): data paths must
    lie under its data/ folder, meta.template and meta.logo inside it, and all must exist. With
    `check_data`, the data files are read and checked too (DataError), so bad data stop a run before it starts.
    """
    path = Path(path)
    try:
        params, loaded = validate_file(path, Params)
    except ParamsError as exc:
        loaded = getattr(exc, "loaded", None)
        if loaded is None:
            raise
        # the paths that are readable are checked too, so that every problem is reported at once
        found = _path_problems(_raw_paths(loaded.data), path, loaded.lines, root)
        if not found:
            raise
        problems = sorted(exc.problems + found, key=lambda p: _line_number(p.where))
        raise ParamsError(f"{path}: {len(problems)} problem(s) in the params", problems) from None
    check_data_paths(params, path, loaded.lines, root=root)
    if check_data:
        check_data_files(params, path, loaded.lines, root=root)
    return params  # type: ignore[return-value]


# Params keys naming files that the memo stage reads: anywhere in the project, of these types.
PROJECT_FILES = {("meta", "template"): (".docx",), ("meta", "logo"): (".png", ".jpg", ".jpeg", ".gif", ".bmp")}


def _line_number(where: str) -> int:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _raw_paths(data: dict) -> dict[tuple[str, ...], str]:
    """File paths written in a params file that did not validate: the keys that are there and are text."""
    out = {}
    for key in (*Params.DATA_KEYS, *PROJECT_FILES):
        value = data
        for part in key:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and value:
            out[key] = value
    return out


def check_data_paths(params: Params, path: Path, lines: dict, *, root: str | Path | None = None) -> None:
    files = dict(params.data_paths())
    for key in PROJECT_FILES:
        rel = getattr(getattr(params, key[0]), key[1])
        if rel:
            files[key] = rel
    problems = _path_problems(files, path, lines, root)
    if problems:
        raise ParamsError(f"{path}: {len(problems)} problem(s) with file paths", problems)


def _path_problems(files: dict[tuple[str, ...], str], path: Path, lines: dict, root: str | Path | None) -> list[Problem]:
    from policy_kit.paths import find_project, resolve_input

    root = Path(root).resolve() if root else find_project(path)
    problems = []
    for key, rel in files.items():
        allowed, suffixes = ((".",), PROJECT_FILES[key]) if key in PROJECT_FILES else (("data",), None)
        where = f"{path}:{lines.get(key, '?')}"
        dotted = ".".join(key)
        try:
            target = resolve_input(root, rel, key=dotted, allowed=allowed)
        except ParamsError as exc:
            problems += [Problem(where, f"'{dotted}': {exc.summary.lower()}", p.expected, p.found) for p in exc.problems]
            continue
        if not target.is_file():
            under = "under data/" if allowed == ("data",) else "in the project folder"
            problems.append(Problem(where, f"'{dotted}': {'data ' if allowed == ('data',) else ''}file not found",
                                    expected=f"an existing file {under}", found=rel))
        elif suffixes and target.suffix.lower() not in suffixes:
            problems.append(Problem(where, f"'{dotted}': wrong file type", expected=" or ".join(suffixes), found=rel))
    return problems


def check_data_files(params: Params, path: Path, lines: dict, *, root: str | Path | None = None) -> None:
    """Read every data file the params name, as the evidence stage will; all their problems in one DataError."""
    from policy_kit.errors import DataError
    from policy_kit.evidence.io import read_survey
    from policy_kit.evidence.pilots import read_pilot_activity, read_prepost
    from policy_kit.paths import find_project

    root = Path(root).resolve() if root else find_project(path)
    readers = {
        ("evidence", "survey"): lambda file: read_survey(file, drop_invalid=params.evidence.drop_invalid),
        ("evidence", "pilots", "activity"): read_pilot_activity,
        ("evidence", "pilots", "prepost"): read_prepost,
    }
    summaries, problems = [], []
    for key, rel in params.data_paths().items():
        if key not in readers:
            continue
        try:
            readers[key]((root / rel).resolve())
        except DataError as exc:
            summaries.append(f"{exc.summary} (named by '{'.'.join(key)}' at {path}:{lines.get(key, '?')})")
            problems += exc.problems
    if problems:
        raise DataError("\n".join(summaries), problems)


def from_notebook(injected: dict[str, Any] | None, params_file: str | Path) -> Params:
    """The params inside a notebook: the validated dict injected by the runner, or the file when run by hand."""
    if injected is not None:
        return Params.model_validate(injected)
    return load(params_file)
