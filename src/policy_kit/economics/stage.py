"""Notebook 02's steps: the cost-benefit model of each component, its sensitivity and its uncertainty."""

from __future__ import annotations

import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.economics import charts
from policy_kit.economics.discounting import load_discount_schedule
from policy_kit.economics.model import EconomicModel, build_model
from policy_kit.economics.psa import PsaResult, run_psa
from policy_kit.economics.results import EconomicResults, evaluate
from policy_kit.economics.sensitivity import one_way, switching_values, two_way
from policy_kit.i18n import capitalise, parameter_label, translator
from policy_kit.notebook import Finding, Stage
from policy_kit.params.economics import EconomicsParams
from policy_kit.params.sourced import Sourced


def build(stage: Stage) -> Finding:
    """The model, with the prevalence of risk from params or from the evidence stage's record."""
    eco = stage.params.economics
    prevalence = None
    if eco.risk_prevalence_from == "survey":
        entry = stage.inputs.entry("evidence.for_economics.risk_prevalence")
        low, high = entry["ci"]
        prevalence = Sourced(value=entry["value"], low=low, high=high, kind="probability",
                             source="Enquête Icarius, prévalence pondérée (étape 1)", quality="medium")
    model = build_model(eco, risk_prevalence=prevalence)
    used = prevalence or eco.risk_prevalence
    rec = stage.rec
    rec.scalar("inputs.risk_prevalence", used.value, unit="share", ci=(used.low, used.high),
               origin="survey" if prevalence else "params (literature)", label="prévalence du risque de burn-out", source=used.source)
    survey = stage.inputs.entry("evidence.for_economics.risk_prevalence")
    rec.scalar("inputs.survey_risk_prevalence", survey["value"], unit="share", ci=tuple(survey["ci"]), origin="survey")
    schedule = load_discount_schedule(eco.discount_schedule)
    rec.scalar("discounting.schedule", schedule.label_fr, origin="params", source=schedule.source)
    rec.scalar("horizon.years", eco.horizon_years, unit="count")
    rec.scalar("inputs.parameters_count", len(model.parameters), unit="count", origin="params")
    rec.scalar("inputs.assumptions_count", sum(p.sourced.is_assumption for p in model.parameters.values()), unit="count", origin="params")
    rec.scalar("horizon.first_year", eco.start_year, unit="year")
    rec.scalar("horizon.last_year", eco.start_year + eco.horizon_years - 1, unit="year")
    rec.scalar("population", eco.population.value, unit="persons", origin="params", source=eco.population.source)
    lines = [
        f"Le modèle suit {fmt.number(eco.population.value)} indépendants assurés pendant {eco.horizon_years} ans "
        f"({eco.start_year}-{eco.start_year + eco.horizon_years - 1}), actualisation : {schedule.label_fr}.",
        f"Prévalence du risque de burn-out retenue : {fmt.percent(used.value, 1)} "
        f"({'enquête' if prevalence else 'littérature'}) ; l'enquête donne {fmt.percent(survey['value'], 1)}.",
    ]
    parameters = pd.DataFrame(
        [(p.name, p.label_fr, p.sourced.value, p.sourced.low, p.sourced.high, p.sourced.source or "hypothèse")
         for p in model.parameters.values()],
        columns=["paramètre", "libellé", "valeur", "bas", "haut", "source"],
    )
    return Finding("Le modèle", [fmt.typography(x) for x in lines], parameters, None, model)


def results_step(stage: Stage, model: EconomicModel) -> Finding:
    results = evaluate(model)
    table = results.table()
    stage.rec.table("results.table", table, caption="Résultats par volet et pour le plan combiné")
    stage.rec.table("results.streams", results.streams(), caption="Flux annuels par option")
    incremental = results.incremental()
    stage.rec.table("results.incremental", incremental, caption="Analyse incrémentale : coût par cas d'incapacité évité")
    for name, r in results.options.items():
        base = f"options.{name}"
        stage.rec.scalar(f"{base}.label", r.label_fr)
        stage.rec.scalar(f"{base}.cost", r.cost, unit="EUR", origin="model")
        stage.rec.scalar(f"{base}.benefit", r.benefit, unit="EUR", origin="model")
        stage.rec.scalar(f"{base}.npv", r.npv, unit="EUR", origin="model")
        stage.rec.scalar(f"{base}.bcr", r.bcr, unit="ratio", origin="model")
        stage.rec.scalar(f"{base}.roi", r.roi, unit="ratio", origin="model")
        stage.rec.scalar(f"{base}.payback_year", r.payback_year, unit="year", origin="model")
        stage.rec.scalar(f"{base}.cases_averted", r.cases_averted, unit="cases", origin="model")
        stage.rec.scalar(f"{base}.cost_per_case_averted", r.cost_per_case_averted, unit="EUR", origin="model")
    best = table["npv"].idxmax()
    lines = [
        f"Tous volets confondus, le plan combiné coûte {fmt.money(table.loc['plan', 'cost']) if 'plan' in table.index else '–'} "
        f"en valeur actualisée et rapporte {fmt.number(table.loc['plan', 'bcr'], 1) if 'plan' in table.index else '–'} € par euro investi.",
        f"La valeur actuelle nette la plus élevée revient à « {table.loc[best, 'label_fr']} » ({fmt.money(table.loc[best, 'npv'])}).",
    ]
    stage.rec.text("comment.results", " ".join(lines))
    shown = pd.DataFrame({
        "option": table["label_fr"],
        "coût": table["cost"].map(fmt.money),
        "bénéfices": table["benefit"].map(fmt.money),
        "VAN": table["npv"].map(fmt.money),
        "€ par € investi": table["bcr"].map(lambda x: fmt.number(x, 1)),
        "retour": table["payback_year"].map(lambda y: "–" if pd.isna(y) else str(int(y))),
        "cas évités": table["cases_averted"].map(lambda x: fmt.number(x)),
        "coût par cas évité": table["cost_per_case_averted"].map(fmt.money),
    })
    return Finding("Coûts et bénéfices par volet", [fmt.typography(x) for x in lines], shown, None, results)


def parameter_words(eco: EconomicsParams, names, _) -> dict[str, str]:
    """Each model parameter's words in the run's language, as the annex says them."""
    components = {name: c.label_fr for name, c in eco.components.items()}
    effect_types = {f"component.{name}.effect.{e.transition}": e.type for name, c in eco.components.items() for e in c.effects}
    words = {p: parameter_label(p, _, components=components, effect_types=effect_types) for p in names}
    return {p: capitalise(w) for p, w in words.items() if w != p}  # an unknown name keeps its recorded label


def sensitivity_step(stage: Stage, model: EconomicModel, option: str = "plan") -> Finding:
    tornado_data = one_way(model, option)
    stage.rec.table("sensitivity.one_way", tornado_data, caption="Analyse de sensibilité univariée (VAN)")
    language = stage.params.meta.language
    figure = charts.tornado(tornado_data, language=language,
                            labels=parameter_words(stage.params.economics, tornado_data["parameter"], translator(language)))
    stage.rec.figure("sensitivity.tornado", figure, caption="Paramètres qui font le plus varier la valeur actuelle nette du plan",
                     alt="Diagramme en tornade : variation de la valeur actuelle nette du plan quand chaque paramètre passe de sa borne basse à sa borne haute")
    rows = switching_values(model, option)
    stage.rec.table("sensitivity.switching", rows, caption="Valeurs de basculement")
    for i, sentence in enumerate(rows["sentence_fr"][:3], start=1):
        stage.rec.text(f"switching.sentence_{i}", sentence)
    grid = two_way(model, option)
    stage.rec.table("sensitivity.two_way", grid.reset_index() if not isinstance(grid.index, pd.RangeIndex) else grid,
                    caption="Analyse bivariée des deux paramètres les plus influents")
    lines = list(rows["sentence_fr"][:3])
    return Finding("Ce qui ferait changer la conclusion", lines, rows[["label_fr", "value", "within_range"]], figure, tornado_data)


def psa_step(stage: Stage, model: EconomicModel) -> Finding:
    eco = stage.params.economics
    psa = run_psa(model, eco.psa.draws, eco.psa.seed)
    summary = psa.summary()
    stage.rec.table("psa.summary", summary, caption="Analyse probabiliste : moyennes et intervalles à 95 %")
    p_positive = psa.prob_npv_positive()
    for option, p in p_positive.items():
        stage.rec.scalar(f"psa.{option}.p_npv_positive", float(p), unit="probability", origin="model (PSA)")
    stage.rec.scalar("psa.draws", psa.draws, unit="count", origin="params")
    stage.rec.scalar("psa.evpi", psa.evpi(), unit="EUR", origin="model (PSA)")
    wtp = eco.wtp_per_case_averted
    import numpy as np

    grid = np.arange(wtp.start, wtp.stop + wtp.step / 2, wtp.step)
    curve = psa.ceac(grid)
    stage.rec.table("psa.ceac", curve, caption="Courbe d'acceptabilité")
    language = stage.params.meta.language
    plane = charts.ce_plane(psa.ce_plane(), language=language)
    stage.rec.figure("psa.ce_plane", plane, caption="Plan coût-efficacité : coût et cas évités de chaque tirage",
                     alt="Nuage de points des tirages probabilistes : coût du programme en ordonnée, cas d'incapacité évités en abscisse, par option")
    ceac_fig = charts.ceac(curve, {o.name: o.label_fr for o in model.options}, language=language)
    stage.rec.figure("psa.ceac_chart", ceac_fig, caption="Probabilité que chaque option soit la meilleure selon la valeur accordée à un cas évité",
                     alt="Courbes d'acceptabilité : probabilité que chaque option soit la plus rentable en fonction du consentement à payer par cas évité")
    lines = [
        f"Sur {fmt.number(psa.draws)} tirages, la valeur actuelle nette du plan combiné est positive dans "
        f"{fmt.percent(float(p_positive.get('plan', float('nan'))))} des cas.",
        f"Lever toute l'incertitude vaudrait au plus {fmt.money(psa.evpi())} (valeur espérée de l'information parfaite).",
    ]
    stage.rec.text("comment.psa", " ".join(lines))
    return Finding("Incertitude", [fmt.typography(x) for x in lines], summary, plane, psa)
