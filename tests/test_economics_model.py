"""Model-level checks: params validation, zero effect, a published replication, sensitivity, PSA."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import policy_kit.economics as eco
from policy_kit.economics.charts import ce_plane, ceac, tornado, two_way_heatmap
from policy_kit.economics.markov import STATE_INDEX
from policy_kit.params.economics import EconomicsParams
from policy_kit.params.sourced import Sourced

from conftest import default_params


@pytest.fixture(scope="module")
def params():
    # the three components together as one option, delivered five years, to test the engine on a combination
    data = default_params().economics.model_dump()
    data["combinations"] = {"plan": ["information", "app", "accompaniment"]}
    return EconomicsParams.model_validate(data)


@pytest.fixture(scope="module")
def model(params):
    return eco.build_model(params)


# --- published replication -------------------------------------------------------------------
# Chancellor et al. (1997) as replicated in Briggs, Claxton & Sculpher (2006), exercise 2.5 (see
# policy_kit.economics.validation): published monotherapy £44,663 and 7.991 LY, combination
# £50,602 and 8.937 LY, ICER £6,276 per life-year gained.
def test_chancellor_hiv_model_replication():
    from policy_kit.economics.validation import chancellor_hiv, replication_table

    got = chancellor_hiv()
    assert got["cost_monotherapy"] == pytest.approx(44_663, rel=1e-3)
    assert got["cost_combination"] == pytest.approx(50_602, rel=1e-3)
    assert got["life_years_monotherapy"] == pytest.approx(7.991, rel=1e-3)
    assert got["life_years_combination"] == pytest.approx(8.937, rel=1e-3)
    assert got["icer"] == pytest.approx(6_276, rel=1e-3)
    assert replication_table()["within"].all()


# --- params -----------------------------------------------------------------------------------
def _edit(params, **changes):
    data = params.model_dump()
    for path, value in changes.items():
        node = data
        *parents, last = path.split("/")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value
    return data


def test_component_on_unknown_transition_is_refused(params):
    data = _edit(params, **{"components/app/effects/0/transition": "well->invalidity"})
    with pytest.raises(ValidationError, match="component 'app' acts on transition 'well->invalidity'"):
        EconomicsParams.model_validate(data)
    data = _edit(params, **{"components/app/effects/0/transition": "at_risk->burnout"})
    with pytest.raises(ValidationError, match="unknown state 'burnout'"):
        EconomicsParams.model_validate(data)


def test_cross_field_checks(params):
    with pytest.raises(ValidationError, match="unknown discount schedule"):
        EconomicsParams.model_validate(_edit(params, discount_schedule="kce-1999"))
    with pytest.raises(ValidationError, match="exits from 'at_risk' sum to"):
        EconomicsParams.model_validate(_edit(params, **{"transitions/at_risk->well": {"value": 0.97, "kind": "probability"}}))
    with pytest.raises(ValidationError, match="is derived from economics.incidence"):
        EconomicsParams.model_validate(_edit(params, **{"transitions/at_risk->incapacity": {"value": 0.1, "kind": "probability"}}))
    with pytest.raises(ValidationError, match="must list at least two known components"):
        EconomicsParams.model_validate(_edit(params, combinations={"plan": ["app", "coaching"]}))
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        EconomicsParams.model_validate({**params.model_dump(), "horizon": 5})
    with pytest.raises(ValidationError, match="cost_per_participant must be a Sourced of kind cost"):
        EconomicsParams.model_validate(_edit(params, **{"components/app/cost_per_participant/kind": "effect"}))
    with pytest.raises(ValidationError, match="self-transition"):
        EconomicsParams.model_validate(_edit(params, **{"transitions/incapacity->incapacity": {"value": 0.1, "kind": "probability"}}))


def test_every_number_is_sourced_or_an_assumption(model):
    for p in model.parameters.values():
        assert p.sourced.source or p.sourced.quality == "assumption", p.name


def test_evidence_prevalence_overrides_params(params):
    m = eco.build_model(params, risk_prevalence=Sourced(value=0.2, low=0.15, high=0.25, kind="probability", source="evidence"))
    assert m.parameters["risk_prevalence"].value == 0.2
    base = eco.evaluate(eco.build_model(params)).traces["no_programme"].iloc[0]
    assert eco.evaluate(m).traces["no_programme"].iloc[0]["at_risk"] > base["at_risk"]


# --- base case --------------------------------------------------------------------------------
def test_zero_effect_gives_zero_benefit(model):
    zero = {n: (1.0 if model.parameters[n].sourced.kind == "ratio" else 0.0) for n in model.parameters if ".effect." in n}
    sim = eco.simulate(model, zero)
    pv = eco.present_values(sim)
    for name in model.option_names:
        assert np.allclose(pv[name]["benefit"], 0.0, atol=1e-6)
        assert np.allclose(pv[name]["cases_averted"], 0.0, atol=1e-9)
        assert pv[name]["npv"][0] == pytest.approx(-pv[name]["cost"][0])


def test_results_are_consistent(model):
    res = eco.evaluate(model)
    table = res.table()
    assert list(table.index) == model.option_names
    plan = res.options["plan"]
    assert plan.npv == pytest.approx(plan.benefit - plan.cost)
    assert plan.bcr == pytest.approx(plan.benefit / plan.cost)
    assert plan.roi == pytest.approx(plan.bcr - 1)
    assert plan.cost == pytest.approx(plan.streams["cost_discounted"].sum())
    assert plan.npv == pytest.approx(plan.streams["cumulative_net_discounted"].iloc[-1])
    assert plan.cases_averted == pytest.approx(plan.streams["cases_averted"].sum())
    assert list(plan.streams.index) == list(range(2025, 2035))
    # costs stop with delivery (5 years)
    assert (plan.streams.loc[2030:, "cost"] == 0).all()
    # social-security perspective counts allowances and healthcare only
    ss = eco.evaluate(model, perspective="social_security").options["plan"]
    assert ss.benefit == pytest.approx(plan.benefits["allowances"] + plan.benefits["healthcare"])
    # an open population: the living insured grow at the stated rate in every option; entrants are the same
    growth = model.parameters["population_dynamics.growth"].value
    for trace in res.traces.values():
        alive = trace.drop(columns="left").sum(axis=1).to_numpy()
        assert alive[0] == pytest.approx(model.parameters["population"].value)
        assert np.allclose(alive, alive[0] * (1 + growth) ** np.arange(len(alive)), rtol=2e-3)


def test_budget_impact_by_hand_first_year(model):
    """Year-1 cost of the accompaniment: (fixed + cost per participant × uptake × at-risk) × (1 + optimism bias)."""
    v = model.base_values()
    at_risk = eco.evaluate(model).traces["no_programme"].iloc[0]["at_risk"]  # today's state, not the whole population
    expected = (
        v["component.accompaniment.fixed_cost_per_year"]
        + v["component.accompaniment.cost_per_participant"] * v["component.accompaniment.uptake"] * at_risk
    ) * (1 + v["optimism_bias"])
    res = eco.evaluate(model)
    assert res.options["accompaniment"].streams["cost"].iloc[0] == pytest.approx(expected)


def test_incremental_analysis_dominance():
    # B is strongly dominated by C (dearer, fewer cases averted); D is extendedly dominated (its
    # ICER against A exceeds E's against D).
    table = eco.incremental_analysis(
        ["A", "B", "C", "D", "E"], [0, 200, 100, 300, 400], [0, 5, 10, 12, 20]
    ).set_index("option")
    assert table.loc["B", "status"] == "D"
    assert table.loc["D", "status"] == "ED"
    assert table.loc["C", "icer"] == pytest.approx(10.0)
    assert table.loc["E", "icer"] == pytest.approx((400 - 100) / (20 - 10))
    assert math.isnan(table.loc["A", "icer"])
    assert list(table.index) == ["A", "C", "B", "D", "E"]


# --- properties -------------------------------------------------------------------------------
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(rr=st.floats(0.3, 1.2), extra=st.floats(0.0, 0.3))
def test_more_effect_never_lowers_npv(model, rr, extra):
    name = "component.accompaniment.effect.at_risk->incapacity"  # a relative risk: lower is a stronger effect
    npv = eco.present_values(eco.simulate(model, {name: np.array([rr, rr - extra])}, options=["accompaniment"]))["accompaniment"]["npv"]
    assert npv[1] >= npv[0] - 1e-6 * max(1.0, abs(npv[0]))


@FAST
@given(cost=st.floats(0.0, 5e6), extra=st.floats(0.0, 5e6), which=st.sampled_from(["fixed_cost_per_year", "cost_per_participant"]))
def test_higher_cost_never_raises_npv(model, cost, extra, which):
    name = f"component.app.{which}"
    npv = eco.present_values(eco.simulate(model, {name: np.array([cost, cost + extra])}, options=["app"]))["app"]["npv"]
    assert npv[1] <= npv[0] + 1e-6 * max(1.0, abs(npv[0]))


@FAST
@given(
    size=st.floats(1.0, 1e6),
    probs=st.lists(st.floats(0.0, 0.2), min_size=6, max_size=6),
    uptake=st.floats(0.0, 1.0),
)
def test_occupancy_always_sums_to_the_cohort(model, size, probs, uptake):
    keys = ["well->at_risk", "well->incapacity", "incapacity->invalidity", "invalidity->left", "back_at_work->at_risk", "at_risk->left"]
    values = {f"transition.{k}": p for k, p in zip(keys, probs)}
    values.update({"population": size, "population_dynamics.invalidity_at_start": 0.01 * size, "component.app.uptake": uptake})
    sim = eco.simulate(model, values, options=["plan", "app"])
    for trace in sim.traces.values():
        # everyone who ever entered is somewhere: today's population plus the entrants
        assert np.allclose(trace.sum(axis=-1), size + np.r_[0.0, np.cumsum(sim.entrants[0])], rtol=1e-9)
        assert (trace >= -1e-9).all()


# --- sensitivity ------------------------------------------------------------------------------
def test_one_way_and_switching_values(model):
    ow = eco.one_way(model)
    assert len(ow) == len(model.uncertain_parameters())
    assert (ow["swing"].diff().dropna() <= 1e-9).all()
    base = eco.evaluate(model).options["plan"].npv
    assert ow.attrs["base"] == pytest.approx(base)
    sv = eco.switching_values(model, parameters=list(ow["parameter"][:6]) + ["component.app.uptake"])
    row = sv[sv["within_range"]].iloc[0]
    npv_at = eco.present_values(eco.simulate(model, {row.parameter: row.value}, options=["plan"]))["plan"]["npv"][0]
    assert abs(npv_at) < 1.0
    assert row.sentence_fr.startswith("Le plan ") and "," in row.sentence_fr
    app = sv.set_index("parameter").loc["component.app.uptake"]
    assert math.isnan(app.value) and "quelle que soit" in app.sentence_fr or not app.within_range


def test_switching_value_outside_range_is_flagged(model):
    # NPV stays positive over the plausible range of progression to invalidity [25 %, 55 %];
    # it only turns negative far below it, which must be flagged.
    name = "transition.incapacity->invalidity"
    row = eco.switching_values(model, parameters=[name]).iloc[0]
    assert not row.within_range
    assert 0.0 < row.value < model.parameters[name].sourced.low
    assert row.sentence_fr.endswith("(valeur hors de la plage plausible retenue).")


def test_two_way_grid(model):
    grid = eco.two_way(model, steps=4)
    assert grid.shape == (4, 4)
    a, b = grid.attrs["parameters"]
    v = eco.present_values(eco.simulate(model, {a: grid.index[1], b: grid.columns[2]}, options=["plan"]))["plan"]["npv"][0]
    assert grid.iloc[1, 2] == pytest.approx(v)


# --- PSA --------------------------------------------------------------------------------------
def test_psa_reproducible_and_bounded(model):
    a = eco.run_psa(model, draws=2_000, seed=7)
    b = eco.run_psa(model, draws=2_000, seed=7)
    c = eco.run_psa(model, draws=2_000, seed=8)
    assert np.array_equal(a.npv, b.npv)
    assert not np.array_equal(a.npv, c.npv)
    assert a.npv.shape == (2_000, len(model.option_names))
    p = a.prob_npv_positive()
    assert ((p >= 0) & (p <= 1)).all()
    assert a.evpi() >= 0
    assert a.evpi(population=10) == pytest.approx(10 * a.evpi())
    assert (a.evpi_by_wtp([0, 50_000, 1e6]) >= 0).all()
    curve = a.ceac([0, 50_000, 1e6])
    assert np.allclose(curve.sum(axis=1), 1.0)
    assert curve.loc[0, "no_programme"] == 1.0  # at zero WTP, spending nothing is best
    assert "population" not in a.samples.columns  # held fixed by default
    assert len(a.ce_plane()) == 2_000 * len(model.option_names)


def test_psa_distributions_match_ranges():
    from policy_kit.economics.psa import sample

    rng = np.random.default_rng(0)
    for s in (Sourced(value=0.125, low=0.102, high=0.243, kind="probability"),  # asymmetric: value near low
              Sourced(value=1500, low=800, high=3000, kind="cost"),
              Sourced(value=0.51, low=0.16, high=0.59, kind="effect"),  # asymmetric: value near high
              Sourced(value=0.85, low=0.65, high=1.0, kind="ratio"),
              Sourced(value=0.02, low=0.005, high=0.1, kind="share")):
        x = sample(s, 200_000, rng)
        q = np.quantile(x, [0.025, 0.975])
        assert q == pytest.approx([s.low, s.high], abs=0.01 * (s.high - s.low)), s
    eff = sample(Sourced(value=0.5, low=0.2, high=1.0, kind="effect"), 10_000, rng)
    assert (eff > 0).all()  # wellbeing losses and effect sizes never turn negative
    wide = sample(Sourced(value=0.5, low=0.3, high=0.7, kind="share", interval=0.8), 200_000, rng)
    assert np.quantile(wide, [0.1, 0.9]) == pytest.approx([0.3, 0.7], abs=0.004)  # params may say otherwise
    fixed = sample(Sourced(value=312, kind="count"), 10, rng)
    assert (fixed == 312).all()


def test_psa_inputs_record_the_draws_used(model):
    from policy_kit.economics.psa import psa_inputs

    table = psa_inputs(model, 20_000, 3)
    assert list(table.columns) == ["parameter", "distribution", "low", "high", "value", "q025", "q975", "mean"]
    samples = eco.sample_parameters(model, 20_000, 3)
    assert table["mean"].to_numpy() == pytest.approx(samples.mean().to_numpy())
    width = table["high"] - table["low"]
    fitted = table[table["distribution"] != "triangular"]
    assert ((fitted["q025"] - fitted["low"]).abs() <= 0.03 * width[fitted.index]).all(), fitted
    assert ((fitted["q975"] - fitted["high"]).abs() <= 0.03 * width[fitted.index]).all(), fitted


def test_evpi_by_hand():
    nb = np.array([[0.0, 10.0], [0.0, -4.0]])  # option 2 is better on average (3 > 0)
    assert eco.evpi(nb) == pytest.approx((10 + 0) / 2 - 3)


def test_charts_return_figures(model):
    import matplotlib.pyplot as plt

    psa = eco.run_psa(model, draws=300, seed=1)
    figs = [
        tornado(eco.one_way(model)),
        ce_plane(psa.ce_plane(), wtp=50_000),
        ceac(psa.ceac(), dict(zip(psa.options, psa.labels_fr))),
        two_way_heatmap(eco.two_way(model, steps=5)),
    ]
    for fig in figs:
        assert fig.get_size_inches()[0] == pytest.approx(16 / 2.54)
        plt.close(fig)
