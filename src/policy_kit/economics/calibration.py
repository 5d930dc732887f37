"""Calibration and validation of the model without programme against published figures.

`calibration_table` reads each target's measure in the model without programme (base values) and
says whether it lies within the stated tolerance; `calibrate` fits chosen parameters to the targets
by least squares (scipy), each residual scaled by its tolerance, within the parameters' ranges; the
defaults in params are the fitted values, and a test checks that fitting again gives them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from policy_kit.economics.markov import STATE_INDEX, STATES
from policy_kit.economics.model import NO_PROGRAMME, EconomicModel, simulate

MEASURE_LABELS_FR = {
    "incapacity_entries_per_year": "nouvelles incapacités primaires pour raison psychique dans l'année",
    "invalidity_stock_growth": "croissance annuelle moyenne du stock en invalidité psychique depuis le départ",
    "at_risk_share": "part des indépendants actifs à risque de burn-out",
    "insured_growth": "croissance de la population assurée dans l'année",
}
ALIVE = [STATE_INDEX[s] for s in STATES if s != "left"]


def _measure(trace: np.ndarray, measure: str, t: int) -> np.ndarray:
    """A measure in model year index t (1 = first year) from traces (draws, cycles + 1, S)."""
    inv, inc, at_risk = STATE_INDEX["invalidity"], STATE_INDEX["incapacity"], STATE_INDEX["at_risk"]
    alive = trace[:, :, ALIVE].sum(axis=-1)
    if measure == "incapacity_entries_per_year":
        return trace[:, t, inc]
    if measure == "invalidity_stock_growth":
        return (trace[:, t, inv] / trace[:, 0, inv]) ** (1.0 / t) - 1.0
    if measure == "at_risk_share":
        active = trace[:, t, [STATE_INDEX[s] for s in ("well", "at_risk", "back_at_work")]].sum(axis=-1)
        return trace[:, t, at_risk] / active
    if measure == "insured_growth":
        return alive[:, t] / alive[:, t - 1] - 1.0
    raise ValueError(f"unknown calibration measure {measure!r}")


def modelled(model: EconomicModel, values: Mapping[str, object] | None = None) -> np.ndarray:
    """(draws, targets): each target's measure in the model without programme."""
    trace = simulate(model, values, options=[]).traces[NO_PROGRAMME]
    cols = []
    for target in model.calibration:
        t = target.year - model.start_year + 1
        if not 1 <= t <= model.horizon_years:
            raise ValueError(f"calibration target {target.measure} is read in {target.year}, outside the horizon "
                             f"{model.start_year}-{model.start_year + model.horizon_years - 1}")
        cols.append(_measure(trace, target.measure, t))
    return np.column_stack(cols) if cols else np.zeros((trace.shape[0], 0))


def calibration_table(model: EconomicModel) -> pd.DataFrame:
    """target, label_fr, source, year, published, modelled, tolerance, within: one row per target."""
    got = modelled(model)[0]
    rows = []
    for target, m in zip(model.calibration, got):
        published = target.published.value
        rows.append({
            "target": target.measure,
            "label_fr": MEASURE_LABELS_FR[target.measure],
            "source": target.published.source or "hypothèse",
            "year": target.year,
            "published": published,
            "modelled": float(m),
            "tolerance": target.tolerance,
            "within": bool(abs(m - published) <= target.tolerance),
        })
    return pd.DataFrame(rows, columns=["target", "label_fr", "source", "year", "published", "modelled", "tolerance", "within"])


def calibrate(model: EconomicModel, parameters: Sequence[str]) -> dict[str, float]:
    """Values of `parameters` that bring the targets nearest their published values (scaled by tolerance)."""
    params = [model.parameters[n] for n in parameters]
    published = np.array([t.published.value for t in model.calibration])
    tolerance = np.array([t.tolerance for t in model.calibration])

    def residuals(x: np.ndarray) -> np.ndarray:
        return (modelled(model, dict(zip(parameters, x)))[0] - published) / tolerance

    lo = [p.sourced.low if p.sourced.low is not None else -np.inf for p in params]
    hi = [p.sourced.high if p.sourced.high is not None else np.inf for p in params]
    fit = least_squares(residuals, [p.value for p in params], bounds=(lo, hi), xtol=1e-12, ftol=1e-12)
    return {n: float(x) for n, x in zip(parameters, fit.x)}


def states_table(model: EconomicModel, option: str = NO_PROGRAMME) -> pd.DataFrame:
    """Long table year, state, persons of an option's trajectory (end of each year; the first row is today's state)."""
    options = [] if option == NO_PROGRAMME else [option]
    trace = simulate(model, options=options).traces[option][0]
    years = np.arange(model.start_year - 1, model.start_year + model.horizon_years)
    return pd.DataFrame(
        [(int(y), s, float(trace[i, j])) for i, y in enumerate(years) for j, s in enumerate(STATES)],
        columns=["year", "state", "persons"],
    )
