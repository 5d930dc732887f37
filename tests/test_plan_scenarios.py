"""The shipped scenarios: a tighter budget cap changes the recommended option where it should."""

from pathlib import Path

import pytest

from policy_kit.economics import build_model
from policy_kit.params import load
from policy_kit.plan import evaluate_plan

PARAMS = Path(__file__).resolve().parents[1] / "params"


@pytest.mark.parametrize("name", sorted(p.name for p in PARAMS.glob("*.yaml")))
def test_every_shipped_params_file_validates(name):
    load(PARAMS / name)


def _recommended(name: str) -> tuple[str, object]:
    params = load(PARAMS / name)
    results = evaluate_plan(build_model(params.economics), params.plan, draws=0)
    return results.recommended, results


def test_tight_cap_recommends_the_best_option_that_fits():
    default, results = _recommended("memorandum-2024.yaml")
    tight, tight_results = _recommended("memorandum-2024-tight-budget.yaml")
    cap = load(PARAMS / "memorandum-2024-tight-budget.yaml").plan.budget_cap.value
    # the rule restated: the best option whose peak yearly cost fits under the cap (the cheapest if none fits)
    eligible = tight_results.summary[tight_results.summary["peak_annual_cost"] <= cap]
    expected = eligible["npv"].idxmax() if len(eligible) else tight_results.summary["peak_annual_cost"].idxmin()
    assert tight == expected
    if results.summary.loc[default, "peak_annual_cost"] > cap:
        assert tight != default  # a recommendation that no longer fits under the cap is replaced
