import numpy as np
import pandas as pd
import pytest

from policy_kit.plan.decision import budget_impact, probability_best, rank_options


@pytest.fixture
def summary():
    return pd.DataFrame(
        {"npv": [0.0, 5e6, 9e6, 12e6], "cases_averted": [0, 300, 500, 900], "peak_annual_cost": [4e6, 8e6, 12e6, 25e6]},
        index=pd.Index(["status_quo", "light", "targeted", "full"], name="option"),
    )


def test_cap_excludes_options_above_it(summary):
    assert rank_options(summary, "max_npv_under_cap", 15e6).recommended == "targeted"
    assert rank_options(summary, "max_npv_under_cap", 30e6).recommended == "full"
    assert rank_options(summary, "max_npv_under_cap", 9e6).recommended == "light"
    assert rank_options(summary, "max_npv", 1.0).recommended == "full"


def test_no_eligible_option_recommends_the_cheapest(summary):
    ranking = rank_options(summary, "max_npv_under_cap", 1e6)
    assert ranking.recommended == "status_quo"
    assert not ranking.table["eligible"].any()


def test_ranks_are_a_permutation(summary):
    ranking = rank_options(summary, "max_cases_under_cap", 15e6)
    assert sorted(ranking.table["rank"]) == [1, 2, 3, 4]
    assert ranking.table.index[0] == "targeted"


def test_unknown_rule_refused(summary):
    with pytest.raises(ValueError, match="unknown decision rule"):
        rank_options(summary, "best_vibes", None)


def test_probability_best_sums_to_one_and_respects_cap(summary):
    rng = np.random.default_rng(1)
    rows = []
    for d in range(2000):
        for opt, mean in summary["npv"].items():
            rows.append((d, opt, rng.normal(mean, 3e6)))
    draws = pd.DataFrame(rows, columns=["draw", "option", "npv"])
    p = probability_best(draws, "max_npv_under_cap", 15e6, summary["peak_annual_cost"])
    assert p.sum() == pytest.approx(1.0)
    assert p["full"] == 0.0  # above the cap, never chosen
    assert p["targeted"] > p["light"] > p["status_quo"]


def test_budget_impact_nets_allowances():
    yearly = pd.DataFrame(
        {"option": ["a", "a"], "year": [2025, 2026], "payer": ["INASTI"] * 2, "gross_cost": [10.0, 20.0], "allowances_avoided": [1.0, 5.0]}
    )
    out = budget_impact(yearly)
    assert out["net_cost"].tolist() == [9.0, 15.0]
    with pytest.raises(ValueError, match="lack column"):
        budget_impact(yearly.drop(columns="payer"))
