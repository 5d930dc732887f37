"""Notebook 02's steps: the model, its validation against published figures, and what each component is worth.

The sensitivity and probabilistic analyses are about the plan options (notebook 03): one model, one
name per thing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from policy_kit import formatting as fmt

from policy_kit.economics.calibration import calibration_table, states_table
from policy_kit.economics.discounting import load_discount_schedule
from policy_kit.economics.model import EconomicModel, build_model, derived_values
from policy_kit.economics.psa import psa_inputs
from policy_kit.economics.results import evaluate
from policy_kit.economics.validation import replication_table
from policy_kit.notebook import Finding, Stage
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
    record_validation(stage, model)
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


def record_validation(stage: Stage, model: EconomicModel) -> None:
    """Today's state and the trajectory without programme, the calibration table, the derived values."""
    rec = stage.rec
    rec.table("status_quo.states", states_table(model),
              caption="Trajectoire sans programme de prévention : personnes par état en fin d'année (première ligne : situation de départ)")
    table = calibration_table(model)
    rec.table("calibration", table, caption="Calibrage : cibles publiées et valeurs du modèle sans programme")
    rec.scalar("calibration.targets", len(table), unit="count", origin="params")
    rec.scalar("calibration.within", int(table["within"].sum()), unit="count", origin="model")
    derived = derived_values({k: np.atleast_1d(v) for k, v in model.base_values().items()})
    rec.scalar("derived.at_risk_to_incapacity", float(derived["transition.at_risk->incapacity"][0]), unit="probability",
               origin="model (derived)", label="probabilité annuelle à risque → incapacité, dérivée de l'incidence et de la prévalence")
    rec.scalar("derived.new_incapacities", float(derived["new_incapacities"][0]), unit="persons", origin="model (derived)",
               label="nouvelles incapacités primaires psychiques par an au départ")
    rec.table("psa.inputs", psa_inputs(model), caption="Distributions de l'analyse probabiliste ajustées aux plages : quantiles des tirages utilisés")
    replication = replication_table()
    rec.table("validation.replication", replication,
              caption=f"Vérification du moteur : reproduction d'un modèle publié ({replication.attrs['source']})")
    rec.scalar("validation.replication_within", bool(replication["within"].all()), origin="model")


def results_step(stage: Stage, model: EconomicModel) -> Finding:
    results = evaluate(model)
    table = results.table()
    stage.rec.table("results.table", table, caption="Résultats de chaque volet seul, par rapport à l'absence de programme")
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
        "Chaque volet est évalué seul, à pleine adhésion, par rapport à l'absence de tout programme ; les options du plan "
        "(étape 3) les combinent et se comparent à la situation de référence.",
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
