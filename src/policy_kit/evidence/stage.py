"""Notebook 01's steps: each computes, records what later stages and the memo need, and returns a Finding.

Only aggregates leave this module: counts, shares with intervals, model coefficients. No respondent row
is recorded or displayed, and every subgroup cell below `min_cell` is suppressed before it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.evidence import charts, commentary
from policy_kit.evidence.io import SurveyData, read_survey
from policy_kit.evidence.pilots import MEMO_FIGURES, funnels, prepost, read_pilot_activity, read_prepost
from policy_kit.evidence.disclosure import hidden_cells
from policy_kit.evidence.pooling import pool_effects
from policy_kit.evidence.prevalence import HIDDEN_TEXT, prevalence, subgroup_prevalence
from policy_kit.evidence.risk_factors import odds_ratios
from policy_kit.evidence.weighting import design_effect, effective_n, rake, weighted_margins
from policy_kit.notebook import Finding, Stage

SUBGROUPS = ("gender", "sector", "region", "hours_band")
HOURS_BANDS = (0, 40, 50, 70, np.inf)
HOURS_LABELS = ("moins de 40 h", "40 à 49 h", "50 à 69 h", "70 h et plus")


def _cutoffs(stage: Stage) -> dict[str, float]:
    c = stage.params.evidence.cutoffs
    return {"at_risk": c.at_risk.value, "severe": c.severe.value}


def load_survey(stage: Stage) -> Finding:
    """Read and validate the survey export; record its size, origin and what was dropped."""
    ev = stage.params.evidence
    survey = read_survey(stage.data_path(ev.survey), drop_invalid=ev.drop_invalid)
    rec = stage.rec
    rec.scalar("survey.respondents", survey.n_read, unit="persons", origin="survey", label="réponses lues")
    rec.scalar("survey.analysed", len(survey.frame), unit="persons", origin="survey", label="réponses analysées")
    rec.scalar("survey.dropped", survey.n_dropped, unit="persons", origin="survey", label="réponses écartées")
    rec.scalar("survey.synthetic", bool(survey.is_synthetic), origin="survey")
    rec.table("survey.dropped_by_reason", survey.dropped if survey.dropped is not None else pd.DataFrame({"reason": [], "rows": []}),
              caption="Réponses écartées par motif")
    frame = survey.frame.copy()
    frame["hours_band"] = pd.cut(frame["hours_per_week"], HOURS_BANDS, right=False, labels=HOURS_LABELS).astype(str)
    summary = pd.DataFrame(
        {
            "": ["Réponses lues", "Réponses analysées", "Réponses écartées", "Encodage / séparateur", "Données"],
            "valeur": [
                fmt.number(survey.n_read), fmt.number(len(frame)), fmt.number(survey.n_dropped),
                f"{survey.encoding} / « {survey.separator} »",
                "synthétiques (démonstration)" if survey.is_synthetic else "enquête réelle",
            ],
        }
    )
    lines = [f"L'enquête compte {fmt.number(len(frame))} réponses analysées sur {fmt.number(survey.n_read)} lues."]
    if survey.is_synthetic:
        lines.append("Ce sont des données de démonstration : elles reproduisent les marges publiées d'Icarius, pas des répondants réels.")
    lines += [f"Lecture : {note}." for note in survey.notes]
    return Finding("L'enquête", [fmt.typography(x) for x in lines], summary, None, SurveyData(**{**survey.__dict__, "frame": frame}))


def weight_survey(stage: Stage, survey: SurveyData) -> Finding:
    """Rake to the INASTI population margins; record the design effect and effective sample size."""
    ev = stage.params.evidence
    margins = ev.margins.as_rake_margins()
    weights = rake(survey.frame, margins, trim=ev.trim.as_tuple() if ev.trim else None)
    deff, n_eff = design_effect(weights), effective_n(weights)
    stage.rec.scalar("weights.design_effect", deff, unit="ratio", origin="survey", label="effet de plan (Kish)")
    stage.rec.scalar("weights.effective_n", n_eff, unit="persons", origin="survey", label="taille effective")
    achieved = weighted_margins(survey.frame, weights, list(margins))
    rows = []
    for column, targets in margins.items():
        counts = survey.frame[column].value_counts()
        # a sample share is a count over the published total: small categories are hidden like small cells
        hidden = hidden_cells(pd.Series([counts.get(code, 0) for code in targets]), min_cell=ev.min_cell).notna().tolist()
        for (code, target), is_hidden in zip(targets.items(), hidden):
            share = np.nan if is_hidden else counts.get(code, 0) / counts.sum()
            rows.append((column, code, share, achieved[column].get(code, 0.0), target))
    table = pd.DataFrame(rows, columns=["variable", "modalité", "échantillon", "pondéré", "population"])
    stage.rec.table("weights.margins", table, caption="Marges de l'échantillon, pondérées et de la population")
    shown = table.assign(**{c: table[c].map(lambda x: fmt.percent(x, 1) if x == x else HIDDEN_TEXT)
                            for c in ("échantillon", "pondéré", "population")})
    lines = [
        f"Le redressement aligne l'échantillon sur la population des indépendants (INASTI) ; l'effet de plan vaut {fmt.number(deff, 2)}.",
        f"Les intervalles de confiance tiennent compte de cette perte de précision : taille effective {fmt.number(n_eff)} répondants.",
    ]
    return Finding("Redressement", [fmt.typography(x) for x in lines], shown, None, weights)


def prevalence_step(stage: Stage, survey: SurveyData, weights: pd.Series) -> Finding:
    table = prevalence(survey.frame, weights, cutoffs=_cutoffs(stage))
    for row in table.itertuples():
        stage.rec.scalar(
            f"prevalence.{row.indicator}", row.weighted, unit="share", ci=(row.weighted_low, row.weighted_high),
            origin="survey", label=row.label,
        )
        stage.rec.scalar(f"prevalence_unweighted.{row.indicator}", row.unweighted, unit="share",
                         ci=(row.unweighted_low, row.unweighted_high), origin="survey", label=row.label)
    stage.rec.table("prevalence.table", table, caption="Prévalences pondérées et non pondérées")
    figure = charts.prevalence_chart(table, language=stage.params.meta.language)
    stage.rec.figure("prevalence.chart", figure, caption="Prévalence pondérée des indicateurs de santé au travail",
                     alt="Barres horizontales : part pondérée des répondants pour chaque indicateur, avec intervalle de confiance à 95 %")
    lines = commentary.comment_prevalence(table, synthetic=survey.is_synthetic)
    stage.rec.text("comment.prevalence", " ".join(lines))
    shown = pd.DataFrame({
        "indicateur": table["label"],
        "non pondéré": table["unweighted"].map(lambda x: fmt.percent(x, 1)),
        "pondéré": table["weighted"].map(lambda x: fmt.percent(x, 1)),
        "IC 95 %": [commentary.interval(lo, hi, 1) for lo, hi in zip(table["weighted_low"], table["weighted_high"])],
    })
    return Finding("Prévalences", lines, shown, figure, table)


def subgroups_step(stage: Stage, survey: SurveyData, weights: pd.Series) -> Finding:
    """Burn-out risk by gender, sector, region and weekly hours; cells under min_cell are suppressed."""
    min_cell = stage.params.evidence.min_cell
    parts = [
        subgroup_prevalence(survey.frame, "burnout_risk", by, weights, min_cell=min_cell, cutoffs=_cutoffs(stage))
        for by in SUBGROUPS
    ]
    table = pd.concat(parts, ignore_index=True)
    # only the suppressed version is recorded: small cells never leave the run with a number
    safe = table.copy()
    safe.loc[safe["suppressed"], ["cases", "estimate", "ci_low", "ci_high", "n_eff"]] = np.nan
    safe.loc[safe["suppressed"], "n"] = np.nan
    stage.rec.table("subgroups.burnout_risk", safe, caption="Risque de burn-out par sous-groupe")
    stage.rec.scalar("subgroups.suppressed_cells", int(table["suppression"].eq("small_group").sum()), unit="count", origin="survey",
                     label="cellules de moins de min_cell répondants")
    stage.rec.scalar("subgroups.hidden_cells", int(table["suppressed"].sum()), unit="count", origin="survey",
                     label="cellules masquées, y compris pour leurs cas ou pour en protéger d'autres")
    # the hour bands' bounds, as their labels print them (« 50 à 69 h »), are figures of the run too
    for i, (low, high) in enumerate(zip(HOURS_BANDS[:-1], HOURS_BANDS[1:]), start=1):
        stage.rec.scalar(f"subgroups.hours_band_{i}.from", low, unit="hours", origin="definition")
        if np.isfinite(high):
            stage.rec.scalar(f"subgroups.hours_band_{i}.to", high - 1, unit="hours", origin="definition")
    figure = charts.subgroup_chart(safe, language=stage.params.meta.language)
    stage.rec.figure("subgroups.chart", figure, caption="Risque de burn-out par sous-groupe",
                     alt="Barres horizontales du risque de burn-out pondéré par genre, secteur, région et heures de travail ; "
                         f"les cellules de moins de {min_cell} répondants sont masquées")
    lines = commentary.comment_subgroups(safe)
    stage.rec.text("comment.subgroups", " ".join(lines))
    shown = safe[["by", "group", "display"]].rename(columns={"by": "variable", "group": "groupe", "display": "risque"})
    return Finding("Sous-groupes", lines, shown, figure, safe)


def risk_factors_step(stage: Stage, survey: SurveyData, weights: pd.Series) -> Finding:
    # survey-weighted, like the prevalence: the sample over-represents some groups
    table = odds_ratios(survey.frame, weights, cutoffs=_cutoffs(stage))
    stage.rec.table("risk_factors.odds_ratios", table,
                    caption="Facteurs de risque du burn-out (rapports de cotes, régression logistique pondérée, erreurs robustes)")
    stage.rec.scalar("risk_factors.method", table.attrs["method"], origin="survey")
    for row in table.itertuples():
        stage.rec.scalar(f"risk_factors.{row.factor}", row.odds_ratio, unit="ratio", ci=(row.ci_low, row.ci_high), origin="survey")
    lines = commentary.comment_odds_ratios(table)
    stage.rec.text("comment.risk_factors", " ".join(lines))
    shown = pd.DataFrame({
        "facteur": table["factor"],
        "rapport de cotes": table["odds_ratio"].map(lambda x: fmt.number(x, 1)),
        "IC 95 %": [f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}" for lo, hi in zip(table["ci_low"], table["ci_high"])],
        "lecture": table["reading"],
    })
    return Finding("Facteurs de risque", lines, shown, None, table)


def funnels_step(stage: Stage) -> Finding:
    activity = read_pilot_activity(stage.data_path(stage.params.evidence.pilots.activity))
    funnel = funnels(activity)
    stage.rec.table("pilots.funnels", funnel, caption="Des personnes touchées aux parcours complets, par projet pilote")
    # the memo's pilots table quotes only published figures, each with its source
    published = activity.loc[activity["status"] == "published"].reindex(
        columns=["pilot", "component", "metric", "value", "source", "vintage", "note"])
    stage.rec.table("pilots.published", published.reset_index(drop=True), caption="Chiffres publiés des projets pilotes")
    stage.rec.scalar("pilots.count", int(funnel["pilot"].nunique()), unit="count", origin="pilot data", label="projets pilotes")
    icarius = funnel.set_index(["pilot", "component"])
    for _, component, key in MEMO_FIGURES:  # read-time checks make sure the file gives them
        value = icarius.loc[("icarius", component), key] if ("icarius", component) in icarius.index else np.nan
        status = icarius.loc[("icarius", component), "status"] if ("icarius", component) in icarius.index else None
        stage.rec.scalar(f"pilots.icarius.{component}_{key}", value, unit="EUR" if key == "cost" else "count",
                         origin=f"pilot data ({status})")
    figure = charts.funnel_chart(funnel, component="accompaniment", language=stage.params.meta.language)
    stage.rec.figure("pilots.funnel_chart", figure, caption="Accompagnements : des personnes orientées aux parcours complets",
                     alt="Entonnoir par projet pilote : personnes orientées, accompagnées et parcours terminés")
    lines = commentary.comment_funnels(funnel)
    stage.rec.text("comment.funnels", " ".join(lines))
    return Finding("Projets pilotes", lines, funnel, figure, funnel)


def pooling_step(stage: Stage) -> Finding:
    """Pre/post change of accompanied participants per pilot, then the three pilots pooled (random effects)."""
    ev = stage.params.evidence
    paired = prepost(read_prepost(stage.data_path(ev.pilots.prepost)))
    stage.rec.table("pilots.prepost", paired.drop(columns=["caveat"]), caption="Évolution avant/après des personnes accompagnées")
    pooled = pool_effects(paired["d_z"], paired["var_dz"], method=ev.pooling_method)
    rec = stage.rec
    rec.scalar("pooled.effect", pooled.estimate, unit="effect", ci=(pooled.ci_low, pooled.ci_high),
               origin=f"pooled pilots ({ev.pooling_method})", label="effet combiné des accompagnements (d_z)")
    rec.scalar("pooled.tau2", pooled.tau2, unit="", origin="pooled pilots")
    rec.scalar("pooled.i2", pooled.i2, unit="share", origin="pooled pilots")
    rec.scalar("pooled.prediction_interval", None if np.isnan(pooled.pi_low) else pooled.pi_low, unit="effect",
               ci=None if np.isnan(pooled.pi_low) else (pooled.pi_low, pooled.pi_high), origin="pooled pilots")
    rec.scalar("pooled.participants", int(paired["n"].sum()), unit="persons", origin="pilot data")
    # the memo's words follow how many pilots were actually pooled, not how many were funded
    rec.scalar("pooled.pilots", len(paired), unit="count", origin="pilot data", label="projets pilotes combinés")
    rec.text("pooled.pilot_codes", ",".join(map(str, paired["group"])))
    from policy_kit.evidence.labels import PILOT_LABELS

    figure = charts.forest_plot(list(paired["group"]), paired["d_z"], paired["d_z_low"], paired["d_z_high"], pooled,
                                language=stage.params.meta.language)
    rec.figure("pooled.forest", figure, caption="Effet des accompagnements par projet pilote et effet combiné",
               alt="Graphique en forêt : effet avant/après de chaque projet pilote avec son intervalle, et losange de l'effet combiné")
    lines = commentary.comment_pooled(pooled)
    if paired["small_sample"].any():
        lines.append(paired["caveat"].iloc[0])
    rec.text("comment.pooled", " ".join(lines))
    shown = pd.DataFrame({
        "projet": [PILOT_LABELS.get(g, g) for g in paired["group"]] + ["Effet combiné"],
        "n": [fmt.number(n) for n in paired["n"]] + [fmt.number(paired["n"].sum())],
        "effet (d_z)": [fmt.number(d, 2) for d in paired["d_z"]] + [fmt.number(pooled.estimate, 2)],
        "IC 95 %": [f"{fmt.number(lo, 2)} – {fmt.number(hi, 2)}" for lo, hi in zip(paired["d_z_low"], paired["d_z_high"])]
        + [f"{fmt.number(pooled.ci_low, 2)} – {fmt.number(pooled.ci_high, 2)}"],
    })
    title = "Les trois projets pilotes combinés" if len(paired) == 3 else "Projets pilotes combinés : " + ", ".join(PILOT_LABELS.get(g, g) for g in paired["group"])
    return Finding(title, lines, shown, figure, pooled)


def record_for_economics(stage: Stage) -> Finding:
    """The estimates the economics may use, each with its interval and origin."""
    risk = stage.rec.entry("prevalence.burnout_risk")
    stage.rec.scalar("for_economics.risk_prevalence", risk["value"], unit="share", ci=tuple(risk["ci"]),
                     origin="survey (weighted)", label="prévalence du risque de burn-out")
    pooled = stage.rec.entry("pooled.effect")
    stage.rec.scalar("for_economics.accompaniment_effect", pooled["value"], unit="effect", ci=tuple(pooled["ci"]),
                     origin=pooled["origin"], label="effet des accompagnements, pilotes combinés")
    table = pd.DataFrame([
        ("Prévalence du risque de burn-out", fmt.percent(risk["value"], 1), commentary.interval(*risk["ci"], 1), "enquête (pondérée)"),
        ("Effet des accompagnements (d_z)", fmt.number(pooled["value"], 2),
         f"{fmt.number(pooled['ci'][0], 2)} – {fmt.number(pooled['ci'][1], 2)}", pooled["origin"]),
    ], columns=["estimation", "valeur", "IC 95 %", "origine"])
    return Finding("Transmis à l'analyse économique", [], table)
