"""Notebook 03's steps: plan options, their yearly budget impact, the recommendation and what would change it.

The plan rebuilds the cohort model from the params and the prevalence the economics stage recorded
(not from the survey), so it reads only what earlier stages recorded.
"""

from __future__ import annotations

import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.economics.model import EconomicModel, build_model
from policy_kit.notebook import Finding, Stage
from policy_kit.params.sourced import Sourced
from policy_kit.plan import charts
from policy_kit.plan.changes import what_would_change
from policy_kit.plan.decision import RULES
from policy_kit.plan.options import PlanResults, evaluate_plan
from policy_kit.plan.record import _slug, record


def _model(stage: Stage) -> EconomicModel:
    eco = stage.params.economics
    used = stage.inputs.entry("economics.inputs.risk_prevalence")
    prevalence = None
    if used.get("origin") == "survey":
        low, high = used["ci"]
        prevalence = Sourced(value=used["value"], low=low, high=high, kind="probability", source=used.get("source"), quality="medium")
    return build_model(eco, risk_prevalence=prevalence)


def evaluate(stage: Stage) -> Finding:
    plan = stage.params.plan
    model = _model(stage)
    results = evaluate_plan(model, plan, draws=stage.params.economics.psa.draws, seed=stage.params.economics.psa.seed)
    rec = stage.rec
    rec.scalar("first_year", plan.first_year, unit="year")
    rec.scalar("last_year", plan.last_year, unit="year")
    rec.scalar("option_order", ",".join(_slug(o) for o in plan.options))
    rec.scalar("rule_text", RULES[plan.decision_rule], origin="params")
    last = results.yearly[results.yearly["year"] == plan.last_year].groupby("option")["participants"].sum()
    for name in plan.options:
        rec.scalar(f"option.{_slug(name)}.reach", float(last.get(name, 0.0)), unit="persons", origin="model",
                   label=f"participants en {plan.last_year}")
    s = results.summary
    lines = [
        fmt.typography(f"Option recommandée : « {results.label(results.recommended)} », selon la règle « {RULES[plan.decision_rule]} » "
                       f"(plafond {fmt.money(plan.budget_cap.value)} par an)."),
        fmt.typography(f"Elle est la meilleure dans {fmt.percent(float(s.loc[results.recommended, 'p_best']))} des tirages probabilistes."),
    ]
    shown = pd.DataFrame({
        "option": s["label"],
        "coût annuel en régime": s["annual_cost_full"].map(fmt.money),
        "VAN vs référence": s["npv"].map(fmt.money),
        "€ par € investi": s["bcr"].map(lambda x: fmt.number(x, 1)),
        f"cas évités {plan.first_year}-{plan.last_year}": s["cases_averted_plan_years"].map(fmt.number),
        "P(meilleure)": s["p_best"].map(lambda x: fmt.percent(x)),
    })
    return Finding("Les options", lines, shown, None, (model, results))


def budget_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    _, results = evaluated
    figure = charts.budget_impact(results, language=stage.params.meta.language)
    stage.rec.figure("budget_chart", figure, caption="Impact budgétaire annuel par option, brut et net des indemnités évitées",
                     alt="Barres par année et par option : coût brut annuel et coût net des indemnités d'incapacité évitées, en euros non actualisés")
    impact = results.budget_impact()
    current = stage.params.plan.current_budget
    lines = [fmt.typography(
        f"Les coûts sont non actualisés ; le budget structurel actuel des caisses est de {fmt.money(current.value)} par an"
        + (" (montant à confirmer)." if current.quality in ("low", "assumption") else "."))]
    return Finding("Impact budgétaire", lines, impact, figure, impact)


def cases_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    _, results = evaluated
    figure = charts.cases_averted(results, language=stage.params.meta.language)
    stage.rec.figure("cases_chart", figure, caption="Cas d'incapacité évités par année et par option",
                     alt="Courbes par option du nombre de nouveaux cas d'incapacité primaire évités chaque année")
    return Finding("Cas évités", [], None, figure)


def ranking_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    _, results = evaluated
    figure = charts.option_comparison(results, language=stage.params.meta.language)
    stage.rec.figure("comparison_chart", figure, caption="Valeur actuelle nette de chaque option et son intervalle à 95 %",
                     alt="Points et intervalles de la valeur actuelle nette de chaque option par rapport à la situation de référence, avec le plafond budgétaire")
    return Finding("Classement", [], results.ranking.table, figure)


def what_would_change_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    model, results = evaluated
    changes = what_would_change(model, stage.params.plan, results)
    record(stage.rec, results, changes)
    lines = list(changes["sentence_fr"][:3])
    return Finding("Ce qui ferait changer la décision", lines, changes[["label_fr", "value", "within_range", "new_recommended"]], None, changes)
