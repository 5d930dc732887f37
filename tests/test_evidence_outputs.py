"""Funnels, charts, French commentary and the params section model."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure
from pydantic import ValidationError

from policy_kit.evidence import (
    comment_funnels,
    comment_odds_ratios,
    comment_pooled,
    comment_prevalence,
    comment_subgroups,
    funnels,
    interval,
    odds_ratios,
    pool_effects,
    prepost,
    prevalence,
    read_pilot_activity,
    read_prepost,
    subgroup_prevalence,
)
from policy_kit.evidence import charts
from policy_kit.evidence.synthetic import generate_survey
from policy_kit.params.evidence import EvidenceParams, MarginSet

from conftest import default_params

DATA = Path(__file__).resolve().parents[1] / "data"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def survey():
    return generate_survey()


@pytest.fixture(scope="module")
def funnel():
    return funnels(read_pilot_activity(DATA / "pilots" / "pilot_activity.csv"))


@pytest.fixture(scope="module")
def pilots_effect():
    table = prepost(read_prepost(DATA / "pilots" / "synthetic_accompaniment_prepost.csv"))
    return table, pool_effects(table["d_z"], table["var_dz"], method="REML")


def test_funnel_rates(funnel):
    row = funnel.set_index(["pilot", "component"]).loc[("icarius", "accompaniment")]
    assert row["completed"] == 30 and row["completed_status"] == "published"
    assert row["completion_rate"] == pytest.approx(30 / 36)
    assert row["participation_rate"] == pytest.approx(36 / 60)
    assert row["status"] == "synthetic"  # weakest of the figures used
    assert list(funnel["pilot"].unique()) == ["icarius", "liantis", "acerta"]


def test_prevalence_and_subgroup_charts(survey):
    fig = charts.prevalence_chart(prevalence(survey))
    assert isinstance(fig, Figure)
    assert fig.get_figwidth() == pytest.approx(16 / 2.54)
    table = subgroup_prevalence(survey.head(60), "burnout_risk", "age_band", None)
    fig = charts.subgroup_chart(table)
    ax = fig.axes[0]
    n_shown = int((~table["suppressed"]).sum())
    assert len(ax.patches) == n_shown  # no bar for a suppressed cell
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("n < 10") == int(table["suppression"].eq("small_group").sum())
    assert texts.count("masqué") == int(table["suppression"].isin(["small_count", "complementary"]).sum())
    assert not any(t.endswith("%") and t.startswith("n") for t in texts)


def test_funnel_and_forest_charts(funnel, pilots_effect):
    table, pooled = pilots_effect
    assert isinstance(charts.funnel_chart(funnel, component="accompaniment"), Figure)
    fig = charts.forest_plot(table["group"], table["d_z"], table["d_z_low"], table["d_z_high"], pooled)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Icarius (UCM)" and labels[-1].startswith("Effet combiné")


def test_commentary_is_two_french_lines_with_fr_be_numbers(survey, funnel, pilots_effect):
    table, pooled = pilots_effect
    outputs = {
        "prevalence": comment_prevalence(prevalence(survey), synthetic=True),
        "subgroups": comment_subgroups(subgroup_prevalence(survey.head(60), "burnout_risk", "age_band", None)),
        "odds": comment_odds_ratios(odds_ratios(survey)),
        "funnels": comment_funnels(funnel),
        "pooled": comment_pooled(pooled),
    }
    for name, lines in outputs.items():
        assert len(lines) == 2 and all(isinstance(x, str) and x for x in lines), name
    first = outputs["prevalence"][0]
    assert first.startswith("Données synthétiques")
    assert f"{NBSP}%" in first and "entre " in first
    assert "n < 10" in outputs["subgroups"][1]
    assert "Liantis" in outputs["funnels"][1] and "Icarius" not in outputs["funnels"][1]
    assert f"d = {pilots_effect[1].estimate:.2f}".replace(".", ",") in outputs["pooled"][0]


def test_interval_in_words():
    assert interval(0.11, 0.152) == f"entre 11{NBSP}% et 15{NBSP}%"
    assert interval(0.114, 0.152, 1) == f"entre 11,4{NBSP}% et 15,2{NBSP}%"


def test_params_defaults_and_strictness():
    params = default_params().evidence
    assert params.min_cell == 10
    assert params.cutoffs.at_risk.is_assumption and params.cutoffs.at_risk.low < 2.58 < params.cutoffs.at_risk.high
    assert params.margins.region.approximate
    assert params.effects.digital.value == 0.33 and params.effects.multi_component.value == 0.51
    round_trip = EvidenceParams.model_validate(params.model_dump())
    assert round_trip == params
    with pytest.raises(ValidationError):
        EvidenceParams.model_validate({**params.model_dump(), "unknown_key": 1})
    with pytest.raises(ValidationError, match="add up"):
        MarginSet(shares={"a": 0.5, "b": 0.4}, source="x", vintage="2023")
