"""The memo's figures: each option against one reference, one rounding rule, odds in words.

Table 1 of the memo and its key figures read every option against the same reference (the params'
baseline, « situation after the pilots ») and in the same year (the plan's last year) or period
(the plan years). They are derived here from recorded plan results, recorded again by the memo
step (``memo.option.<name>.*``), and written with one rule (``shown``) wherever they appear.
"""

from __future__ import annotations

import math
from typing import Callable

import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.records import Results

Translate = Callable[[str], str]
PERSPECTIVES = ("social_security", "society")
# name → unit of each derived figure (units as bind.format_value reads them)
UNITS = {
    "annual_cost": "EUR", "reach": "persons", "extra_annual_cost": "EUR", "extra_reach": "persons",
    "cases_averted": "cases", "extra_net_cost": "EUR", "net_cost": "EUR",
    "bcr_social_security": "ratio", "bcr_society": "ratio",
    "p_npv_positive_social_security": "probability", "p_npv_positive_society": "probability", "p_best": "probability",
}


def perspective_value(res: Results, option: str, perspective: str, metric: str, model_perspective: str) -> float | None:
    """``plan.option.<o>.<perspective>.<metric>``; a model run in one perspective records it without the level."""
    key = f"plan.option.{option}.{perspective}.{metric}"
    if key in res:
        return res.value(key)
    plain = f"plan.option.{option}.{metric}"
    if perspective == model_perspective and plain in res:
        return res.value(plain)
    return None


def options_vs_reference(res: Results, model_perspective: str = "society") -> pd.DataFrame:
    """One row per plan option: its own cost and reach in the last plan year, and what it adds to the reference.

    Costs and reach are summed over payers; the net budget impact is gross cost minus allowances avoided over the
    plan years; cases averted are already counted against the reference by the plan stage.
    """
    yearly = res.table("plan.yearly")
    last, base = res.value("plan.last_year"), res.value("plan.baseline")
    totals = yearly.groupby(["option", "year"], sort=False)[["gross_cost", "participants", "net_cost"]].sum()
    at_last = totals.xs(last, level="year")
    over_plan = totals.groupby(level="option", sort=False).sum()
    rows = []
    for name in res.value("plan.option_order").split(","):
        key = f"plan.option.{name}"
        row = {
            "option": name,
            "label": res.value(f"{key}.label"),
            "annual_cost": float(at_last.loc[name, "gross_cost"]),
            "reach": float(at_last.loc[name, "participants"]),
            "extra_annual_cost": float(at_last.loc[name, "gross_cost"] - at_last.loc[base, "gross_cost"]),
            "extra_reach": float(at_last.loc[name, "participants"] - at_last.loc[base, "participants"]),
            "cases_averted": float(res.value(f"{key}.cases_averted_plan_years")),
            "net_cost": float(over_plan.loc[name, "net_cost"]),
            "extra_net_cost": float(over_plan.loc[name, "net_cost"] - over_plan.loc[base, "net_cost"]),
            "p_best": res.value(f"{key}.p_best"),
            # an option over the budget cap cannot be the best under a capped rule: Table 1 says so, not « 0 % »
            "within_cap": bool(res.value(f"{key}.within_cap")) if f"{key}.within_cap" in res else True,
        }
        for perspective in PERSPECTIVES:
            row[f"bcr_{perspective}"] = perspective_value(res, name, perspective, "bcr", model_perspective)
            row[f"p_npv_positive_{perspective}"] = perspective_value(res, name, perspective, "p_npv_positive",
                                                                      model_perspective)
        rows.append(row)
    return pd.DataFrame(rows)


def _absent(x) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def shown(value, unit: str, language: str) -> str:
    """The memo's one rounding rule: euros in millions with one decimal, people and cases to two significant
    figures, a return per euro in euros with one decimal, a probability in whole percent."""
    if _absent(value):
        return fmt.MISSING
    if unit == "EUR":
        return fmt.money(round(value / 1e6, 1) * 1e6, 1, language, scale="million")
    if unit in ("persons", "cases", "count"):
        return fmt.number(fmt.round_sig(value, 2) if abs(value) >= 100 else round(value), 0, language)
    if unit == "ratio":
        return fmt.money(round(float(value), 1), 1, language, scale="unit")
    if unit in ("probability", "share"):
        return fmt.percent(value, 0, language)
    return fmt.number(value, 1, language)


def in_ten(p: float | None, _: Translate) -> str:
    """A probability as people say it: « dans 4 cas sur 10 », « presque jamais », « presque toujours »."""
    if _absent(p):
        return fmt.MISSING
    tenths = round(p * 10)
    if tenths <= 0:
        return _("almost never")
    if tenths >= 10:
        return _("almost always")
    return _("in {n} cases out of 10").format(n=tenths)


def odds_comment(p: float | None, _: Translate) -> str:
    """A few words on what a probability means for the decision, or nothing."""
    if _absent(p):
        return ""
    if 0.45 <= p <= 0.55:
        return _("as likely as not")
    return _("more likely than not") if p > 0.55 else _("less likely than not")
