"""Reading survey exports: encodings, separators, decimal commas, XLSX, and complete error reports."""

from __future__ import annotations

import pandas as pd
import pytest

from policy_kit.errors import DataError
from policy_kit.evidence import read_survey
from policy_kit.evidence.synthetic import generate_survey


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return generate_survey(seed=7, n=40)


def _write_csv(path, frame, *, sep=",", decimal=".", encoding="utf-8", comment=None):
    text = frame.to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n")
    if comment:
        text = comment + "\r\n" + text
    path.write_bytes(text.encode(encoding))
    return path


def test_belgian_excel_export_semicolon_cp1252_decimal_comma(tmp_path, sample):
    frame = sample.copy()
    frame["remarque"] = "épuisé, très stressé"  # a comma inside a field and cp1252-only bytes
    frame["bat_score"] = frame["bat_score"] + 0.001  # make sure every score has decimals
    path = _write_csv(tmp_path / "export.csv", frame, sep=";", decimal=",", encoding="cp1252")
    assert b"2,5" in path.read_bytes() or b"," in path.read_bytes()

    data = read_survey(path)

    assert data.encoding == "cp1252"
    assert data.separator == ";"
    assert data.decimal == ","
    assert not data.is_synthetic
    assert len(data.frame) == 40
    assert data.frame["remarque"].iloc[0] == "épuisé, très stressé"
    assert data.frame["bat_score"].dtype == float
    assert data.frame["bat_score"].to_numpy() == pytest.approx(frame["bat_score"].to_numpy())
    assert data.frame["hours_per_week"].to_numpy() == pytest.approx(frame["hours_per_week"].to_numpy())


def test_utf8_bom_and_synthetic_header(tmp_path, sample):
    path = _write_csv(tmp_path / "s.csv", sample, encoding="utf-8-sig",
                      comment="# SYNTHETIC DEMONSTRATION DATA – not real respondents")
    data = read_survey(path)
    assert data.encoding == "utf-8-sig"
    assert data.is_synthetic
    assert data.separator == ","
    assert list(data.frame["respondent_id"]) == list(sample["respondent_id"])


def test_xlsx_is_read(tmp_path, sample):
    path = tmp_path / "survey.xlsx"
    sample.to_excel(path, index=False)
    data = read_survey(path)
    assert data.encoding is None and data.separator is None
    assert len(data.frame) == 40
    assert data.frame["stress"].tolist() == sample["stress"].tolist()
    assert data.frame["bat_score"].to_numpy() == pytest.approx(sample["bat_score"].to_numpy())
    assert str(data.frame["region"].dtype) == "category"


def test_xlsx_wrong_code_names_excel_row(tmp_path, sample):
    frame = sample.copy()
    frame.loc[2, "gender"] = "inconnu"
    path = tmp_path / "survey.xlsx"
    frame.to_excel(path, index=False)
    with pytest.raises(DataError) as err:
        read_survey(path)
    # header on Excel row 1, so frame row 2 is Excel row 4
    assert "row 4" in str(err.value) and "column 'gender'" in str(err.value)


def test_wrong_code_refused_with_row_and_column(tmp_path, sample):
    frame = sample.copy()
    frame.loc[4, "region"] = "brussel"
    path = _write_csv(tmp_path / "s.csv", frame, comment="# a comment line")
    with pytest.raises(DataError) as err:
        read_survey(path)
    [problem] = err.value.problems
    # line 1 comment, line 2 header, frame row 0 on line 3 → frame row 4 on line 7
    assert "row 7" in problem.where
    assert "column 'region'" in problem.where
    assert problem.message == "unknown code"
    assert "'brussel'" in problem.found
    assert "bruxelles" in problem.expected


def test_every_problem_reported_at_once(tmp_path, sample):
    frame = sample.drop(columns=["sector"]).astype(object)
    frame.loc[[0, 3, 5, 9], "stress"] = 7  # out of range, 4 rows
    frame.loc[1, "pilot"] = "xerius"  # unknown code
    frame.loc[2, "respondent_id"] = frame.loc[6, "respondent_id"]  # duplicate id
    frame.loc[8, "bat_score"] = "n/a"  # not a number
    path = _write_csv(tmp_path / "s.csv", frame)
    with pytest.raises(DataError) as err:
        read_survey(path)
    problems = err.value.problems
    messages = [p.message for p in problems]
    assert any("sector" in m and "missing" in m for m in messages)
    assert "value out of range" in messages
    assert "unknown code" in messages
    assert "duplicate respondent_id" in messages
    assert "not a number" in messages
    out_of_range = next(p for p in problems if p.message == "value out of range")
    assert "4 rows" in out_of_range.where and "rows 2, 5, 7 and 1 more" in out_of_range.where
    assert "column 'stress'" in out_of_range.where
    duplicate = next(p for p in problems if p.message == "duplicate respondent_id")
    assert "rows 4, 8" in duplicate.where


def test_drop_invalid_drops_and_counts(tmp_path, sample):
    frame = sample.copy()
    frame.loc[[0, 3], "stress"] = 9
    frame.loc[3, "region"] = "mars"
    path = _write_csv(tmp_path / "s.csv", frame)
    data = read_survey(path, drop_invalid=True)
    assert len(data.frame) == 38
    assert data.n_read == 40 and data.n_dropped == 2
    by_column = data.dropped.set_index("column")
    assert by_column.loc["stress", "n_rows"] == 2
    assert by_column.loc["region", "n_rows"] == 1
    assert by_column.loc["stress", "example_rows"] == "2, 5"


def test_missing_path_and_empty_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_survey(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_survey(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(generate_survey(n=5).columns) + "\n")
    with pytest.raises(DataError) as err:
        read_survey(header_only)
    assert any("no data rows" in p.message for p in err.value.problems)


def test_unknown_separator_refused_not_read_as_one_column(tmp_path, sample):
    path = tmp_path / "s.csv"
    path.write_text(sample.to_csv(index=False, sep=" "))
    with pytest.raises(DataError, match="separator"):
        read_survey(path)


def test_garbled_accents_refused(tmp_path, sample):
    frame = sample.copy()
    frame["remarque"] = "Ã©puisÃ©"  # utf-8 read as cp1252 and saved again
    path = _write_csv(tmp_path / "s.csv", frame)
    with pytest.raises(DataError, match="Garbled"):
        read_survey(path)


def test_mixed_decimal_marks_refused(tmp_path, sample):
    frame = sample.copy().astype({"bat_score": str})
    frame.loc[0, "bat_score"] = "2,5"
    frame.loc[1, "bat_score"] = "2.75"
    path = _write_csv(tmp_path / "s.csv", frame, sep=";")
    with pytest.raises(DataError, match="decimal"):
        read_survey(path)
