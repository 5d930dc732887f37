"""Notebook 03's steps: plan options, their yearly budget impact, the recommendation and what would change it.

The plan rebuilds the cohort model from the params and the prevalence the economics stage recorded
(not from the survey), so it reads only what earlier stages recorded.
"""

from __future__ import annotations

import pandas as pd

from policy_kit import formatting as fmt
import numpy as np

from policy_kit.economics import charts as eco_charts
from policy_kit.economics.model import EconomicModel, build_model
from policy_kit.economics.sensitivity import one_way, switching_values, two_way
from policy_kit.i18n import capitalise, parameter_label, translator
from policy_kit.notebook import Finding, Stage
from policy_kit.params.economics import EconomicsParams
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


def evaluate(stage: Stage, draws: int | None = None) -> Finding:
    """The plan's options evaluated; `draws` defaults to the params' PSA draws (0: base case only, as a headline sweep asks)."""
    plan = stage.params.plan
    model = _model(stage)
    psa = stage.params.economics.psa
    results = evaluate_plan(model, plan, draws=psa.draws if draws is None else draws, seed=psa.seed)
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


def analysed_option(results: PlanResults) -> str:
    """The option the sensitivity analyses are about: the recommendation, or the best alternative when the
    reference itself is recommended (its increment over itself would be zero)."""
    if results.recommended != results.baseline:
        return results.recommended
    others = results.summary.drop(index=results.baseline)
    return str(others["npv"].idxmax())


def parameter_words(eco: EconomicsParams, names, translate) -> dict[str, str]:
    """Each model parameter's words in the run's language, as the annex says them."""
    components = {name: c.label_fr for name, c in eco.components.items()}
    effect_types = {f"component.{name}.effect.{e.transition}": e.type for name, c in eco.components.items() for e in c.effects}
    words = {p: parameter_label(p, translate, components=components, effect_types=effect_types) for p in names}
    return {p: capitalise(w) for p, w in words.items() if w != p}  # an unknown name keeps its recorded label


def sensitivity_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    """Tornado, switching values and two-way grid of the analysed option's NPV against the reference."""
    _, results = evaluated
    pm, option, reference = results.model, analysed_option(results), results.baseline
    rec = stage.rec
    rec.scalar("sensitivity.option", option, origin="model")
    rec.scalar("sensitivity.option_label", results.label(option), origin="params")
    tornado_data = one_way(pm, option, reference=reference)
    rec.table("sensitivity.one_way", tornado_data,
              caption=f"Analyse univariée : VAN de « {results.label(option)} » par rapport à la situation de référence")
    language = stage.params.meta.language
    figure = eco_charts.tornado(tornado_data, language=language,
                                labels=parameter_words(stage.params.economics, tornado_data["parameter"], translator(language)))
    rec.figure("sensitivity.tornado", figure,
               caption=f"Paramètres qui font le plus varier la VAN de « {results.label(option)} » par rapport à la situation de référence",
               alt="Diagramme en tornade : variation de la valeur actuelle nette de l'option analysée par rapport à la situation "
                   "de référence quand chaque paramètre passe de sa borne basse à sa borne haute")
    subject = f"Par rapport à la situation de référence, « {results.label(option)} »"
    rows = switching_values(pm, option, reference=reference, subject=subject)
    rec.table("sensitivity.switching", rows, caption="Valeurs de basculement de la VAN par rapport à la situation de référence")
    for i, sentence in enumerate(rows["sentence_fr"][:3], start=1):
        rec.text(f"sensitivity.switching_sentence_{i}", sentence)
    grid = two_way(pm, option, reference=reference)
    rec.table("sensitivity.two_way", grid.reset_index(), caption="Analyse bivariée des deux paramètres les plus influents")
    return Finding("Sensibilité de l'option analysée", list(rows["sentence_fr"][:3]),
                   rows[["label_fr", "value", "within_range"]], figure, tornado_data)


def psa_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    """The probabilistic analysis behind p_best and p_npv_positive: every option against the reference."""
    _, results = evaluated
    psa = results.psa
    rec = stage.rec
    if psa is None:
        return Finding("Incertitude", ["Analyse probabiliste non demandée (0 tirage)."])
    others = [o for o in psa.options if o != results.baseline]
    summary = psa.summary().loc[others]
    rec.table("psa.summary", summary, caption="Analyse probabiliste par rapport à la situation de référence : moyennes et intervalles à 95 %")
    rec.scalar("psa.draws", psa.draws, unit="count", origin="params")
    rec.scalar("psa.evpi", psa.evpi(), unit="EUR", origin="model (PSA)")
    eco = stage.params.economics
    grid = np.arange(eco.wtp_per_case_averted.start, eco.wtp_per_case_averted.stop + eco.wtp_per_case_averted.step / 2,
                     eco.wtp_per_case_averted.step)
    curve = psa.ceac(grid)
    rec.table("psa.ceac", curve, caption="Courbe d'acceptabilité")
    labels = {o: results.label(o) for o in psa.options}
    language = stage.params.meta.language
    plane = eco_charts.ce_plane(psa.ce_plane().query("option != @results.baseline"), language=language)
    rec.figure("psa.ce_plane", plane, caption="Plan coût-efficacité : coût et cas évités de chaque tirage, par rapport à la situation de référence",
               alt="Nuage de points des tirages probabilistes : coût supplémentaire en ordonnée, cas d'incapacité évités en plus en abscisse, par option")
    ceac_fig = eco_charts.ceac(curve, labels, language=language)
    rec.figure("psa.ceac_chart", ceac_fig, caption="Probabilité que chaque option soit la meilleure selon la valeur accordée à un cas évité",
               alt="Courbes d'acceptabilité : probabilité que chaque option soit la plus rentable en fonction du consentement à payer par cas évité")
    p = float(results.summary.loc[analysed_option(results), "p_npv_positive"])
    lines = [fmt.typography(
        f"Sur {fmt.number(psa.draws)} tirages, la VAN de « {results.label(analysed_option(results))} » par rapport à la "
        f"situation de référence est positive dans {fmt.percent(p)} des cas ; lever toute l'incertitude vaudrait au plus "
        f"{fmt.money(psa.evpi())} (valeur espérée de l'information parfaite).")]
    rec.text("comment.psa", lines[0])
    return Finding("Incertitude", lines, summary, plane, psa)


def what_would_change_step(stage: Stage, evaluated: tuple[EconomicModel, PlanResults]) -> Finding:
    model, results = evaluated
    changes = what_would_change(model, stage.params.plan, results)
    record(stage.rec, results, changes)
    lines = list(changes["sentence_fr"][:3])
    return Finding("Ce qui ferait changer la décision", lines, changes[["label_fr", "value", "within_range", "new_recommended"]], None, changes)
