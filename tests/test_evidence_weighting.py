"""Raking to population margins, trimming, and design effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policy_kit.evidence import MarginError, design_effect, effective_n, rake, weighted_margins
from policy_kit.evidence.synthetic import generate_survey

from conftest import default_params


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate_survey()


def test_raking_meets_every_margin_with_trimming(survey):
    margins = default_params().evidence.margins.as_rake_margins()
    weights = rake(survey, margins, trim=(0.3, 3.0))
    achieved = weighted_margins(survey, weights, margins)
    for column, target in margins.items():
        for code, share in target.items():
            assert achieved[column][code] == pytest.approx(share, abs=1e-6), (column, code)
    assert weights.mean() == pytest.approx(1.0)
    assert weights.attrs["trim_met"]
    ratio = weights / weights.mean()
    assert ratio.min() >= 0.3 - 1e-6 and ratio.max() <= 3.0 + 1e-6
    # the sample over-represents Wallonia, so Walloon respondents must be weighted down
    assert weights[survey["region"] == "wallonie"].mean() < 1 < weights[survey["region"] == "flandre"].mean()


def test_margins_hold_even_when_trim_cannot(survey):
    margins = {"region": {"flandre": 0.90, "wallonie": 0.05, "bruxelles": 0.05}}
    with pytest.warns(UserWarning, match="could not be kept"):
        weights = rake(survey, margins, trim=(0.5, 1.5))
    achieved = weighted_margins(survey, weights, margins)["region"]
    assert achieved["flandre"] == pytest.approx(0.90, abs=1e-6)
    assert not weights.attrs["trim_met"]


def test_base_weights_are_used():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "base": [1.0, 3.0, 1.0, 1.0]})
    weights = rake(frame, {"g": {"a": 0.5, "b": 0.5}}, weight_col="base", trim=None)
    assert weights.iloc[1] / weights.iloc[0] == pytest.approx(3.0)


@pytest.mark.parametrize(
    "margins, fragment",
    [
        ({"region": {"flandre": 0.6, "wallonie": 0.3, "bruxelles": 0.2}}, "do not add up to 1"),
        ({"region": {"flandre": 0.6, "wallonie": 0.3, "bruxelles": 0.05, "ostbelgien": 0.05}}, "have no respondent"),
        ({"region": {"flandre": 0.7, "wallonie": 0.3}}, "missing from the margins"),
        ({"region": {"flandre": 1.2, "wallonie": -0.3, "bruxelles": 0.1}}, "non-negative"),
        ({"province": {"liege": 1.0}}, "not in the survey"),
    ],
)
def test_bad_margins_refused(survey, margins, fragment):
    with pytest.raises(ValueError) as err:
        rake(survey, margins)
    assert isinstance(err.value, MarginError)
    assert fragment in str(err.value)


def test_bad_margins_all_reported_together(survey):
    margins = {"region": {"flandre": 0.7, "wallonie": 0.2}, "gender": {"homme": 0.5, "femme": 0.4}}
    with pytest.raises(MarginError) as err:
        rake(survey, margins)
    assert len(err.value.problems) >= 3


def test_kish_design_effect_and_effective_n():
    assert design_effect(np.ones(10)) == pytest.approx(1.0)
    assert effective_n(np.ones(10)) == pytest.approx(10.0)
    w = np.array([1.0, 1.0, 2.0, 2.0])
    assert design_effect(w) == pytest.approx(4 * 10 / 36)
    assert effective_n(w) == pytest.approx(36 / 10)
    assert effective_n(w) * design_effect(w) == pytest.approx(len(w))
