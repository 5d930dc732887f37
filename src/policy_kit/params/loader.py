"""Load a params YAML file into the typed model, reporting every problem with file, line and key path."""

from __future__ import annotations

import difflib
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from policy_kit.errors import ParamsError, Problem
from policy_kit.params.located import KeyProblems

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    lines: dict[KeyPath, int]  # key path → 1-based line of the key (or item)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as ISO strings (papermill passes JSON-safe values only)."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> LoadedYaml:
    """Parse YAML keeping the line of every key; duplicate keys and syntax errors are refused."""
    where = str(path)
    if not path.exists():
        raise ParamsError(f"Params file not found: {where}")
    if not path.is_file():
        raise ParamsError(f"{where} is not a file", [Problem(where, "not a params file", expected="a .yaml file", found="a folder" if path.is_dir() else "a device, pipe or socket")])
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ParamsError(f"{where} is too large for a params file",
                              [Problem(where, "file too large", expected=f"at most {MAX_BYTES // 1_000_000} MB (the default params are 30 kB)",
                                       found=f"{size:,} bytes", hint="is it a data file? data files are named by the params, under data/")])
        raw = path.read_bytes()
    except OSError as exc:
        raise ParamsError(f"Cannot read {where}", [Problem(where, "cannot be read", found=exc.strerror or type(exc).__name__)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ParamsError(
            f"{where}: the file is not UTF-8 text",
            [Problem(f"{where}:{line}", "bytes that are not UTF-8", expected="a UTF-8 file",
                     found=f"byte {raw[exc.start]:#04x}", hint="save it again as UTF-8 in your editor")],
        ) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise ParamsError(f"{where}: YAML nested too deeply",
                          [Problem(where, "brackets or indentation nested too deeply to read", expected=f"at most {MAX_DEPTH} levels")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else ("?", "?")
        text_lines = text.splitlines()
        at = text_lines[mark.line] if mark and mark.line < len(text_lines) else ""
        tab = "\t" in at[: len(at) - len(at.lstrip())] or "'\\t'" in str(exc.problem)
        raise ParamsError(
            f"{where}: YAML syntax error",
            [Problem(f"{where}:{line}:{col}", f"{exc.problem}" + (f" ({exc.context}{_started(exc, mark)})" if exc.context else ""),
                     hint="indent with spaces: YAML does not allow tabs" if tab else None)],
        ) from None
    except yaml.YAMLError as exc:  # the reader's errors (a NUL byte, a control character) carry a position, not a mark
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else "?"
        character = getattr(exc, "character", None)
        code = ord(character) if isinstance(character, str) and len(character) == 1 else character
        found = f"character {code:#06x}" if isinstance(code, int) else type(exc).__name__
        raise ParamsError(f"{where}: not a readable YAML file",
                          [Problem(f"{where}:{line}", "a character YAML does not allow", expected="printable text", found=found,
                                   hint="a NUL byte or another control character: the file may be binary or damaged")]) from None
    if node is None:
        raise ParamsError(f"{where}: the file is empty", [Problem(f"{where}:1", "no parameters found", "a YAML mapping")])
    lines: dict[KeyPath, int] = {}
    problems: list[Problem] = []
    _walk(node, lines, problems, where)
    if problems:
        raise ParamsError(f"{where}: invalid YAML structure", problems)
    try:
        data = yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError) as exc:  # a construct _walk did not foresee: still a message, not a traceback
        mark = getattr(exc, "problem_mark", None)
        raise ParamsError(f"{where}: YAML that cannot be read as params",
                          [Problem(f"{where}:{mark.line + 1}" if mark else where, str(getattr(exc, "problem", None) or type(exc).__name__))]) from None
    return LoadedYaml(data, lines)


MAX_BYTES = 5_000_000
MAX_DEPTH = 40  # the params nest 6 levels deep; far more is a mistake or a hostile file
MAX_NODES = 200_000  # the default params have about 2 000 values; aliases nested in each other multiply them
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "binary", "merge")}


def _started(exc: yaml.MarkedYAMLError, mark) -> str:
    """Where the unfinished construct began, when that is not where the parser gave up."""
    start = exc.context_mark
    if start is None or mark is None or start.line == mark.line:
        return ""
    return f" started at line {start.line + 1}, column {start.column + 1}"


def _walk(root: yaml.Node, lines: dict, problems: list, where: str) -> None:
    """Record each key's line; refuse what would fail later or exhaust memory (no recursion: depth is checked)."""
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    visited = 0
    while stack:
        node, path = stack.pop()
        visited += 1
        line = node.start_mark.line + 1
        if visited > MAX_NODES:
            problems.append(Problem(f"{where}:{line}", f"the file expands to more than {MAX_NODES:,} values",
                                    expected="a params file of ordinary size",
                                    hint="anchors and aliases (&name, *name) repeated inside each other multiply what they repeat"))
            return
        if len(path) > MAX_DEPTH:
            problems.append(Problem(f"{where}:{line}", "nested too deeply", expected=f"at most {MAX_DEPTH} levels",
                                    found=f"more than {len(path)} levels at '{_dotted(path[:3])}…'"))
            return
        if node.tag not in _STANDARD_TAGS:
            problems.append(Problem(f"{where}:{line}", f"YAML tag not allowed at '{_dotted(path)}'", expected="plain values",
                                    found=node.tag.replace("tag:yaml.org,2002:", "!!"), hint="params hold numbers and text only"))
            continue
        lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            children = []
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(Problem(f"{where}:{line}", f"a key under '{_dotted(path)}' is a list or mapping",
                                            expected="a plain name as key", found="a complex key ('? ...')"))
                    continue
                key = key_node.value
                if key in seen:
                    problems.append(
                        Problem(f"{where}:{line}", f"duplicate key '{_dotted(path + (key,))}'", expected="each key once",
                                found=f"first set on line {seen[key]}", hint="the later value would silently replace the first")
                    )
                seen[key] = line
                lines[path + (key,)] = line
                children.append((value_node, path + (key,)))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[path + (i,)] = item.start_mark.line + 1
            stack.extend(reversed([(item, path + (i,)) for i, item in enumerate(node.value)]))


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{visible(str(part))}" if out else visible(str(part)))
    return out or "(top level)"


def visible(text: str) -> str:
    """Text with invisible characters spelled out: 'min_cell\\u200b', not a key that looks right and is not."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cf", "Cc", "Co", "Cn", "Zl", "Zp")
                   or (unicodedata.category(c) == "Zs" and c != " ") else c for c in text)


def _line_for(path: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _model_at(model: type[BaseModel], path: KeyPath) -> type[BaseModel] | None:
    """The pydantic model that holds the last key of `path`, for 'did you mean' hints."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int) or (get_origin(current) is dict):
            args = get_args(current)
            current = args[-1] if args else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = current.model_fields[part].annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Optional[X] / list[X] / dict[str, X] → X, so hints reach the model inside."""
    for _ in range(4):
        origin = get_origin(annotation)
        if origin in (list, tuple) or (origin is not None and origin is not dict and get_args(annotation)):
            models = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
            if models:
                annotation = models[0]
                continue
            if origin in (list, tuple):
                annotation = get_args(annotation)[0]
                continue
        break
    return annotation


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d[\d\s\u00a0\u202f.]*,\d+\s*$")


def _hint(kind: str, err: dict) -> str | None:
    value = err.get("input")
    if kind in ("float_parsing", "int_parsing") and isinstance(value, str) and _DECIMAL_COMMA.match(value):
        return "write numbers with a decimal point and no thousands separator, e.g. 0.6444 or 1500000"
    if kind == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"put it in quotes: '{value}'"
    if kind == "literal_error" and isinstance(value, str):
        options = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
        return f"did you mean '{close[0]}'?" if close else None
    return None


def _bound_reason(kind: str, model: type[BaseModel], loc: KeyPath) -> str | None:
    """Why a number has the bound it broke: the field's description (e.g. psa.draws, which memory limits)."""
    if kind not in ("less_than_equal", "less_than", "greater_than_equal", "greater_than") or not loc or isinstance(loc[-1], int):
        return None
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(str(loc[-1])) if parent else None
    return field.description if field is not None else None


def validation_problems(
    exc: ValidationError, model: type[BaseModel], lines: dict[KeyPath, int], where: str
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        located = (err.get("ctx") or {}).get("error")
        if isinstance(located, KeyProblems):
            # a rule about a key below the model that checked it: report it at that key's line
            for item in located.items:
                path = loc + item.path
                line = _line_for(path, lines)
                problems.append(Problem(f"{where}:{line}" if line else where, f"'{_dotted(path)}': {item.message}",
                                        expected=item.expected, found=item.found))
            continue
        line = _line_for(loc, lines)
        place = f"{where}:{line}" if line else where
        key = _dotted(loc)
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            options = sorted(parent.model_fields) if parent else []
            close = difflib.get_close_matches(str(loc[-1]), options, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else (f"valid keys: {', '.join(options)}" if options else None)
            problems.append(Problem(place, f"unknown key '{key}'", hint=hint))
        elif kind == "missing":
            problems.append(Problem(place, f"missing key '{key}'", expected="a value"))
        else:
            msg = err["msg"].removeprefix("Value error, ")
            found = None if kind.startswith("value_error") or "input" not in err else _describe(err["input"])
            problems.append(Problem(place, f"'{key}': {msg}", found=found, hint=_hint(kind, err) or _bound_reason(kind, model, loc)))
    return problems


def validate_file(path: Path, model: type[BaseModel]) -> tuple[BaseModel, LoadedYaml]:
    loaded = read_yaml(path)
    if not isinstance(loaded.data, dict):
        raise ParamsError(f"{path}: expected a YAML mapping at the top level",
                          [Problem(f"{path}:{loaded.lines.get((), 1)}", "not a mapping", expected="the sections meta, run, evidence, …",
                                   found=type(loaded.data).__name__)])
    # NaN passes every range check (comparisons with it are all false): refused wherever it is
    problems = non_finite_problems(loaded.data, loaded.lines, str(path)) + unwritable_text_problems(loaded.data, loaded.lines, str(path))
    try:
        validated = model.model_validate(loaded.data, context={"params_dir": path.parent})
    except ValidationError as exc:
        problems = _merge(problems, validation_problems(exc, model, loaded.lines, str(path)))
    else:
        # text such as 'nan' or '1e999' becomes a non-finite float only once validated
        problems = _merge(problems, non_finite_problems(validated.model_dump(), loaded.lines, str(path)))
    if problems:
        problems.sort(key=lambda p: int(p.where.rsplit(":", 1)[-1]) if p.where.rsplit(":", 1)[-1].isdigit() else 0)
        error = ParamsError(f"{path}: {len(problems)} problem(s) in the params", problems)
        error.loaded = loaded  # lets the caller add problems it finds in the raw file
        raise error
    return validated, loaded


def _merge(first: list[Problem], second: list[Problem]) -> list[Problem]:
    seen = {(p.where, p.message) for p in first}
    return first + [p for p in second if (p.where, p.message) not in seen]


def non_finite(data: Any, path: KeyPath = ()) -> list[tuple[KeyPath, float]]:
    """Every NaN or infinite number in nested mappings and lists, with its key path."""
    if isinstance(data, float) and not math.isfinite(data):
        return [(path, data)]
    if isinstance(data, dict):
        return [hit for key, value in data.items() for hit in non_finite(value, path + (key,))]
    if isinstance(data, (list, tuple)):
        return [hit for i, value in enumerate(data) for hit in non_finite(value, path + (i,))]
    return []


# Characters an XML (Word) document cannot hold: control characters other than tab and line breaks, lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def unwritable_text_problems(data: Any, lines: dict[KeyPath, int], where: str, path: KeyPath = ()) -> list[Problem]:
    """Text the memo could not be written with (python-docx refuses control characters), found before any step."""
    if isinstance(data, str):
        bad = _NOT_XML.search(data)
        if not bad:
            return []
        line = _line_for(path, lines)
        return [Problem(f"{where}:{line}" if line else where, f"'{_dotted(path)}': a control character Word cannot hold",
                        expected="printable text", found=f"character {ord(bad.group()):#06x} at position {bad.start() + 1}",
                        hint="pasted from another program? retype the text")]
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in unwritable_text_problems(value, lines, where, path + (key,))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in unwritable_text_problems(value, lines, where, path + (i,))]
    return []


def non_finite_problems(data: Any, lines: dict[KeyPath, int], where: str) -> list[Problem]:
    problems = []
    for key_path, value in non_finite(data):
        line = _line_for(key_path, lines)
        problems.append(Problem(f"{where}:{line}" if line else where, f"'{_dotted(key_path)}': not a finite number",
                                expected="a finite number", found=repr(value).replace("nan", "NaN"),
                                hint="NaN and infinity would pass every range check and blank or flip the results"))
    return problems


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
