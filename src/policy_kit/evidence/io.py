"""Read and validate a survey export (CSV or XLSX).

Belgian spreadsheet exports often use « ; » as separator, a decimal comma and the cp1252
encoding. We detect all three, and refuse the file with a clear message rather than read
it wrongly (one single column, numbers kept as text, mangled accents).
"""

from __future__ import annotations

import csv
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

    @property
    def n_dropped(self) -> int:
        return self.n_read - len(self.frame)


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
    if suffix in (".xlsx", ".xlsm"):
        raw, comment, first_data_row = _read_xlsx(path)
        encoding = separator = None
    elif suffix in (".csv", ".txt", ".tsv"):
        raw, comment, first_data_row, encoding, separator = _read_csv(path)
    else:
        raise DataError(
            f"Unsupported survey file type: {where}",
            [Problem(where, "unsupported file type", expected=".csv or .xlsx", found=suffix or "no extension")],
        )
    raw.index = pd.RangeIndex(first_data_row, first_data_row + len(raw))  # row numbers as seen in the file
    frame, problems, row_problems, decimal = _validate(raw, where)
    if problems:
        everything = problems + [p for p, _, _ in row_problems]
        raise DataError(f"The survey file {where} cannot be used ({len(everything)} problems).", everything)
    dropped = _empty_dropped()
    if row_problems:
        if not drop_invalid:
            raise DataError(
                f"The survey file {where} has {len(row_problems)} problems; fix them or set drop_invalid.",
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
    )


# --- reading ---------------------------------------------------------------------------------


def _decode(data: bytes, where: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise DataError(
                f"Cannot decode {where}",
                [
                    Problem(
                        where,
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


def _read_csv(path: Path):
    where = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"The survey file {where} is empty", [Problem(where, "the file is empty")])
    text, encoding = _decode(data, where)
    lines = text.splitlines()
    comments, n_skip = _split_comments(lines)
    if n_skip >= len(lines):
        raise DataError(f"The survey file {where} has no header", [Problem(where, "no header line and no data")])
    separator = _detect_separator(lines[n_skip], where, n_skip + 1)
    raw = pd.read_csv(
        io.StringIO("\n".join(lines[n_skip:])),
        sep=separator,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        quoting=csv.QUOTE_MINIMAL,
    )
    # header is on line n_skip + 1, first data row on the next line
    return raw, " ".join(comments) or None, n_skip + 2, encoding, separator


def _read_xlsx(path: Path):
    where = str(path)
    try:
        grid = pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several types for a corrupt or non-xlsx file
        raise DataError(
            f"Cannot open {where} as an Excel workbook",
            [Problem(where, "not a readable .xlsx workbook", found=type(exc).__name__ + ": " + str(exc)[:100])],
        ) from None
    if grid.empty:
        raise DataError(f"The survey file {where} is empty", [Problem(where, "the first sheet is empty")])
    comments = []
    start = 0
    for _, row in grid.iterrows():
        first = row.iloc[0]
        if isinstance(first, str) and first.startswith("#"):
            comments.append(first.lstrip("#").strip())
            start += 1
        elif row.isna().all():
            start += 1
        else:
            break
    header = [str(v).strip() if v is not None and not (isinstance(v, float) and np.isnan(v)) else "" for v in grid.iloc[start]]
    body = grid.iloc[start + 1 :].copy()
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    body = body.dropna(how="all")

    def as_text(v) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    raw = body.map(as_text).reset_index(drop=True)
    # Excel rows are 1-based; the header sits on row start + 1
    return raw, " ".join(comments) or None, start + 2


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


def _found_text(values: pd.Series) -> str:
    counts = values.value_counts()
    parts = [f"{v!r} ({n}×)" for v, n in counts.head(MAX_EXAMPLES).items()]
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


def _validate(raw: pd.DataFrame, where: str):
    problems: list[Problem] = []
    row_problems: list[tuple[Problem, list[int], str]] = []
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    if raw.empty:
        problems.append(Problem(where, "the file has a header but no data rows", expected="at least one respondent"))
    missing = [c for c in COLUMN_ORDER if c not in raw.columns]
    if missing:
        problems.append(
            Problem(
                where,
                f"{len(missing)} required columns are missing: " + ", ".join(missing),
                expected="columns " + ", ".join(COLUMN_ORDER),
                found="columns " + ", ".join(map(str, raw.columns)),
            )
        )
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
                row_problems.append(
                    _row_problem(where, col, "duplicate respondent_id", dup, values, "each id once")
                )
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
    extra = [c for c in raw.columns if c not in COLUMNS_BY_NAME]
    for name in extra:  # kept as text: analyses may use them, the schema does not check them
        frame[name] = raw[name]
    decimal = decimals.pop() if len(decimals) == 1 else "."
    return frame, problems, row_problems, decimal
