"""Prevalence, small-cell suppression, risk factors and pre/post effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policy_kit.evidence import (
    BatCutoffs,
    classify_risk,
    odds_ratios,
    prepost,
    prevalence,
    rake,
    subgroup_prevalence,
    suppress,
)
from policy_kit.evidence.pilots import dz_confint
from policy_kit.evidence.synthetic import generate_survey

from conftest import default_params


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return generate_survey()


@pytest.fixture(scope="module")
def weights(survey) -> pd.Series:
    return rake(survey, default_params().evidence.margins.as_rake_margins())


def test_classify_risk_boundaries():
    levels = classify_risk([1.0, 2.57, 2.58, 3.0, 3.01, 5.0, np.nan], BatCutoffs(2.58, 3.01))
    assert levels.tolist()[:6] == ["faible", "faible", "a_risque", "a_risque", "severe", "severe"]
    assert pd.isna(levels.iloc[6])
    # cut-offs from params (Sourced) or a mapping work the same way
    params = default_params().evidence.cutoffs
    assert classify_risk([2.6], params).iloc[0] == "a_risque"
    assert classify_risk([2.6], {"at_risk": 2.7, "severe": 3.2}).iloc[0] == "faible"
    with pytest.raises(ValueError):
        BatCutoffs(3.0, 2.5)


def test_prevalence_weighted_interval_accounts_for_design_effect(survey, weights):
    table = prevalence(survey, weights).set_index("indicator")
    stress = table.loc["stress_high"]
    assert stress["unweighted"] == pytest.approx(0.599, abs=0.002)
    assert stress["deff"] > 1.2
    assert stress["n_eff"] == pytest.approx(len(survey) / stress["deff"])
    width_w = stress["weighted_high"] - stress["weighted_low"]
    width_u = stress["unweighted_high"] - stress["unweighted_low"]
    assert width_w > width_u * 1.1
    assert stress["weighted_low"] < stress["weighted"] < stress["weighted_high"]
    assert table.loc["sleep_poor", "unweighted"] == pytest.approx(0.49, abs=0.002)


def test_subgroup_suppresses_small_cells(survey):
    small = survey.head(60)
    table = subgroup_prevalence(small, "burnout_risk", "age_band", None, min_cell=10)
    hidden = table[table["suppressed"]]
    assert len(hidden) >= 1
    assert set(hidden["display"]) <= {"n < 10", "masqué"} and (hidden["display"] == "n < 10").any()
    for column in ("estimate", "ci_low", "ci_high", "cases", "n"):
        assert hidden[column].isna().all(), column
    shown = table[~table["suppressed"]]
    assert shown["estimate"].notna().all()
    assert all("%" in text for text in shown["display"])


def test_suppression_uses_the_actual_min_cell(survey):
    table = subgroup_prevalence(survey.head(60), "stress_high", "age_band", None, min_cell=15)
    counts = survey.head(60)["age_band"].value_counts()
    expected_hidden = {g for g, n in counts.items() if n < 15}
    assert set(table.loc[table["suppression"] == "small_group", "group"]) == expected_hidden
    assert set(table.loc[table["suppression"] == "small_group", "display"]) == {"n < 15"}
    assert set(table.loc[table["suppressed"] & (table["suppression"] != "small_group"), "display"]) <= {"masqué"}


def test_suppress_helper():
    table = pd.DataFrame({"group": ["a", "b", "c"], "n": [4, 40, 60], "estimate": [0.5, 0.25, 0.3], "ci_low": [0.1, 0.1, 0.2],
                          "ci_high": [0.9, 0.4, 0.4]})
    out = suppress(table, min_cell=5)
    # b, the smallest other group, is hidden too: otherwise a = total − b − c
    assert out["display"].tolist() == ["n < 5", "masqué", "30,0\u00a0%"]
    assert out["suppression"].tolist() == ["small_group", "complementary", ""]
    assert np.isnan(out.loc[0, "estimate"]) and np.isnan(out.loc[0, "n"]) and np.isnan(out.loc[0, "ci_high"])
    assert np.isnan(out.loc[1, "n"]) and out.loc[2, "estimate"] == 0.3
    assert table.loc[0, "estimate"] == 0.5  # input untouched


def test_odds_ratios_point_the_right_way(survey, weights):
    for table in (odds_ratios(survey), odds_ratios(survey, weights)):
        assert (table["odds_ratio"] > 1).all()
        assert (table["ci_low"] > 1).all()
        assert (table["ci_low"] < table["odds_ratio"]).all() and (table["odds_ratio"] < table["ci_high"]).all()
    table = odds_ratios(survey)
    assert table.attrs["n"] == len(survey)
    sleep = table.set_index("factor").loc["sleep_poor", "reading"]
    assert sleep.startswith("Les indépendants qui dorment mal ont une cote de risque de burn-out environ ")
    assert "fois plus élevée" in sleep and "probabilité" not in sleep


def test_odds_ratio_below_one_is_phrased_as_lower():
    from policy_kit.evidence.risk_factors import FACTORS, reading_fr

    text = reading_fr(FACTORS[0], 0.6, 0.4, 0.9)
    assert "40\u00a0% plus basse" in text and "rapport de cotes 0,6" in text
    assert "pas statistiquement établi" in reading_fr(FACTORS[0], 1.2, 0.8, 1.7)


def test_prepost_small_sample_caveat_and_effect():
    rng = np.random.default_rng(1)
    pre = rng.normal(3.0, 0.5, 30)
    frame = pd.DataFrame({"pilot": "icarius", "bat_pre": pre, "bat_post": pre - 0.3 + rng.normal(0, 0.5, 30)})
    row = prepost(frame).iloc[0]
    change = frame["bat_pre"] - frame["bat_post"]
    assert row["d_z"] == pytest.approx(change.mean() / change.std(ddof=1))
    assert row["d_z"] > 0  # lower BAT after = improvement
    assert row["d_z_low"] < row["d_z"] < row["d_z_high"]
    assert row["small_sample"]
    assert row["caveat"].startswith("Prudence") and "30 personnes" in row["caveat"]

    big = pd.DataFrame({"pilot": "x", "bat_pre": np.tile(pre, 2), "bat_post": np.tile(frame["bat_post"], 2)})
    row_big = prepost(big).iloc[0]
    assert not row_big["small_sample"] and row_big["caveat"] == ""


def test_dz_interval_is_exact_noncentral_t():
    from scipy import stats

    low, high = dz_confint(0.5, 30)
    # at the bounds, the observed t sits at the 97.5th / 2.5th percentile
    t_obs = 0.5 * np.sqrt(30)
    assert stats.nct.cdf(t_obs, 29, low * np.sqrt(30)) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t_obs, 29, high * np.sqrt(30)) == pytest.approx(0.025, abs=1e-6)
    assert 0.1 < low < 0.5 < high < 0.9


def test_dz_interval_of_a_worsening_mirrors_the_improvement():
    low, high = dz_confint(-0.3, 40)  # a pilot whose scores worsened must not crash the run
    up_low, up_high = dz_confint(0.3, 40)
    assert (low, high) == pytest.approx((-up_high, -up_low))
    assert low < -0.3 < high
    assert np.isfinite(dz_confint(-2.0, 40)).all()


def test_weighted_risk_factors_differ_and_say_robust(survey, weights):
    plain, weighted = odds_ratios(survey), odds_ratios(survey, weights)
    assert weighted.attrs["method"] == "weighted logistic regression (robust HC1 standard errors)"
    assert not np.allclose(plain["odds_ratio"], weighted["odds_ratio"])
