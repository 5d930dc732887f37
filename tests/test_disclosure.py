"""Disclosure control: no published figure rests on fewer than min_cell respondents or cases, and no hidden cell
can be worked out exactly from what is published (totals, margins, other cells)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_kit.evidence.disclosure import COMPLEMENTARY, SMALL_COUNT, SMALL_GROUP, hidden_cells
from policy_kit.evidence.prevalence import subgroup_prevalence


def test_small_numerator_is_hidden():
    """A subgroup of 12 with 2 at risk: 2 of 12 would say too much about those 12."""
    reasons = hidden_cells(pd.Series([12, 300, 200]), pd.Series([2, 40, 30]), min_cell=10)
    assert reasons[0] == SMALL_COUNT
    assert reasons.notna().sum() >= 2  # and another, or 2 = total cases − 40 − 30


def test_nothing_hidden_when_every_cell_is_large():
    assert hidden_cells(pd.Series([120, 300]), pd.Series([20, 40]), min_cell=10).isna().all()


def test_complement_is_the_smallest_shown_cell():
    reasons = hidden_cells(pd.Series([5, 300, 40, 200]), min_cell=10)
    assert reasons.tolist() == [SMALL_GROUP, None, COMPLEMENTARY, None]


def test_two_tiny_cells_get_a_third():
    """Two hidden cells of 3 and 4: their sum (7), known from the total, would itself be a small cell."""
    reasons = hidden_cells(pd.Series([3, 4, 50, 80]), min_cell=10)
    assert reasons.tolist() == [SMALL_GROUP, SMALL_GROUP, COMPLEMENTARY, None]


def _recoverable(n: list[int], cases: list[int], hidden: list[bool], min_cell: int) -> bool:
    """Can a reader pin down one hidden cell, or a hidden sum below min_cell, from the totals and the shown cells?"""
    hidden_idx = [i for i, h in enumerate(hidden) if h]
    if not hidden_idx:
        return False
    if len(hidden_idx) == 1:
        return True
    rest_n, rest_cases = sum(n[i] for i in hidden_idx), sum(cases[i] for i in hidden_idx)
    return rest_n < min_cell or rest_cases < min_cell


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=1, max_size=8), st.integers(10, 30))
def test_no_published_small_cell_and_no_recovery(cells, min_cell):
    n = [a + b for a, b in cells]  # a group of a + b respondents, b of them at risk
    cases = [b for _, b in cells]
    reasons = hidden_cells(pd.Series(n), pd.Series(cases), min_cell=min_cell)
    hidden = reasons.notna().tolist()
    for size, count, is_hidden in zip(n, cases, hidden):
        if size < min_cell or count < min_cell:
            assert is_hidden
    # either everything is hidden, or what is hidden cannot be singled out from the totals
    assert all(hidden) or not _recoverable(n, cases, hidden, min_cell)


def test_subgroup_table_hides_small_numerators(survey_frame):
    table = subgroup_prevalence(survey_frame, "burnout_risk", "sector", None, min_cell=10)
    shown = table[~table["suppressed"]]
    assert (shown["n"] >= 10).all() and (shown["cases"] >= 10).all()
    if table["suppressed"].any():
        assert table["suppressed"].sum() >= 2
        assert table.loc[table["suppressed"], ["n", "cases", "estimate"]].isna().all().all()


@pytest.fixture(scope="module")
def survey_frame():
    from pathlib import Path

    from policy_kit.evidence import read_survey

    return read_survey(Path(__file__).resolve().parents[1] / "data" / "synthetic_survey_icarius_2022.csv").frame


def test_min_cell_floor_and_type(tmp_path):
    from pydantic import ValidationError

    from conftest import default_params
    from policy_kit.params.evidence import EvidenceParams

    base = default_params().evidence.model_dump()
    for bad in (3, 9, True, 12.5, "10"):
        with pytest.raises(ValidationError):
            EvidenceParams.model_validate({**base, "min_cell": bad})
    assert EvidenceParams.model_validate({**base, "min_cell": 11}).min_cell == 11

