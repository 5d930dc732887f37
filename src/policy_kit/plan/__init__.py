"""Plan stage: options of a structural federal plan, their budget impact and the recommendation.

Typical use (notebook 03)::

    from policy_kit import plan
    model = eco.build_model(params.economics, risk_prevalence=evidence_prevalence)
    results = plan.evaluate_plan(model, params.plan)   # .yearly, .summary, .draws, .ranking, .p_best
    changes = plan.what_would_change(model, params.plan, results)
    plan.record(recorder, results, changes)            # every figure the memo quotes
"""

from policy_kit.plan.changes import what_would_change
from policy_kit.plan.decision import RULES, Ranking, budget_impact, probability_best, rank_options
from policy_kit.plan.options import PlanResults, coverage_by_cycle, decide, evaluate_plan, plan_model, versus_baseline
from policy_kit.plan.record import record


__all__ = [
    "RULES",
    "PlanResults",
    "Ranking",
    "budget_impact",
    "coverage_by_cycle",
    "decide",
    "evaluate_plan",
    "plan_model",
    "probability_best",
    "rank_options",
    "record",
    "versus_baseline",
    "what_would_change",
]
