"""Chart legends never cover data: each chart with a legend is drawn and its legend checked against the plot area."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import policy_kit.economics as eco  # noqa: E402
from policy_kit import plan  # noqa: E402
from policy_kit.economics import charts as eco_charts  # noqa: E402
from policy_kit.evidence import charts as ev_charts  # noqa: E402
from policy_kit.legend import legend_below, overlaps_data  # noqa: E402
from policy_kit.plan import charts as plan_charts  # noqa: E402

from conftest import default_params  # noqa: E402


def test_the_check_sees_a_legend_over_the_data():
    fig, ax = plt.subplots()
    for i in range(4):
        ax.plot([0, 1, 2], [i, i + 1, i], label=f"série {i}")
    ax.legend(loc="center")
    assert overlaps_data(ax)
    ax.get_legend().remove()
    legend_below(ax)
    assert not overlaps_data(ax)
    plt.close(fig)


@pytest.fixture(scope="module")
def plan_results():
    params = default_params()
    return plan.evaluate_plan(eco.build_model(params.economics), params.plan, draws=200)


def _charts(plan_results):
    rng = np.random.default_rng(1)
    one_way = pd.DataFrame({"label_fr": [f"paramètre {i}" for i in range(6)],
                            "at_low": rng.normal(-2e6, 1e6, 6), "at_high": rng.normal(3e6, 1e6, 6)})
    one_way.attrs["base"] = 5e5
    plane = pd.DataFrame({"option": np.repeat(["a", "b"], 300), "label_fr": np.repeat(["option a", "option b"], 300),
                          "cases_averted": rng.normal(200, 60, 600), "cost": rng.normal(1e7, 3e6, 600)})
    wtp = np.arange(0, 200_001, 10_000)
    ceac = pd.DataFrame({"status_quo": np.linspace(1, 0.2, len(wtp)), "plan": np.linspace(0, 0.8, len(wtp))}, index=wtp)
    funnel = pd.DataFrame({"pilot": ["icarius", "liantis"], "component": ["accompaniment"] * 2,
                           "reached": [60.0, 70.0], "participants": [36.0, 35.0], "completed": [30.0, 28.0],
                           "status": ["synthetic", "synthetic"]})
    return {
        "tornado": eco_charts.tornado(one_way),
        "ce_plane": eco_charts.ce_plane(plane, wtp=50_000),
        "ceac": eco_charts.ceac(ceac, {"plan": "plan complet"}),
        "funnel": ev_charts.funnel_chart(funnel, component="accompaniment"),
        "budget": plan_charts.budget_impact(plan_results),
        "cases": plan_charts.cases_averted(plan_results),
    }


def test_no_chart_legend_covers_its_data(plan_results):
    for name, fig in _charts(plan_results).items():
        ax = fig.axes[0]
        assert ax.get_legend() is not None or fig.legends, name
        assert not overlaps_data(ax), name
        plt.close(fig)
