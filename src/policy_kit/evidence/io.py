"""Read and validate a survey export (CSV or XLSX).

Belgian spreadsheet exports often use « ; » as separator, a decimal comma and the cp1252
encoding. We detect all three, and refuse the file with a clear message rather than read
it wrongly (one single column, numbers kept as text, mangled accents).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from policy_kit.errors import DataError, Problem

from .schema import COLUMN_ORDER, COLUMNS_BY_NAME, SURVEY_COLUMNS, Column

SEPARATORS = (";", ",", "\t", "|")
MAX_EXAMPLES = 3
SYNTHETIC_MARK = "SYNTHETIC"
# utf-8 text decoded as cp1252 and saved again: « Ã© » for « é », « â€™ » for « ’ »
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Ã©|Ã¨|â€|Â[\u00a0-\u00bf]")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?\d+\.\d+$")
_THOUSANDS = re.compile(r"[\u00a0\u202f ']")


@dataclass
class SurveyData:
    """A validated survey and how it was read."""

    frame: pd.DataFrame
    path: str
    is_synthetic: bool
    header_comment: str | None
    encoding: str | None  # None for XLSX
    separator: str | None  # None for XLSX
    decimal: str
    n_read: int
    dropped: pd.DataFrame = field(default_factory=lambda: _empty_dropped())
    notes: list[str] = field(default_factory=list)  # how the file was read, when it was not as expected

    @property
    def n_dropped(self) -> int:
        return self.n_read - len(self.frame)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _empty_dropped() -> pd.DataFrame:
    return pd.DataFrame(columns=["column", "reason", "n_rows", "example_rows"])


def read_survey(path: str | Path, *, drop_invalid: bool = False) -> SurveyData:
    """Read a survey file, check it against the schema, and return it with how it was read.

    Every problem is reported at once (a DataError lists them all, each with its column, the
    number of rows and up to three row numbers as the user sees them in the file). With
    drop_invalid=True, rows with a problem are dropped and counted in `dropped` instead;
    problems with the file itself (missing columns, unreadable encoding) still raise.
    """
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise DataError(
            f"Survey file not found: {where}",
            [Problem(where, "file does not exist", hint="check the survey path in the params file")],
        )
    if path.is_dir():
        raise DataError(f"Survey path is a folder: {where}", [Problem(where, "expected a file, found a folder")])
    suffix = path.suffix.lower()
    notes: list[str] = []
    if suffix in (".xlsx", ".xlsm"):
        raw, comment = _read_xlsx(path, notes)
        encoding = separator = None
    elif suffix in (".csv", ".txt", ".tsv"):
        raw, comment, encoding, separator = _read_csv(path, notes)
    else:
        raise DataError(
            f"Unsupported survey file type: {where}",
            [Problem(where, "unsupported file type", expected=".csv or .xlsx", found=suffix or "no extension",
                     hint="save it from Excel as « Classeur Excel (.xlsx) » or « CSV UTF-8 »" if suffix == ".xls" else None)],
        )
    # raw.index holds the row numbers as seen in the file (spreadsheet rows)
    frame, problems, row_problems, decimal = _validate(raw, where, notes)
    if problems:
        everything = problems + [p for p, _, _ in row_problems]
        raise DataError(f"The survey file {where} cannot be used ({_count(len(everything), 'problem')}).", everything)
    dropped = _empty_dropped()
    if row_problems:
        if not drop_invalid:
            raise DataError(
                f"The survey file {where} has {_count(len(row_problems), 'problem')}; fix them or set drop_invalid.",
                [p for p, _, _ in row_problems],
            )
        bad_rows = sorted(set().union(*(rows for _, rows, _ in row_problems)))
        dropped = pd.DataFrame(
            [
                {
                    "column": column,
                    "reason": p.message,
                    "n_rows": len(rows),
                    "example_rows": ", ".join(str(r) for r in rows[:MAX_EXAMPLES]),
                }
                for p, rows, column in row_problems
            ]
        )
        frame = frame.drop(index=bad_rows)
    return SurveyData(
        frame=frame.reset_index(drop=True),
        path=where,
        is_synthetic=bool(comment and SYNTHETIC_MARK in comment.upper()),
        header_comment=comment,
        encoding=encoding,
        separator=separator,
        decimal=decimal,
        n_read=len(raw),
        dropped=dropped,
        notes=notes,
    )


# --- reading ---------------------------------------------------------------------------------


def _decode(data: bytes, where: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start + 3) + 1
            raise DataError(f"Cannot decode {where}", [Problem(
                f"{where}, line {line}", "the file starts as UTF-8 but holds bytes that are not", expected="utf-8 text",
                found=f"byte {data[exc.start + 3]:#04x}", hint="export it again as « CSV UTF-8 » from Excel")]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's « Texte Unicode » export
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data.count(b"\n", 0, at) + 1
        raise DataError(
            f"Cannot decode {where}",
            [Problem(f"{where}, line {line}", "the file holds NUL bytes: it is not plain text, or UTF-16 without its byte-order mark",
                     expected="utf-8 or cp1252 text", found=f"a NUL byte at position {at}",
                     hint="export it again as « CSV UTF-8 » from Excel")],
        )
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise DataError(
                f"Cannot decode {where}",
                [
                    Problem(
                        f"{where}, line {line}",
                        "the file is neither utf-8 nor cp1252 (Windows-1252) text",
                        found=f"byte {data[exc.start]:#04x} at position {exc.start}",
                        hint="export it again as « CSV UTF-8 » from Excel",
                    )
                ],
            ) from None
    match = _MOJIBAKE.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise DataError(
            f"Garbled accents in {where}",
            [
                Problem(
                    f"{where}, line {line}",
                    "accented letters were garbled by an earlier wrong conversion",
                    found=repr(match.group(0)),
                    hint="export the file again from the original spreadsheet as « CSV UTF-8 »",
                )
            ],
        )
    return text, encoding


def _split_comments(lines: list[str]) -> tuple[list[str], int]:
    comments = []
    n = 0
    for line in lines:
        if line.startswith("#"):
            comments.append(line.lstrip("#").strip())
            n += 1
        elif not line.strip() and not comments:
            n += 1
        else:
            break
    return comments, n


def _detect_separator(header: str, where: str, line_no: int) -> str:
    known = set(COLUMN_ORDER)

    def score(sep: str) -> tuple[int, int]:
        names = [n.strip().strip('"').lower() for n in header.split(sep)]
        return (len(known.intersection(names)), len(names))

    best = max(SEPARATORS, key=score)
    matched, n_fields = score(best)
    if n_fields < 2 or matched == 0:
        raise DataError(
            f"Cannot find the column separator in {where}",
            [
                Problem(
                    f"{where}, line {line_no}",
                    "the header line does not split into the expected columns with « ; », « , », tab or « | »",
                    expected="a header such as " + ";".join(COLUMN_ORDER[:3]) + ";…",
                    found=repr(header[:80]),
                )
            ],
        )
    return best


def _read_csv(path: Path, notes: list[str]):
    where = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"The survey file {where} is empty", [Problem(where, "the file is empty")])
    for magic, what in ((b"PK\x03\x04", "an Excel workbook (.xlsx)"), (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)")):
        if data.startswith(magic):
            raise DataError(
                f"{where} is not a CSV file",
                [Problem(where, f"the file is {what} with a CSV name", expected="CSV text", found=what,
                         hint="give the workbook its .xlsx name, or export it as « CSV UTF-8 »")],
            )
    text, encoding = _decode(data, where)
    lines = text.splitlines()
    comments, n_skip = _split_comments(lines)
    if n_skip >= len(lines):
        raise DataError(f"The survey file {where} has no header", [Problem(where, "no header line and no data")])
    separator = _detect_separator(lines[n_skip], where, n_skip + 1)
    # csv rather than pandas: pandas renames a repeated column (stress.1), pads short rows and
    # skips blank lines, each of which would hide a problem or shift the row numbers we report
    reader = csv.reader(io.StringIO("\n".join(lines[n_skip:])), delimiter=separator, quotechar='"')
    header = next(reader)
    records, numbers, ragged = [], [], {}
    spanning: set[int] = set()  # rows whose field runs over several lines: a quote left open
    try:
        for record, line_no in _records(reader, n_skip):
            if not any(f.strip() for f in record):
                continue
            if len(record) != len(header):
                ragged.setdefault(len(record), []).append(line_no)
                if any("\n" in field for field in record):
                    spanning.add(line_no)
            records.append(record)
            numbers.append(line_no)
    except csv.Error as exc:
        line = n_skip + reader.line_num
        raise DataError(f"Cannot read the survey file {where}",
                        [Problem(f"{where}, line {line}", "a field the CSV reader cannot take", expected=f"fields of at most {csv.field_size_limit():,} characters",
                                 found=str(exc), hint="a quote (\") opened and never closed swallows the lines after it")]) from None
    if ragged:
        problems = [
            Problem(f"{where}, {_rows_text(rows)}", f"{len(rows)} {'row has' if len(rows) == 1 else 'rows have'} {n} fields",
                    expected=f"{len(header)} fields per row, as in the header (line {n_skip + 1})", found=f"{n} fields",
                    hint="a quote (\") opened in this row is never closed, so the lines after it became one field"
                    if spanning & set(rows) else
                    "a decimal comma or a comma inside an unquoted text splits a field: quote such values or use « ; » as separator"
                    if separator == "," and n > len(header) else None)
            for n, rows in sorted(ragged.items())
        ]
        raise DataError(f"The survey file {where} has rows that do not match its header.", problems)
    raw = pd.DataFrame(records, columns=[h.strip() for h in header], index=pd.Index(numbers), dtype=str)
    raw = _drop_unnamed(raw, where, notes)
    return raw, " ".join(comments) or None, encoding, separator


def _records(reader, n_skip: int):
    """Each record with the file line it starts on (a quoted field may span lines)."""
    next_line = reader.line_num + 1
    for record in reader:
        yield record, n_skip + next_line
        next_line = reader.line_num + 1


def _drop_unnamed(raw: pd.DataFrame, where: str, notes: list[str]) -> pd.DataFrame:
    """Columns without a header (a trailing separator, a note in a spare column) are not survey data."""
    unnamed = [i for i, c in enumerate(raw.columns) if str(c).strip() == ""]
    used = [i for i in unnamed if raw.iloc[:, i].astype(str).str.strip().ne("").any()]
    if used:
        notes.append(f"{len(used)} column(s) without a header hold values and were ignored (column {', '.join(str(i + 1) for i in used)})")
    return raw.iloc[:, [i for i in range(raw.shape[1]) if i not in unnamed]]


HEADER_SEARCH_ROWS = 20


def _header_row(grid: pd.DataFrame) -> tuple[int | None, int]:
    """The row (0-based) among the first rows of a sheet that holds the most schema column names."""
    best, best_hits = None, 0
    known = set(COLUMN_ORDER)
    for i in range(min(HEADER_SEARCH_ROWS, len(grid))):
        names = {str(v).strip().lower() for v in grid.iloc[i] if isinstance(v, str)}
        hits = len(known & names)
        if hits > best_hits:
            best, best_hits = i, hits
    return (best, best_hits) if best_hits >= 3 else (None, best_hits)


def _read_xlsx(path: Path, notes: list[str]):
    where = str(path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several types for a corrupt or non-xlsx file
        raise DataError(
            f"Cannot open {where} as an Excel workbook",
            [Problem(where, "not a readable .xlsx workbook", found=type(exc).__name__ + ": " + str(exc)[:100])],
        ) from None
    names = list(sheets)
    if all(grid.dropna(how="all").empty for grid in sheets.values()):
        raise DataError(f"The survey file {where} is empty", [Problem(where, "the first sheet is empty")])
    found = {name: _header_row(grid) for name, grid in sheets.items()}
    with_header = [name for name in names if found[name][0] is not None]
    if not with_header:
        first = sheets[names[0]].dropna(how="all")
        preview = ", ".join(repr(str(v)) for v in first.iloc[0].dropna().tolist()[:4]) if not first.empty else "nothing"
        raise DataError(
            f"The survey file {where} has no header row with the survey columns",
            [Problem(f"{where}, sheet '{names[0]}'",
                     f"no row among the first {HEADER_SEARCH_ROWS} of any sheet names the survey columns",
                     expected="one header row (" + ", ".join(COLUMN_ORDER[:4]) + ", …) then one respondent per row",
                     found=f"first row: {preview}",
                     hint="the layout may be transposed (one variable per row) or the columns renamed")],
        )
    if names[0] in with_header:
        sheet = names[0]
    elif len(with_header) == 1:
        sheet = with_header[0]
        notes.append(f"read sheet '{sheet}', the only sheet with the survey columns (the first sheet is '{names[0]}')")
    else:
        raise DataError(
            f"The survey file {where} has survey columns on several sheets",
            [Problem(where, "cannot tell which sheet holds the survey", expected="the survey on the first sheet",
                     found="sheets " + ", ".join(f"'{n}'" for n in with_header), hint="move the survey sheet first")],
        )
    grid = sheets[sheet]
    start = found[sheet][0]
    above = grid.iloc[:start]
    comments = [str(v).lstrip("#").strip() for v in above.iloc[:, 0] if isinstance(v, str) and v.startswith("#")]
    skipped = [i + 1 for i in range(start) if not above.iloc[i].isna().all()
               and not (isinstance(above.iloc[i, 0], str) and above.iloc[i, 0].startswith("#"))]
    if skipped:
        notes.append(f"skipped {len(skipped)} row(s) above the header on row {start + 1} (row {', '.join(map(str, skipped[:3]))})")
    header = [str(v).strip() if v is not None and not (isinstance(v, float) and np.isnan(v)) else "" for v in grid.iloc[start]]
    body = grid.iloc[start + 1 :].copy()
    body.columns = header
    body = body.dropna(how="all")
    body.index = body.index + 1  # Excel rows are 1-based

    def as_text(v) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    raw = _drop_unnamed(body.map(as_text), where, notes)
    return raw, " ".join(comments) or None


# --- validation ------------------------------------------------------------------------------


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, str | None]:
    """Numbers written with a decimal point or a decimal comma; None if the column mixes both."""
    text = values.str.strip().str.replace(_THOUSANDS, "", regex=True)
    has_comma = text.str.match(_DECIMAL_COMMA).any()
    has_point = text.str.match(_DECIMAL_POINT).any()
    if has_comma and has_point:
        return pd.Series(np.nan, index=values.index), None
    decimal = "," if has_comma else "."
    if has_comma:
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce"), decimal


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_EXAMPLES])
    more = f" and {len(rows) - MAX_EXAMPLES} more" if len(rows) > MAX_EXAMPLES else ""
    label = "row" if len(rows) == 1 else "rows"
    return f"{label} {shown}{more}"


def _clip(value, most: int = 80) -> str:
    """A value as quoted in a message; a pasted essay is cut, with its length."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= most:
        return repr(value)
    return f"{text[:most]!r}… ({len(text):,} characters)"


def _found_text(values: pd.Series) -> str:
    counts = values.value_counts()
    parts = [f"{_clip(v)} ({n}×)" for v, n in counts.head(MAX_EXAMPLES).items()]
    if len(counts) > MAX_EXAMPLES:
        parts.append(f"{len(counts) - MAX_EXAMPLES} other values")
    return ", ".join(parts)


def _row_problem(where: str, col: Column, message: str, mask: pd.Series, raw_values: pd.Series, expected: str):
    rows = [int(r) for r in mask[mask].index]
    problem = Problem(
        f"{where}, {len(rows)} {'row' if len(rows) == 1 else 'rows'} ({_rows_text(rows)}), column '{col.name}'",
        message,
        expected=expected,
        found=_found_text(raw_values[mask]),
    )
    return problem, rows, col.name


def _validate(raw: pd.DataFrame, where: str, notes: list[str] | None = None):
    problems: list[Problem] = []
    row_problems: list[tuple[Problem, list[int], str]] = []
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    if raw.empty:
        problems.append(Problem(where, "the file has a header but no data rows", expected="at least one respondent"))
    missing = [c for c in COLUMN_ORDER if c not in raw.columns]
    extra = [c for c in dict.fromkeys(raw.columns) if c not in COLUMNS_BY_NAME]
    if missing:
        close = {m: difflib.get_close_matches(m, extra, n=1, cutoff=0.75) for m in missing}
        renamed = [f"'{c[0]}' for '{m}'" for m, c in close.items() if c]
        problems.append(
            Problem(
                where,
                f"{len(missing)} required columns are missing: " + ", ".join(missing),
                expected="columns " + ", ".join(COLUMN_ORDER),
                found="columns " + ", ".join(map(str, raw.columns)),
                hint=("misspelt? " + ", ".join(renamed)) if renamed else None,
            )
        )
    if extra and notes is not None:
        # allowed by the schema: kept as text, never analysed nor shown
        notes.append("column(s) not in the survey schema, kept as text and not analysed: " + ", ".join(map(str, extra)))
    duplicated_names = raw.columns[raw.columns.duplicated()].unique().tolist()
    if duplicated_names:
        problems.append(Problem(where, "columns appear twice: " + ", ".join(duplicated_names)))
        raw = raw.loc[:, ~raw.columns.duplicated()]
    frame = pd.DataFrame(index=raw.index)
    decimals = set()
    for col in SURVEY_COLUMNS:
        if col.name not in raw.columns:
            continue
        values = raw[col.name].astype(str).str.strip()
        empty = values == ""
        if empty.any():
            row_problems.append(_row_problem(where, col, "empty value", empty, values, col.expected()))
        if col.kind == "id":
            dup = values.duplicated(keep=False) & ~empty
            if dup.any():
                problem, rows, name = _row_problem(where, col, "duplicate respondent_id", dup, values, "each id once")
                # the rows locate them; the ids themselves are not repeated in messages and logs
                problem.found = f"{values[dup].nunique()} id(s) used on more than one row"
                row_problems.append((problem, rows, name))
            frame[col.name] = values
        elif col.kind == "code":
            codes = values.str.lower()
            unknown = ~codes.isin(col.codes) & ~empty
            if unknown.any():
                row_problems.append(_row_problem(where, col, "unknown code", unknown, values, col.expected()))
            frame[col.name] = pd.Categorical(codes.where(~unknown & ~empty), categories=list(col.codes))
        else:
            numbers, decimal = _parse_numbers(values)
            if decimal is None:
                problems.append(
                    Problem(
                        f"{where}, column '{col.name}'",
                        "the column mixes decimal points and decimal commas, so its numbers are ambiguous",
                        expected="one decimal mark for the whole file",
                    )
                )
                continue
            if values.str.contains(r"[.,]\d", regex=True).any():
                decimals.add(decimal)
            not_number = numbers.isna() & ~empty
            if not_number.any():
                row_problems.append(_row_problem(where, col, "not a number", not_number, values, col.expected()))
            bad = numbers.notna() & ((numbers < col.low) | (numbers > col.high))
            if col.kind == "integer":
                bad |= numbers.notna() & (numbers % 1 != 0)
            if bad.any():
                row_problems.append(_row_problem(where, col, "value out of range", bad, values, col.expected()))
            clean = numbers.where(~bad)
            frame[col.name] = clean.astype("Int64") if col.kind == "integer" else clean.astype(float)
    if len(decimals) > 1:
        problems.append(
            Problem(where, "some columns use a decimal comma and others a decimal point", expected="one decimal mark")
        )
    for name in extra:  # kept as text: analyses may use them, the schema does not check them
        frame[name] = raw[name]
    decimal = decimals.pop() if len(decimals) == 1 else "."
    return frame, problems, row_problems, decimal
