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


def test_tight_cap_switches_to_a_cheaper_option():
    default, results = _recommended("memorandum-2024.yaml")
    tight, tight_results = _recommended("memorandum-2024-tight-budget.yaml")
    cap = load(PARAMS / "memorandum-2024-tight-budget.yaml").plan.budget_cap.value
    # the default recommendation costs more than the tight cap at its peak, so it becomes ineligible …
    assert results.summary.loc[default, "peak_annual_cost"] > cap >= tight_results.summary.loc[tight, "peak_annual_cost"]
    # … and the best option that fits is recommended instead
    eligible = tight_results.summary[tight_results.summary["peak_annual_cost"] <= cap]
    assert tight == eligible["npv"].idxmax() != default
