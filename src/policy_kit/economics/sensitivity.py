"""Deterministic sensitivity: one-way (tornado), switching values and a two-way grid.

Each analysis evaluates all its variations in one vectorised call of `simulate`, one "draw"
per variation, so a tornado over ~40 parameters costs about as much as a single run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from policy_kit import formatting as fmt
from policy_kit.economics.model import EconomicModel, Parameter, present_values, simulate

METRICS = ("npv", "bcr")


def _metric(model: EconomicModel, values: dict, option: str, metric: str, perspective: str | None,
            reference: str | None = None) -> np.ndarray:
    """The option's metric, against the model without programme or, with `reference`, against that option."""
    names = [option] if reference is None else [option, reference]
    pvs = present_values(simulate(model, values, options=names), perspective)
    pv = pvs[option]
    if reference is not None:
        pv = {k: pv[k] - pvs[reference][k] for k in ("npv", "cost", "benefit")}
    if metric == "npv":
        return pv["npv"]
    if metric == "bcr":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(pv["cost"] > 0, pv["benefit"] / pv["cost"], np.nan)
    raise ValueError(f"metric must be one of {METRICS}; got {metric!r}")


def one_way(model: EconomicModel, option: str | None = None, *, metric: str = "npv", perspective: str | None = None,
            reference: str | None = None) -> pd.DataFrame:
    """Tornado data: the metric at each uncertain parameter's low and high, others at base.

    With `reference`, the metric is the option's increment over that option (e.g. the recommended
    plan option against the situation after the pilots).

    Columns: parameter, label_fr, kind, value, low, high, at_low, at_high, swing (|at_high − at_low|),
    sorted by swing, largest first. The base-case metric is in `.attrs["base"]`.
    """
    option = option or model.default_option()
    params = model.uncertain_parameters()
    k = len(params)
    values = {p.name: np.full(2 * k + 1, p.value) for p in params}
    for i, p in enumerate(params):
        values[p.name][1 + 2 * i] = p.sourced.low
        values[p.name][2 + 2 * i] = p.sourced.high
    out = _metric(model, values, option, metric, perspective, reference)
    df = pd.DataFrame(
        {
            "parameter": [p.name for p in params],
            "label_fr": [p.label_fr for p in params],
            "kind": [p.sourced.kind for p in params],
            "value": [p.value for p in params],
            "low": [p.sourced.low for p in params],
            "high": [p.sourced.high for p in params],
            "at_low": out[1::2],
            "at_high": out[2::2],
        }
    )
    df["swing"] = (df["at_high"] - df["at_low"]).abs()
    df = df.sort_values("swing", ascending=False, kind="mergesort").reset_index(drop=True)
    df.attrs.update(base=float(out[0]), option=option, metric=metric, perspective=perspective or model.perspective,
                    reference=reference)
    return df


def format_value(p: Parameter, x: float) -> str:
    """A parameter value in fr-BE, by kind: 4,2 %, 1 500 €, 0,33, 3,5 ans."""
    kind = p.sourced.kind
    if kind in ("probability", "share", "rate"):
        return fmt.percent(x, decimals=1)
    if kind == "cost":
        return fmt.money(x, decimals=0 if abs(x) >= 100 else 2)
    if kind == "duration":
        return f"{fmt.number(x, 1)}{fmt.NBSP}{p.sourced.unit or 'ans'}"
    if kind == "count":
        return fmt.number(x, 0)
    return fmt.number(x, 2)


def _domain(p: Parameter) -> tuple[float, float]:
    """Widest plausible search range when the switching value is outside [low, high]."""
    s = p.sourced
    if s.kind in ("probability", "share"):
        return 0.0, 1.0
    lo, hi = min(s.low, s.value), max(s.high, s.value)
    if s.kind in ("cost", "duration", "count", "ratio"):
        return 0.0, max(hi, 1e-9) * 10.0
    span = hi - lo
    return lo - 10 * span, hi + 10 * span


@dataclass(frozen=True)
class SwitchingValue:
    parameter: str
    label_fr: str
    value: float  # NaN when no switching value exists on the searched domain
    within_range: bool  # inside the parameter's [low, high]
    increasing: bool  # the metric rises with the parameter
    base_positive: bool  # the option is worthwhile at base values
    sentence_fr: str


def _sentence(p: Parameter, x: float, within: bool, increasing: bool, base_ok: bool, subject: str) -> str:
    label = p.label_fr
    if math.isnan(x):
        verdict = "reste rentable" if base_ok else "n'est pas rentable"
        return f"{subject} {verdict} quelle que soit la valeur de {label} dans sa plage plausible."
    v = format_value(p, x)
    if base_ok:
        cond = f"tant que {label} dépasse {v}" if increasing else f"tant que {label} ne dépasse pas {v}"
        text = f"{subject} reste rentable {cond}"
    else:
        cond = f"si {label} dépasse {v}" if increasing else f"si {label} descend sous {v}"
        text = f"{subject} deviendrait rentable {cond}"
    if not within:
        text += " (valeur hors de la plage plausible retenue)"
    return fmt.typography(text + ".")


def switching_values(
    model: EconomicModel,
    option: str | None = None,
    *,
    parameters: list[str] | None = None,
    top: int = 5,
    metric: str = "npv",
    perspective: str | None = None,
    subject: str = "Le plan",
    reference: str | None = None,
) -> pd.DataFrame:
    """Value of each parameter at which NPV = 0 (metric "npv") or BCR = 1 (metric "bcr").

    Found with scipy's brentq, first within [low, high], then on a wider plausible domain (flagged
    `within_range=False`); NaN when the sign never changes. Defaults to the `top` parameters of the
    one-way analysis. The sentence is in French with fr-BE numbers.
    """
    option = option or model.default_option()
    threshold = 0.0 if metric == "npv" else 1.0
    if parameters is None:
        parameters = list(one_way(model, option, metric=metric, perspective=perspective, reference=reference)["parameter"][:top])
    base_metric = float(_metric(model, {}, option, metric, perspective, reference)[0])
    rows = []
    for name in parameters:
        p = model.parameters[name]

        def f(x: float) -> float:
            return float(_metric(model, {name: x}, option, metric, perspective, reference)[0]) - threshold

        lo, hi = p.sourced.low, p.sourced.high
        x, within = math.nan, False
        f_lo, f_hi = f(lo), f(hi)
        increasing = f_hi >= f_lo
        if f_lo * f_hi <= 0 and f_lo != f_hi:
            x, within = brentq(f, lo, hi, xtol=1e-10 * max(1.0, abs(hi)), maxiter=200), True
        else:
            dlo, dhi = _domain(p)
            grid = np.linspace(dlo, dhi, 41)
            vals = np.array([f(g) for g in grid])
            sign_change = np.flatnonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)
            if sign_change.size:
                # the crossing nearest to the base value
                j = sign_change[np.argmin(np.abs(grid[sign_change] - p.value))]
                x = brentq(f, grid[j], grid[j + 1], xtol=1e-10 * max(1.0, abs(grid[j + 1])), maxiter=200)
        base_ok = base_metric > threshold
        rows.append(
            SwitchingValue(name, p.label_fr, x, within, increasing, base_ok, _sentence(p, x, within, increasing, base_ok, subject)).__dict__
        )
    df = pd.DataFrame(rows)
    df.attrs.update(option=option, metric=metric, base=base_metric, reference=reference)
    return df


def two_way(
    model: EconomicModel,
    option: str | None = None,
    *,
    pair: tuple[str, str] | None = None,
    steps: int = 11,
    metric: str = "npv",
    perspective: str | None = None,
    reference: str | None = None,
) -> pd.DataFrame:
    """Metric over a steps × steps grid of two parameters between their low and high.

    Defaults to the two parameters with the largest swing. Index: values of the first parameter;
    columns: values of the second. Names and labels are in `.attrs`.
    """
    option = option or model.default_option()
    if pair is None:
        pair = tuple(one_way(model, option, metric=metric, perspective=perspective, reference=reference)["parameter"][:2])
    a, b = (model.parameters[n] for n in pair)
    xa = np.linspace(a.sourced.low, a.sourced.high, steps)
    xb = np.linspace(b.sourced.low, b.sourced.high, steps)
    ga, gb = np.meshgrid(xa, xb, indexing="ij")
    out = _metric(model, {a.name: ga.ravel(), b.name: gb.ravel()}, option, metric, perspective, reference).reshape(steps, steps)
    df = pd.DataFrame(out, index=pd.Index(xa, name=a.name), columns=pd.Index(xb, name=b.name))
    df.attrs.update(option=option, metric=metric, labels_fr=(a.label_fr, b.label_fr), parameters=pair, reference=reference)
    return df
