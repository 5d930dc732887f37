"""Plan options declared in params, run through the cost-benefit engine.

Conventions:
- coverage is given per plan year; before the first plan year it is 0, after the last one it
  continues at the last year's value up to the economic horizon (a structural plan) unless the
  option says `after_last_year: stop`;
- `yearly` is the budget impact, undiscounted, for the plan years only: gross cost is what the
  option's payers spend (the baseline's own spending included); savings, cases and participants are
  counted against the absence of any programme (the engine's reference);
- `summary` compares each option with the params' baseline: NPV, BCR, ROI and cases averted are
  increments over the baseline (discounted NPV over the horizon, cases undiscounted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policy_kit.economics.model import EconomicModel, OptionSpec, present_values, simulate
from policy_kit.economics.psa import PsaResult, run_psa
from policy_kit.params.plan import PlanParams
from policy_kit.plan.decision import Ranking, probability_best, rank_options

YEARLY_COLUMNS = (
    "gross_cost",
    "allowances_avoided",
    "healthcare_avoided",
    "net_cost",
    "cases_averted_incapacity",
    "invalidity_person_years_averted",
    "participants",
)


def coverage_by_cycle(plan: PlanParams, option: str, component: str, model: EconomicModel) -> np.ndarray:
    """Coverage of one component of one option for every cycle of the model's horizon."""
    spec = plan.options[option]
    years = model.years
    if plan.first_year < years[0] or plan.last_year > years[-1]:
        raise ValueError(
            f"plan years {plan.first_year}–{plan.last_year} must lie within the economic horizon {years[0]}–{years[-1]}"
        )
    given = np.asarray(spec.components[component].coverage, dtype=float)
    out = np.zeros(len(years))
    inside = (years >= plan.first_year) & (years <= plan.last_year)
    out[inside] = given
    if spec.after_last_year == "continue":
        out[years > plan.last_year] = given[-1]
    return out


def engine_name(option: str) -> str:
    # one name per thing: a plan option is the same option in the engine (its counterfactual is "no_programme")
    return option


def plan_model(model: EconomicModel, plan: PlanParams) -> EconomicModel:
    """The model whose options are the plan's options, under their plan names."""
    specs = []
    for name, opt in plan.options.items():
        coverage = {c: tuple(coverage_by_cycle(plan, name, c, model)) for c in opt.components}
        specs.append(OptionSpec(engine_name(name), opt.label, tuple(opt.components), coverage))
    return model.with_options(specs)


def _payer(plan: PlanParams, option: str, component: str) -> str:
    return plan.options[option].components[component].payer or plan.options[option].payer


def _yearly(pm: EconomicModel, plan: PlanParams, sim) -> pd.DataFrame:
    """Long table option × payer × year for the plan years (first draw of `sim`)."""
    in_plan = np.isin(pm.years, plan.years)
    years = pm.years[in_plan]
    zero = np.zeros(in_plan.sum())
    rows = []
    for name, opt in plan.options.items():
        key = engine_name(name)
        payers = list(dict.fromkeys([_payer(plan, name, c) for c in opt.components]))
        for payer in payers:
            comps = [c for c in opt.components if _payer(plan, name, c) == payer]
            rows.append(pd.DataFrame({
                "option": name, "label": opt.label, "year": years, "payer": payer,
                "gross_cost": sum((sim.component_cost[key][c][0, in_plan] for c in comps), zero),
                "allowances_avoided": zero, "healthcare_avoided": zero,
                "cases_averted_incapacity": zero, "invalidity_person_years_averted": zero,
                "participants": sum((sim.component_participants[key][c][0, in_plan] for c in comps), zero),
            }))
        # allowances and healthcare avoided are INAMI's, whoever pays for the prevention
        rows.append(pd.DataFrame({
            "option": name, "label": opt.label, "year": years, "payer": plan.savings_payer,
            "gross_cost": zero,
            "allowances_avoided": sim.benefits[key]["allowances"][0, in_plan],
            "healthcare_avoided": sim.benefits[key]["healthcare"][0, in_plan],
            "cases_averted_incapacity": sim.entries_averted[key][0, in_plan],
            "invalidity_person_years_averted": sim.invalidity_py_averted[key][0, in_plan],
            "participants": zero,
        }))
    out = pd.concat(rows, ignore_index=True)
    out["net_cost"] = out["gross_cost"] - out["allowances_avoided"]
    return out[["option", "label", "year", "payer", *YEARLY_COLUMNS]]


def option_totals(yearly: pd.DataFrame) -> pd.DataFrame:
    """Per option and year, summed over payers (index option, year)."""
    return yearly.groupby(["option", "year"], sort=False)[list(YEARLY_COLUMNS)].sum()


def versus_baseline(yearly: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per option and year, each stream minus the baseline's: what moving from the baseline changes."""
    totals = option_totals(yearly)
    base = totals.loc[baseline]
    return (totals - base.reindex(totals.index, level="year")).reset_index()


@dataclass(frozen=True)
class PlanResults:
    plan: PlanParams
    model: EconomicModel  # the plan model (engine option names `plan:<name>`)
    yearly: pd.DataFrame  # option, label, year, payer, gross_cost, allowances_avoided, …, participants
    summary: pd.DataFrame  # one row per option, index option
    draws: pd.DataFrame  # draw, option, npv, cases_averted (increments over the baseline)
    ranking: Ranking
    p_best: pd.Series  # index option
    psa: PsaResult | None = None  # every option against the baseline, the draws behind p_best and p_npv_positive
    reference_vs_none: dict[str, dict[str, float]] | None = None  # perspective → npv, bcr of the baseline vs no programme

    @property
    def recommended(self) -> str:
        return self.ranking.recommended

    @property
    def baseline(self) -> str:
        return self.plan.baseline

    @property
    def budget_cap(self) -> float:
        return self.plan.budget_cap.value

    def label(self, option: str) -> str:
        return self.plan.options[option].label

    def versus_baseline(self) -> pd.DataFrame:
        return versus_baseline(self.yearly, self.baseline)

    def budget_impact(self) -> pd.DataFrame:
        """Per option × payer × year: gross, allowances avoided, net (see decision.budget_impact)."""
        from policy_kit.plan.decision import budget_impact

        return budget_impact(self.yearly)


PERSPECTIVES = ("society", "social_security")


def _incremental(pm: EconomicModel, plan: PlanParams, pv: dict) -> dict[str, dict[str, np.ndarray]]:
    base = pv[engine_name(plan.baseline)]
    return {name: {k: pv[engine_name(name)][k] - base[k] for k in base} for name in plan.options}


def _by_perspective(pm: EconomicModel, plan: PlanParams, sim) -> dict[str, dict[str, dict[str, np.ndarray]]]:
    """Increments over the baseline in each perspective (society; social-security budget)."""
    return {p: _incremental(pm, plan, present_values(sim, p)) for p in PERSPECTIVES}


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def _reference_vs_none(plan: PlanParams, sim) -> dict[str, dict[str, float]]:
    """The baseline against no programme at all, in each perspective: what making it permanent is worth."""
    out = {}
    for persp in PERSPECTIVES:
        pv = present_values(sim, persp)[engine_name(plan.baseline)]
        cost, benefit = float(pv["cost"][0]), float(pv["benefit"][0])
        out[persp] = {"npv": benefit - cost, "bcr": _ratio(benefit, cost)}
    return out


def _summary(plan: PlanParams, yearly: pd.DataFrame, inc_base: dict, psa: PsaResult | None,
             persp_base: dict | None = None) -> pd.DataFrame:
    totals = option_totals(yearly)
    first_full = {}
    for name, opt in plan.options.items():
        full = [y for i, y in enumerate(plan.years) if opt.components and all(c.coverage[i] >= 1.0 for c in opt.components.values())]
        first_full[name] = full[0] if full else plan.last_year
    current = plan.current_budget.value
    base_cases = totals.loc[plan.baseline, "cases_averted_incapacity"].sum()
    base_gross = totals.loc[plan.baseline, "gross_cost"].sum()
    rows = {}
    for name, opt in plan.options.items():
        t = totals.loc[name]
        p = {k: float(a[0]) for k, a in inc_base[name].items()}
        is_base = name == plan.baseline
        # the yearly cost is the last plan year's, when every option runs at its final coverage: the one figure
        # the memo, the annex and the budget comparison all read
        annual_full = float(t.loc[plan.last_year, "gross_cost"])
        row = {
            "label": opt.label,
            "payer": opt.payer,
            "components": ", ".join(opt.components),
            "gross_cost_plan_years": float(t["gross_cost"].sum()),
            "allowances_avoided_plan_years": float(t["allowances_avoided"].sum()),
            "net_cost_plan_years": float(t["net_cost"].sum()),
            "extra_gross_cost_plan_years": float(t["gross_cost"].sum() - base_gross),
            "peak_annual_cost": float(t["gross_cost"].max()),
            "annual_cost_full": annual_full,
            "annual_cost_full_year": first_full[name],
            "annual_cost_full_vs_current_budget_ratio": _ratio(annual_full, current),
            "annual_cost_full_minus_current_budget": annual_full - current,
            "cost_pv_vs_baseline": p["cost"],
            "benefit_pv_vs_baseline": p["benefit"],
            "npv": p["npv"],
            "bcr": math.nan if is_base else _ratio(p["benefit"], p["cost"]),
            "roi": math.nan if is_base else _ratio(p["npv"], p["cost"]),
            "cases_averted_plan_years": float(t["cases_averted_incapacity"].sum() - base_cases),
            "cases_averted_horizon": p["cases_averted"],
            "invalidity_person_years_averted_horizon": p["invalidity_py_averted"],
        }
        j = psa.options.index(name) if psa is not None else None
        if psa is not None:
            npv = psa.npv[:, j]
            row["npv_p2.5"], row["npv_p97.5"] = (float(q) for q in np.percentile(npv, [2.5, 97.5]))
            row["p_npv_positive"] = math.nan if is_base else float((npv > 0).mean())
        for persp, inc in (persp_base or {}).items():
            q = {k: float(a[0]) for k, a in inc[name].items()}
            row[f"{persp}.npv"] = q["npv"]
            row[f"{persp}.bcr"] = math.nan if is_base else _ratio(q["benefit"], q["cost"])
            if psa is not None:
                row[f"{persp}.p_npv_positive"] = math.nan if is_base else float((psa.npv_by_perspective[persp][:, j] > 0).mean())
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "option"
    return out


def _rank(plan: PlanParams, summary: pd.DataFrame, cap: float | None = None) -> Ranking:
    table = summary.assign(cases_averted=summary["cases_averted_horizon"])
    return rank_options(table, plan.decision_rule, plan.budget_cap.value if cap is None else cap)


def evaluate_plan(model: EconomicModel, plan: PlanParams, *, draws: int | None = None, seed: int | None = None) -> PlanResults:
    """Budget impact, comparison with the baseline, ranking and probability of being the best.

    `model` is the economics model (build_model(params.economics, …)); `draws` and `seed` default to
    the model's PSA settings; draws=0 skips the probabilistic part (p_best then puts 1 on the recommendation).
    """
    pm = plan_model(model, plan)
    sim = simulate(pm)
    yearly = _yearly(pm, plan, sim)
    inc_base = _incremental(pm, plan, present_values(sim))
    persp_base = _by_perspective(pm, plan, sim)
    n = model.psa_draws if draws is None else draws
    psa = run_psa(pm, n, seed, reference=engine_name(plan.baseline)) if n > 0 else None
    summary = _summary(plan, yearly, inc_base, psa, persp_base)
    ranking = _rank(plan, summary)
    if psa is not None:
        draw_table = pd.concat(
            [
                pd.DataFrame({"draw": np.arange(n), "option": name, "npv": psa.npv[:, j], "cases_averted": psa.cases_averted[:, j]})
                for j, name in enumerate(psa.options)
            ],
            ignore_index=True,
        )
        p_best = probability_best(draw_table, plan.decision_rule, plan.budget_cap.value, summary["peak_annual_cost"])
    else:
        draw_table = pd.DataFrame(columns=["draw", "option", "npv", "cases_averted"])
        p_best = pd.Series(0.0, index=sorted(plan.options), name="p_best")
        p_best[ranking.recommended] = 1.0
    summary["p_best"] = p_best.reindex(summary.index).to_numpy()
    summary["eligible"] = ranking.table["eligible"].reindex(summary.index).to_numpy()
    summary["rank"] = ranking.table["rank"].reindex(summary.index).to_numpy()
    return PlanResults(plan, pm, yearly, summary, draw_table, ranking, p_best, psa, _reference_vs_none(plan, sim))


def decide(
    model: EconomicModel,
    plan: PlanParams,
    values: dict[str, object] | None = None,
    *,
    cap: float | None = None,
    reference: str | None = None,
) -> pd.DataFrame:
    """Vectorised decision: for each draw in `values` (parameter → value or array), who the rule picks.

    One row per draw: recommended, runner_up (best alternative to `reference`), margin (criterion of
    `reference` minus that of the best eligible alternative; positive exactly when `reference` is
    still the recommendation). `reference` defaults to the base-case recommendation.
    """
    pm = plan_model(model, plan)
    sim = simulate(pm, values or None)
    inc = _incremental(pm, plan, present_values(sim))
    in_plan = np.isin(pm.years, plan.years)
    names = list(plan.options)
    crit_key = "cases_averted" if plan.decision_rule == "max_cases_under_cap" else "npv"
    crit = np.column_stack([inc[n][crit_key] for n in names])
    peak = np.column_stack([sim.cost[engine_name(n)][:, in_plan].max(axis=1) for n in names])
    cap = plan.budget_cap.value if cap is None else cap
    eligible = peak <= cap if plan.decision_rule.endswith("_under_cap") else np.ones_like(peak, dtype=bool)
    score = np.where(eligible, crit, -np.inf)
    best = np.where(eligible.any(axis=1), np.argmax(score, axis=1), np.argmin(peak, axis=1))
    if reference is None:
        reference = names[int(best[0])] if values is None else str(decide(model, plan, cap=cap)["recommended"].iloc[0])
    r = names.index(reference)
    others = np.delete(score, r, axis=1)
    alt_names = [n for i, n in enumerate(names) if i != r]
    with np.errstate(invalid="ignore"):
        raw = crit[:, r] - others.max(axis=1)
    raw = np.where(np.isfinite(raw), raw, 1.0)
    # the magnitude is the criterion gap; the sign says whether the reference is still chosen
    # (it also turns negative when the reference loses eligibility under the cap)
    margin = np.where(best == r, np.abs(raw), -np.abs(raw) - (~eligible[:, r]) * 1e-6)
    out = pd.DataFrame(
        {"recommended": [names[i] for i in best], "runner_up": [alt_names[i] for i in np.argmax(others, axis=1)], "margin": margin}
    )
    out.attrs["reference"] = reference
    return out
