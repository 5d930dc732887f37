"""Recording the plan stage's figures for the memo: every number comes from the results."""

from __future__ import annotations

import re

import pandas as pd

from policy_kit.plan.options import PlanResults

# Society counts output, healthcare and closures (allowances are transfers); the social-security budget counts
# allowances (INAMI) and healthcare avoided against the prevention spending (INASTI and the social insurance funds).
PERSPECTIVE_LABELS = {"society": "société", "social_security": "budget de la sécurité sociale"}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "option"


def record(recorder, results: PlanResults, changes: pd.DataFrame | None = None) -> None:
    """Scalars under plan.recommended.* and plan.option.<name>.*, and the tables of the stage.

    `recorder` is a policy_kit.records.Recorder for the "plan" stage.
    """
    s = results.summary
    plan = results.plan
    rec = results.recommended

    def option_scalars(prefix: str, name: str) -> None:
        row = s.loc[name]
        ci = (row["npv_p2.5"], row["npv_p97.5"]) if "npv_p2.5" in s.columns else None
        recorder.scalar(f"{prefix}.name", name, origin="model")
        recorder.scalar(f"{prefix}.label", row["label"], origin="params")
        recorder.scalar(f"{prefix}.payer", row["payer"], origin="params")
        recorder.scalar(f"{prefix}.npv", row["npv"], unit="EUR", ci=ci, origin="model", label="VAN par rapport à la situation de référence")
        recorder.scalar(f"{prefix}.bcr", row["bcr"], unit="ratio", origin="model", label="euros rendus par euro investi")
        recorder.scalar(f"{prefix}.roi", row["roi"], unit="ratio", origin="model")
        recorder.scalar(f"{prefix}.annual_cost", row["annual_cost_full"], unit="EUR", origin="model", label="coût brut annuel la dernière année du plan")
        recorder.scalar(f"{prefix}.peak_annual_cost", row["peak_annual_cost"], unit="EUR", origin="model")
        recorder.scalar(f"{prefix}.gross_cost_plan_years", row["gross_cost_plan_years"], unit="EUR", origin="model")
        recorder.scalar(f"{prefix}.net_cost_plan_years", row["net_cost_plan_years"], unit="EUR", origin="model")
        recorder.scalar(f"{prefix}.cases_averted_total", row["cases_averted_horizon"], unit="cases", origin="model", label="cas d'incapacité évités sur l'horizon")
        recorder.scalar(f"{prefix}.cases_averted_plan_years", row["cases_averted_plan_years"], unit="cases", origin="model")
        recorder.scalar(f"{prefix}.budget_ratio", row["annual_cost_full_vs_current_budget_ratio"], unit="ratio", origin="model")
        recorder.scalar(f"{prefix}.budget_difference", row["annual_cost_full_minus_current_budget"], unit="EUR", origin="model")
        recorder.scalar(f"{prefix}.p_best", row["p_best"], unit="probability", origin="model")
        recorder.scalar(f"{prefix}.within_cap", bool(results.ranking.table.loc[name, "eligible"]), origin="model",
                        label="coût annuel sous le plafond budgétaire")
        if "p_npv_positive" in s.columns:
            recorder.scalar(f"{prefix}.p_npv_positive", row["p_npv_positive"], unit="probability", origin="model")
        for persp, label in PERSPECTIVE_LABELS.items():
            if f"{persp}.npv" not in s.columns:
                continue
            recorder.scalar(f"{prefix}.{persp}.npv", row[f"{persp}.npv"], unit="EUR", origin="model",
                            label=f"VAN par rapport à la situation de référence ({label})")
            recorder.scalar(f"{prefix}.{persp}.bcr", row[f"{persp}.bcr"], unit="ratio", origin="model",
                            label=f"euros rendus par euro investi ({label})")
            if f"{persp}.p_npv_positive" in s.columns:
                recorder.scalar(f"{prefix}.{persp}.p_npv_positive", row[f"{persp}.p_npv_positive"], unit="probability",
                                origin="model (PSA)", label=f"probabilité d'une VAN positive ({label})")

    option_scalars("plan.recommended", rec)
    for name in plan.options:
        option_scalars(f"plan.option.{_slug(name)}", name)
    for key, sourced in (("plan.budget_cap", plan.budget_cap), ("plan.current_budget", plan.current_budget)):
        ci = (sourced.low, sourced.high) if sourced.is_uncertain else None
        recorder.scalar(key, sourced.value, unit="EUR", ci=ci, origin="params", source=sourced.source, label=sourced.note)
        recorder.scalar(f"{key}_is_assumption", sourced.is_assumption, origin="params")
        recorder.scalar(f"{key}_quality", sourced.quality, origin="params")
    # the reference is costed like any option and reconciled with the structural budget stated in params
    base = s.loc[plan.baseline]
    recorder.scalar("plan.reference.name", plan.baseline, origin="params")
    recorder.scalar("plan.reference.label", base["label"], origin="params")
    recorder.scalar("plan.reference.annual_cost", base["annual_cost_full"], unit="EUR", origin="model",
                    label="coût annuel modélisé de la situation de référence")
    recorder.scalar("plan.reference.budget_gap", base["annual_cost_full_minus_current_budget"], unit="EUR", origin="model",
                    label="coût modélisé de la référence moins le budget structurel déclaré")
    recorder.scalar("plan.reference.budget_gap_share", base["annual_cost_full_minus_current_budget"] / plan.current_budget.value,
                    unit="share", origin="model")
    for persp, label in PERSPECTIVE_LABELS.items():
        against_none = (results.reference_vs_none or {}).get(persp)
        if against_none is None:
            continue
        recorder.scalar(f"plan.reference.vs_none.{persp}.npv", against_none["npv"], unit="EUR", origin="model",
                        label=f"VAN de la situation de référence par rapport à l'absence de programme ({label})")
        recorder.scalar(f"plan.reference.vs_none.{persp}.bcr", against_none["bcr"], unit="ratio", origin="model",
                        label=f"euros rendus par euro de la situation de référence, sans programme comme comparaison ({label})")
    recorder.scalar("plan.decision_rule", plan.decision_rule, origin="params")
    recorder.scalar("plan.baseline", plan.baseline, origin="params")
    recorder.table("plan.yearly", results.yearly, caption="Impact budgétaire annuel non actualisé, par option et payeur")
    recorder.table("plan.summary", s, caption="Comparaison des options")
    recorder.table("plan.ranking", results.ranking.table, caption="Classement selon la règle de décision")
    recorder.table("plan.p_best", results.p_best.to_frame(), caption="Probabilité que chaque option soit la meilleure")
    if changes is not None:
        recorder.table("plan.what_would_change", changes, caption="Ce qui changerait la décision")
        for i, text in enumerate(changes["sentence_fr"]):
            recorder.text(f"plan.what_would_change.sentence_{i + 1}", text)
