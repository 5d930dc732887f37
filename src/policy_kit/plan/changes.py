"""What would change the decision: switching values of the recommendation.

For the uncertain parameters that move the decision margin most (criterion of the recommended
option minus that of the best eligible alternative, base case), the value at which another option
becomes the recommendation; and, under a capped rule, the budget caps at which it would change.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from policy_kit import formatting as fmt
from policy_kit.economics.model import EconomicModel
from policy_kit.economics.sensitivity import _domain, format_value
from policy_kit.params.plan import PlanParams
from policy_kit.plan.options import PlanResults, decide

def _q(text: str) -> str:
    return f"« {text} »"


def _influence(model: EconomicModel, plan: PlanParams, reference: str) -> pd.DataFrame:
    """Margin at each uncertain parameter's low and high (one vectorised run), largest swing first."""
    params = plan_uncertain(model)
    k = len(params)
    values = {p.name: np.full(2 * k, p.value) for p in params}
    for i, p in enumerate(params):
        values[p.name][2 * i] = p.sourced.low
        values[p.name][2 * i + 1] = p.sourced.high
    margin = decide(model, plan, values, reference=reference)["margin"].to_numpy()
    df = pd.DataFrame({"parameter": [p.name for p in params], "at_low": margin[0::2], "at_high": margin[1::2]})
    df["swing"] = (df["at_high"] - df["at_low"]).abs()
    return df.sort_values("swing", ascending=False, kind="mergesort").reset_index(drop=True)


def plan_uncertain(model: EconomicModel):
    return [p for p in model.uncertain_parameters() if p.name not in model.psa_hold_fixed]


def _crossings(model, plan, reference, p) -> list[float]:
    """Every value where the margin changes sign, on [low, high] and on a wider plausible domain."""
    lo, hi = p.sourced.low, p.sourced.high
    grid = np.unique(np.r_[np.linspace(lo, hi, 41), np.linspace(*_domain(p), 121), p.value])
    margin = decide(model, plan, {p.name: grid}, reference=reference)["margin"].to_numpy()

    def f(x: float) -> float:
        return float(decide(model, plan, {p.name: x}, reference=reference)["margin"].iloc[0])

    out = []
    for j in np.flatnonzero(margin[:-1] * margin[1:] < 0):
        out.append(brentq(f, grid[j], grid[j + 1], xtol=1e-12 * max(1.0, abs(grid[j + 1])), maxiter=200))
    return out


COLUMNS = [
    "parameter", "label_fr", "base", "low", "high", "value", "within_range", "lower_switch", "upper_switch",
    "direction", "new_recommended", "sentence_fr",
]  # fmt: skip


def what_would_change(model: EconomicModel, plan: PlanParams, results: PlanResults, top: int = 5) -> pd.DataFrame:
    """One row per influential parameter (and the budget cap): the value that changes the recommendation.

    Columns: parameter, label_fr, base, low, high; lower_switch / upper_switch, the nearest values
    below / above the base value at which another option is recommended (NaN if none on the searched
    domain, which extends beyond [low, high]); value, the nearer of the two, and within_range, whether
    it lies in [low, high]; direction ('above': the recommendation holds while the parameter stays
    above `value`, 'below': while it stays below); new_recommended, the option chosen past `value`;
    sentence_fr.
    """
    reference = results.recommended
    label = results.label(reference)
    rows = []
    for name in _influence(model, plan, reference)["parameter"][:top]:
        p = model.parameters[name]
        xs = np.asarray(_crossings(model, plan, reference, p))
        below, above = xs[xs < p.value], xs[xs > p.value]
        lower = float(below.max()) if below.size else math.nan
        upper = float(above.min()) if above.size else math.nan
        row = {"parameter": name, "label_fr": p.label_fr, "base": p.value, "low": p.sourced.low, "high": p.sourced.high}
        row.update(lower_switch=lower, upper_switch=upper)
        inside = lambda x: p.sourced.low <= x <= p.sourced.high  # noqa: E731
        if math.isnan(lower) and math.isnan(upper):
            row.update(value=math.nan, within_range=False, direction="", new_recommended="")
            text = f"{_q(label)} resterait la meilleure option quelle que soit {p.label_fr} dans sa plage plausible."
        else:
            use_lower = math.isnan(upper) or (not math.isnan(lower) and p.value - lower <= upper - p.value)
            x = lower if use_lower else upper
            beyond = x * (1 - 1e-6) - 1e-12 if use_lower else x * (1 + 1e-6) + 1e-12
            new = str(decide(model, plan, {name: beyond}, reference=reference)["recommended"].iloc[0])
            row.update(value=x, within_range=inside(x), direction="above" if use_lower else "below", new_recommended=new)
            flag = lambda v: "" if inside(v) else " (hors de la plage plausible retenue)"  # noqa: E731
            if not math.isnan(lower) and not math.isnan(upper):
                cond = f"reste entre {format_value(p, lower)}{flag(lower)} et {format_value(p, upper)}{flag(upper)}"
            elif use_lower:
                cond = f"dépasse {format_value(p, lower)}{flag(lower)}"
            else:
                cond = f"reste sous {format_value(p, upper)}{flag(upper)}"
            side = "en deçà" if use_lower else "au-delà"
            text = (
                f"{_q(label)} resterait la meilleure option tant que {p.label_fr} {cond} ; "
                f"{side} de {format_value(p, x)}, {_q(results.label(new))} le deviendrait."
            )
        row["sentence_fr"] = fmt.typography(text)
        rows.append(row)
    rows += _cap_rows(results)
    return pd.DataFrame(rows, columns=COLUMNS)


def _cap_rows(results: PlanResults) -> list[dict]:
    """Caps at which the recommendation changes: just below its peak cost, and where a better option fits."""
    plan = results.plan
    if not plan.decision_rule.endswith("_under_cap"):
        return []
    from policy_kit.plan.options import _rank

    summary = results.summary
    cap = plan.budget_cap
    reference = results.recommended
    label = results.label(reference)
    base = dict(parameter="budget_cap", label_fr="le plafond budgétaire annuel", base=cap.value, low=cap.low, high=cap.high)
    in_range = lambda x: cap.low is not None and cap.high is not None and cap.low <= x <= cap.high  # noqa: E731
    rows = []
    peaks = summary["peak_annual_cost"]
    # lowering the cap: the recommendation becomes ineligible below its own peak cost
    down = float(peaks[reference])
    if (peaks < down).any():
        new = _rank(plan, summary, cap=np.nextafter(down, 0)).recommended
        text = (
            f"{_q(label)} resterait la meilleure option tant que le plafond budgétaire annuel atteint au moins "
            f"{fmt.money(down)} ; en dessous, {_q(results.label(new))} le deviendrait."
        )
        rows.append({**base, "value": down, "within_range": in_range(down), "lower_switch": down, "upper_switch": math.nan, "direction": "above", "new_recommended": new, "sentence_fr": fmt.typography(text)})
    # raising the cap: the cheapest option that would then win
    dearer = sorted(float(v) for v in peaks[peaks > cap.value].unique())
    for up in dearer:
        new = _rank(plan, summary, cap=up).recommended
        if new != reference:
            text = (
                f"Avec un plafond budgétaire annuel d'au moins {fmt.money(up)}, {_q(results.label(new))} "
                f"deviendrait la meilleure option à la place de {_q(label)}."
            )
            rows.append({**base, "value": up, "within_range": in_range(up), "lower_switch": math.nan, "upper_switch": up, "direction": "below", "new_recommended": new, "sentence_fr": fmt.typography(text)})
            break
    return rows
