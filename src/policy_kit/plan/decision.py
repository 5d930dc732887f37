"""Choosing among plan options: budget impact, the decision rule, and how sure the choice is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

RULES = {
    "max_npv_under_cap": "la valeur actuelle nette la plus élevée parmi les options dont le coût annuel reste sous le plafond",
    "max_npv": "la valeur actuelle nette la plus élevée",
    "max_cases_under_cap": "le plus de cas d'incapacité évités parmi les options dont le coût annuel reste sous le plafond",
}


def budget_impact(yearly: pd.DataFrame) -> pd.DataFrame:
    """Undiscounted yearly budget impact per option and payer (the budget-impact convention).

    `yearly` has one row per option × year with `gross_cost` and `allowances_avoided` (EUR, undiscounted);
    net = gross cost − allowances avoided, what the social security budget actually carries.
    """
    needed = {"option", "year", "payer", "gross_cost", "allowances_avoided"}
    missing = needed - set(yearly.columns)
    if missing:
        raise ValueError(f"yearly streams lack column(s) {sorted(missing)}")
    out = yearly.groupby(["option", "payer", "year"], as_index=False, sort=True)[["gross_cost", "allowances_avoided"]].sum()
    out["net_cost"] = out["gross_cost"] - out["allowances_avoided"]
    return out


@dataclass(frozen=True)
class Ranking:
    table: pd.DataFrame  # one row per option: rank, eligible, the criterion
    recommended: str
    rule: str
    criterion: str


def _criterion(rule: str) -> str:
    return "cases_averted" if rule == "max_cases_under_cap" else "npv"


def rank_options(summary: pd.DataFrame, rule: str, budget_cap: float | None) -> Ranking:
    """Apply the decision rule in params to one row per option (columns: npv, cases_averted, peak_annual_cost).

    Options whose peak yearly gross cost exceeds the cap are ineligible under a capped rule; if none is
    eligible the cheapest option is recommended, so the memo always names one and says why.
    """
    if rule not in RULES:
        raise ValueError(f"unknown decision rule {rule!r}; expected one of {sorted(RULES)}")
    criterion = _criterion(rule)
    table = summary.copy()
    capped = rule.endswith("_under_cap") and budget_cap is not None
    table["eligible"] = table["peak_annual_cost"] <= budget_cap if capped else True
    ordered = table.sort_values(["eligible", criterion, "peak_annual_cost"], ascending=[False, False, True], kind="mergesort")
    table["rank"] = pd.Series(np.arange(1, len(table) + 1), index=ordered.index)
    if table["eligible"].any():
        recommended = str(ordered.index[0])
    else:
        recommended = str(table["peak_annual_cost"].idxmin())
    return Ranking(table.sort_values("rank"), recommended, rule, criterion)


def probability_best(draws: pd.DataFrame, rule: str, budget_cap: float | None, peak_cost: pd.Series) -> pd.Series:
    """Share of probabilistic draws in which each option is the one the rule picks.

    `draws`: columns draw, option and the rule's criterion (npv or cases_averted). Eligibility under a cap
    uses the option's planned peak cost, which is a budget decision rather than an uncertain quantity.
    """
    criterion = _criterion(rule)
    wide = draws.pivot(index="draw", columns="option", values=criterion)
    if rule.endswith("_under_cap") and budget_cap is not None:
        eligible = [o for o in wide.columns if peak_cost[o] <= budget_cap]
        if eligible:
            wide = wide[eligible]
    winners = wide.idxmax(axis=1)
    share = winners.value_counts(normalize=True)
    return share.reindex(sorted(set(draws["option"])), fill_value=0.0).rename("p_best")
