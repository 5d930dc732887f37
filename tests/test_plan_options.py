"""Plan stage: ramped options in the engine, budget impact, ranking, switching values, charts."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from pydantic import ValidationError

import policy_kit.economics as eco
from policy_kit import plan
from policy_kit.params.plan import PlanParams
from policy_kit.params.sourced import Sourced
from policy_kit.plan import charts

from conftest import default_params

DRAWS = 500


@pytest.fixture(scope="module")
def model():
    return eco.build_model(default_params().economics)


@pytest.fixture(scope="module")
def default_plan():
    return default_params().plan


@pytest.fixture(scope="module")
def results(model, default_plan):
    return plan.evaluate_plan(model, default_plan, draws=DRAWS)


@pytest.fixture(scope="module")
def strong_model(model):
    """A model in which prevention pays (a strong accompaniment), so that the cap has a decision to change."""
    from policy_kit.params.sourced import Sourced as S

    strong = S(value=0.3, low=0.2, high=0.45, kind="ratio", quality="assumption")
    return model.with_value("component.accompaniment.effect.at_risk->incapacity", strong)


@pytest.fixture(scope="module")
def strong_results(strong_model, default_plan):
    return plan.evaluate_plan(strong_model, default_plan, draws=DRAWS)


def with_cap(p: PlanParams, cap: float) -> PlanParams:
    return p.model_copy(update={"budget_cap": Sourced(value=cap, kind="cost", quality="assumption")})


def with_options(p: PlanParams, **options) -> PlanParams:
    data = p.model_dump()
    data["options"].update(options)
    return PlanParams.model_validate(data)


def test_default_plan_names_known_components(default_plan):
    known = set(default_params().economics.components)
    assert {"status_quo", "light", "targeted", "full"} <= set(default_plan.options)
    for option in default_plan.options.values():
        assert set(option.components) <= known
    assert set(default_plan.options["full"].components) == known


def test_zero_coverage_is_no_programme(model, default_plan):
    zeros = [0.0] * len(default_plan.years)
    payers = {c: spec.payer or o.payer for o in default_plan.options.values() for c, spec in o.components.items()}
    p = with_options(default_plan, nothing={"label": "rien", "payer": "INASTI",
                                            "components": {c: {"coverage": zeros, "payer": payers.get(c)} for c in model.components}})
    res = plan.evaluate_plan(model, p, draws=0)
    y = res.yearly[res.yearly["option"] == "nothing"]
    for col in ("gross_cost", "allowances_avoided", "cases_averted_incapacity", "participants"):
        assert np.allclose(y[col], 0.0)
    # and the same components as the baseline at the baseline's coverage give exactly the baseline
    same = {"label": "copie", "payer": default_plan.options["status_quo"].payer, "components": default_plan.options["status_quo"].model_dump()["components"]}
    res = plan.evaluate_plan(model, with_options(default_plan, copy=same), draws=0)
    assert res.summary.loc["copy", "npv"] == pytest.approx(0.0, abs=1e-6)
    assert res.summary.loc["copy", "cases_averted_horizon"] == pytest.approx(0.0, abs=1e-9)


def test_coverage_scales_participant_costs(model, default_plan):
    n = len(default_plan.years)
    p = with_options(
        default_plan,
        half={"label": "moitié", "payer": default_plan.options["full"].payer, "components": {"app": {"coverage": [0.5] * n}}},
        whole={"label": "tout", "payer": default_plan.options["full"].payer, "components": {"app": {"coverage": [1.0] * n}}},
    )
    res = plan.evaluate_plan(model, p, draws=0)
    v = model.base_values()
    uplift = 1 + v["optimism_bias"]
    fixed = v["component.app.fixed_cost_per_year"] * uplift
    first = res.yearly[res.yearly["year"] == default_plan.first_year].groupby("option")[["gross_cost", "participants"]].sum()
    # year 1: same cohort in both, so the variable cost halves exactly; fixed costs are paid in full
    assert first.loc["half", "gross_cost"] - fixed == pytest.approx(0.5 * (first.loc["whole", "gross_cost"] - fixed))
    assert first.loc["half", "participants"] == pytest.approx(0.5 * first.loc["whole", "participants"])
    assert res.summary.loc["whole", "cases_averted_horizon"] > res.summary.loc["half", "cases_averted_horizon"]


def test_coverage_before_and_after_the_plan_years(model, default_plan):
    full = plan.coverage_by_cycle(default_plan, "full", "app", model)
    assert len(full) == model.horizon_years
    assert list(full[:6]) == default_plan.options["full"].components["app"].coverage
    assert (full[6:] == full[5]).all()  # structural: continues at the last value
    data = default_plan.model_dump()
    data["options"]["full"]["after_last_year"] = "stop"
    assert (plan.coverage_by_cycle(PlanParams.model_validate(data), "full", "app", model)[6:] == 0).all()
    data = default_plan.model_dump()
    data["first_year"], data["last_year"] = 2020, 2025
    with pytest.raises(ValueError, match="within the economic horizon"):
        plan.plan_model(model, PlanParams.model_validate(data))


def test_budget_impact_is_the_undiscounted_sum_of_yearly_streams(model, default_plan, results):
    sim = eco.simulate(plan.plan_model(model, default_plan))
    in_plan = np.isin(model.years, default_plan.years)
    for name in default_plan.options:
        y = results.yearly[results.yearly["option"] == name]
        cost = sim.cost[name][0, in_plan]
        assert y["gross_cost"].sum() == pytest.approx(cost.sum())
        assert results.summary.loc[name, "gross_cost_plan_years"] == pytest.approx(cost.sum())
        assert results.summary.loc[name, "peak_annual_cost"] == pytest.approx(cost.max())
        allowances = sim.benefits[name]["allowances"][0, in_plan].sum()
        assert y["allowances_avoided"].sum() == pytest.approx(allowances)
    impact = results.budget_impact()
    assert impact["gross_cost"].sum() == pytest.approx(results.yearly["gross_cost"].sum())
    # three payers in the light plan: information through the funds, the app through INASTI, savings to INAMI
    assert results.yearly.query("option == 'light'")["payer"].nunique() == 3


def test_savings_are_inami_and_each_component_keeps_its_payer(default_plan, results):
    y = results.yearly
    savings = y["payer"] == default_plan.savings_payer
    assert default_plan.savings_payer.startswith("INAMI")
    # allowances and healthcare avoided are booked on the INAMI line only, which pays for no prevention
    assert (y.loc[~savings, ["allowances_avoided", "healthcare_avoided", "cases_averted_incapacity"]] == 0).all().all()
    assert (y.loc[savings, "gross_cost"] == 0).all()
    assert y.loc[savings & (y["option"] == "light"), "allowances_avoided"].sum() > 0
    # so the prevention payers' net cost is never negative
    impact = results.budget_impact()
    assert (impact.loc[impact["payer"] != default_plan.savings_payer, "net_cost"] >= 0).all()
    # the reference's prevention costs sit on the same payer line in every option: in the first plan year, when
    # every option still has the reference's coverage, each payer line costs what the reference's does
    first = y[y["year"] == default_plan.first_year]
    base = first[first["option"] == default_plan.baseline].set_index("payer")["gross_cost"]
    for name in ("targeted",):
        other = first[first["option"] == name].set_index("payer")["gross_cost"]
        assert other.reindex(base.index).to_numpy() == pytest.approx(base.to_numpy())


def test_a_component_paid_by_different_payers_is_refused(default_plan):
    data = default_plan.model_dump()
    data["options"]["targeted"]["components"]["accompaniment"]["payer"] = "INASTI"
    with pytest.raises(ValidationError, match="the same payer in every option"):
        PlanParams.model_validate(data)


def test_net_is_gross_minus_allowances_avoided(results):
    y = results.yearly
    assert np.allclose(y["net_cost"], y["gross_cost"] - y["allowances_avoided"])
    s = results.summary
    assert np.allclose(s["net_cost_plan_years"], s["gross_cost_plan_years"] - s["allowances_avoided_plan_years"])


def test_summary_is_incremental_to_the_baseline(results, default_plan):
    s = results.summary
    assert s.loc["status_quo", "npv"] == 0.0
    assert s.loc["full", "npv"] == pytest.approx(s.loc["full", "benefit_pv_vs_baseline"] - s.loc["full", "cost_pv_vs_baseline"])
    assert s.loc["full", "roi"] == pytest.approx(s.loc["full", "bcr"] - 1)
    assert s.loc["light", "annual_cost_full_vs_current_budget_ratio"] == pytest.approx(
        s.loc["light", "annual_cost_full"] / default_plan.current_budget.value
    )
    assert ((s["p_npv_positive"].dropna() >= 0) & (s["p_npv_positive"].dropna() <= 1)).all()
    assert (s["npv_p2.5"] <= s["npv_p97.5"]).all()


def best_under(summary, cap, criterion="npv"):
    """The rule, restated independently: the best option whose peak yearly cost fits under the cap."""
    eligible = summary[summary["peak_annual_cost"] <= cap]
    return eligible[criterion].idxmax() if len(eligible) else summary["peak_annual_cost"].idxmin()


def test_budget_cap_changes_the_recommendation(strong_model, default_plan, strong_results):
    model, results = strong_model, strong_results
    s = results.summary
    assert results.recommended != default_plan.baseline
    assert results.recommended == best_under(s, default_plan.budget_cap.value)
    # a cap just under the recommended option's peak cost makes it ineligible and picks the next best
    tighter = s.loc[results.recommended, "peak_annual_cost"] * 0.99
    lower = plan.evaluate_plan(model, with_cap(default_plan, tighter), draws=DRAWS)
    assert not lower.summary.loc[results.recommended, "eligible"]
    assert lower.recommended == best_under(s, tighter) != results.recommended
    lowest = plan.evaluate_plan(model, with_cap(default_plan, 1e6), draws=DRAWS)
    assert lowest.recommended == s["peak_annual_cost"].idxmin()  # nothing fits: the cheapest
    rule = with_cap(default_plan, 5e6).model_copy(update={"decision_rule": "max_cases_under_cap"})
    cases = plan.evaluate_plan(model, rule, draws=DRAWS)
    assert cases.recommended == best_under(cases.summary, 5e6, "cases_averted_horizon")


def test_probability_best_sums_to_one(results, model, default_plan):
    assert results.p_best.sum() == pytest.approx(1.0)
    assert set(results.p_best.index) == set(default_plan.options)
    capped = plan.evaluate_plan(model, with_cap(default_plan, 5e6), draws=DRAWS)
    assert capped.p_best["full"] == 0.0  # its peak cost (about 6 M€) is over the cap
    assert capped.p_best.sum() == pytest.approx(1.0)
    again = plan.evaluate_plan(model, default_plan, draws=DRAWS)
    assert again.p_best.equals(results.p_best)  # the model's seed makes it reproducible


def test_what_would_change_flips_the_decision(strong_model, default_plan, strong_results):
    model, results = strong_model, strong_results
    changes = plan.what_would_change(model, default_plan, results, top=4)
    params = changes[changes["parameter"] != "budget_cap"]
    found = params.dropna(subset=["value"])
    assert len(found) >= 2
    for _, row in found.iterrows():
        x = row["value"]
        eps = 1e-4 * max(abs(x), 1e-6)
        inside, outside = (x + eps, x - eps) if row["direction"] == "above" else (x - eps, x + eps)
        assert plan.decide(model, default_plan, {row["parameter"]: inside})["recommended"].iloc[0] == results.recommended
        flipped = plan.decide(model, default_plan, {row["parameter"]: outside})["recommended"].iloc[0]
        assert flipped != results.recommended
        assert flipped == row["new_recommended"]
        assert "resterait la meilleure option" in row["sentence_fr"]
    cap = changes[changes["parameter"] == "budget_cap"].iloc[0]
    assert cap["value"] == pytest.approx(results.summary.loc[results.recommended, "peak_annual_cost"])
    below = plan.evaluate_plan(model, with_cap(default_plan, cap["value"] * 0.999), draws=0)
    above = plan.evaluate_plan(model, with_cap(default_plan, cap["value"] * 1.001), draws=0)
    assert (below.recommended, above.recommended) == (cap["new_recommended"], results.recommended)
    assert "M€" in cap["sentence_fr"]


def test_params_refuse_inconsistent_plans(default_plan):
    data = default_plan.model_dump()
    data["options"]["light"]["components"]["app"]["coverage"] = [0.5, 1.0]
    with pytest.raises(ValidationError, match="expected one per year"):
        PlanParams.model_validate(data)
    data = default_plan.model_dump()
    data["options"]["light"]["components"]["app"]["coverage"][0] = 1.5
    with pytest.raises(ValidationError, match="between 0 and 1"):
        PlanParams.model_validate(data)
    data = default_plan.model_dump()
    data["baseline"] = "nothing"
    with pytest.raises(ValidationError, match="baseline"):
        PlanParams.model_validate(data)


def test_record_writes_the_memo_figures(tmp_path, model, default_plan, results):
    from policy_kit.records import Recorder, read

    changes = plan.what_would_change(model, default_plan, results, top=2)
    plan.record(Recorder(tmp_path, "plan"), results, changes)
    got = read(tmp_path)
    assert got.value("plan.recommended.name") == results.recommended
    assert got.value("plan.recommended.annual_cost") == pytest.approx(results.summary.loc[results.recommended, "annual_cost_full"])
    for key in ("plan.recommended.roi", "plan.recommended.cases_averted_total", "plan.current_budget"):
        assert key in got
    assert got.value("plan.current_budget_quality") == "low"
    assert len(got.table("plan.yearly")) == len(results.yearly)


def test_charts_return_figures(results):
    import matplotlib.pyplot as plt

    for fig in (charts.budget_impact(results), charts.cases_averted(results), charts.option_comparison(results)):
        assert isinstance(fig, Figure)
        assert fig.get_figwidth() == pytest.approx(16 / 2.54)
        plt.close(fig)


def test_every_option_records_both_perspectives(tmp_path, model, default_plan, results):
    """Society and social-security returns per option, from the same draws, plus the probability of being best."""
    from policy_kit.records import Recorder, read

    plan.record(Recorder(tmp_path, "plan"), results)
    got = read(tmp_path)
    s = results.summary
    for name in default_plan.options:
        base = f"plan.option.{name}"
        assert got.value(f"{base}.p_best") == pytest.approx(results.p_best[name])
        for persp in ("society", "social_security"):
            for metric in ("npv", "bcr", "p_npv_positive"):
                assert f"{base}.{persp}.{metric}" in got
        if name == default_plan.baseline:
            assert got.value(f"{base}.society.npv") == 0.0
            continue
        # the social-security budget counts allowances and healthcare avoided, society output, healthcare and closures
        ss = eco.present_values(eco.simulate(plan.plan_model(model, default_plan)), "social_security")
        expected = (ss[name]["npv"] - ss[default_plan.baseline]["npv"])[0]
        assert got.value(f"{base}.social_security.npv") == pytest.approx(expected)
        assert got.value(f"{base}.social_security.npv") != pytest.approx(got.value(f"{base}.society.npv"))
        assert 0.0 <= got.value(f"{base}.social_security.p_npv_positive") <= 1.0
        assert got.value(f"{base}.society.npv") == pytest.approx(s.loc[name, "npv"])


def test_reference_is_costed_and_reconciled_with_the_current_budget(tmp_path, results, default_plan):
    """The situation after the pilots is a costed option whose yearly cost meets the stated structural budget."""
    from policy_kit.records import Recorder, read

    plan.record(Recorder(tmp_path, "plan"), results)
    got = read(tmp_path)
    cost = got.value("plan.reference.annual_cost")
    assert cost == pytest.approx(results.summary.loc[default_plan.baseline, "annual_cost_full"]) and cost > 0
    assert got.value("plan.reference.budget_gap") == pytest.approx(cost - default_plan.current_budget.value)
    assert abs(got.value("plan.reference.budget_gap_share")) < 0.10
    # every other option keeps what the reference delivers, at least at its coverage
    base = default_plan.options[default_plan.baseline].components
    for name, option in default_plan.options.items():
        for component, spec in base.items():
            assert component in option.components, (name, component)
            assert all(c >= b for c, b in zip(option.components[component].coverage, spec.coverage)), (name, component)


def test_sensitivity_is_about_the_recommended_option_against_the_reference(model, default_plan, results):
    from policy_kit.plan.stage import analysed_option

    option = analysed_option(results)
    assert option != default_plan.baseline
    if results.recommended != default_plan.baseline:
        assert option == results.recommended
    ow = eco.one_way(results.model, option, reference=default_plan.baseline)
    assert ow.attrs["base"] == pytest.approx(results.summary.loc[option, "npv"])
    # the PSA behind p_best and p_npv_positive is the same analysis, against the same reference
    j = results.psa.options.index(option)
    assert results.summary.loc[option, "p_npv_positive"] == pytest.approx((results.psa.npv[:, j] > 0).mean())
    assert results.psa.reference == default_plan.baseline


def test_one_yearly_cost_per_option_the_memo_reads_too(default_plan, results):
    # the memo's Table 1 reads the gross cost of the last plan year summed over payers: the plan records that same figure
    last = results.yearly[results.yearly["year"] == default_plan.last_year].groupby("option")["gross_cost"].sum()
    for name in default_plan.options:
        assert results.summary.loc[name, "annual_cost_full"] == pytest.approx(last[name])
    assert results.summary.loc["full", "annual_cost_full"] > results.summary.loc["full", "peak_annual_cost"] * 0.999


def test_the_reference_is_valued_against_no_programme_in_both_perspectives(model, default_plan, results):
    pm = plan.plan_model(model, default_plan)
    sim = eco.simulate(pm)
    assert set(results.reference_vs_none) == {"society", "social_security"}
    for persp, figures in results.reference_vs_none.items():
        pv = eco.present_values(sim, persp)
        base, light = pv[default_plan.baseline], pv["light"]
        assert np.isfinite(figures["npv"]) and figures["bcr"] > 0
        assert figures["bcr"] == pytest.approx(base["benefit"][0] / base["cost"][0])
        # what the reference is worth plus what an extension adds over it is what the extension is worth on its own
        added = results.summary.loc["light", f"{persp}.npv"]
        assert figures["npv"] + added == pytest.approx(light["npv"][0], rel=1e-9, abs=1.0)
