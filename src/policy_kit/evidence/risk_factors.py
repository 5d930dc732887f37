"""Which answers go with a high burn-out risk: logistic regression, odds ratios in plain French.

Each factor is a yes/no flag, so an odds ratio compares the odds (« la cote ») of being at risk
of burn-out for respondents with the factor against those without, the other factors held equal.
An odds ratio is not a risk ratio: when the risk is common it overstates the risk ratio, so
the French reading says « cote » and never « probabilité ».
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from policy_kit import formatting

from .prevalence import _cutoffs


@dataclass(frozen=True)
class Factor:
    name: str
    who_fr: str  # « Les indépendants qui … »
    others_fr: str  # « … que ceux qui … »
    rule: object


FACTORS: tuple[Factor, ...] = (
    Factor("long_hours", "qui travaillent 50 heures ou plus par semaine", "qui travaillent moins",
           lambda f: f["hours_per_week"] >= 50),
    Factor("sleep_poor", "qui dorment mal", "qui dorment bien ou moyennement",
           lambda f: f["sleep_quality"] <= 2),
    Factor("isolation_high", "qui se sentent isolés", "qui ne se sentent pas isolés",
           lambda f: f["isolation"] >= 4),
    Factor("conflict_high", "qui peinent à concilier travail et famille", "qui y parviennent",
           lambda f: f["work_family_conflict"] >= 4),
    Factor("resources_low", "qui disposent de peu de ressources (autonomie, soutien)", "qui en disposent davantage",
           lambda f: f["resources"] <= 2),
)


def design_matrix(frame: pd.DataFrame, cutoffs=None) -> tuple[pd.Series, pd.DataFrame]:
    """Outcome (BAT at or above the « à risque » cut-off) and the 0/1 factors, complete cases only."""
    c = _cutoffs(cutoffs)
    needed = ["bat_score", "hours_per_week", "sleep_quality", "isolation", "work_family_conflict", "resources"]
    data = frame.dropna(subset=needed)
    y = (data["bat_score"] >= c.at_risk).astype(float).rename("burnout_risk")
    X = pd.DataFrame({f.name: f.rule(data).astype(float) for f in FACTORS}, index=data.index)
    return y, X


def reading_fr(factor: Factor, odds_ratio: float, low: float, high: float) -> str:
    """One sentence: « Les indépendants qui dorment mal ont une cote de risque … environ 2,1 fois … »."""
    ratio = formatting.number(formatting.round_sig(odds_ratio, 2), 1)
    interval = f"entre {formatting.number(low, 1)} et {formatting.number(high, 1)}"
    if low > 1:
        verdict = ""
    elif high < 1:
        verdict = ""
    else:
        verdict = " ; l'écart n'est pas statistiquement établi"
    if odds_ratio >= 1:
        text = (f"Les indépendants {factor.who_fr} ont une cote de risque de burn-out environ {ratio} fois "
                f"plus élevée que ceux {factor.others_fr} ({interval}), à autres facteurs égaux{verdict}.")
    else:
        lower = formatting.percent(1 - odds_ratio, 0)
        text = (f"Les indépendants {factor.who_fr} ont une cote de risque de burn-out environ {lower} plus basse "
                f"que ceux {factor.others_fr} (rapport de cotes {ratio}, {interval}), à autres facteurs égaux{verdict}.")
    return formatting.typography(text)


def odds_ratios(frame: pd.DataFrame, weights=None, *, cutoffs=None, alpha: float = 0.05) -> pd.DataFrame:
    """Logistic regression of burn-out risk on the five factors.

    Unweighted by default (maximum likelihood, model-based SEs). With survey weights (the
    evidence stage passes the raking weights), a weighted binomial GLM with robust (HC1) standard
    errors, the usual pseudo-likelihood approach.
    Columns: factor, prevalence (share with the factor), odds_ratio, ci_low, ci_high, p_value,
    reading (one French sentence). attrs: n, events, method.
    """
    y, X = design_matrix(frame, cutoffs)
    if y.nunique() < 2:
        raise ValueError("burn-out risk is constant in the data: nobody (or everybody) is above the cut-off")
    Xc = sm.add_constant(X, has_constant="add")
    if weights is None:
        fit = sm.Logit(y, Xc).fit(disp=False)
        method = "logistic regression (maximum likelihood)"
    else:
        w = pd.Series(weights, index=frame.index, dtype=float).loc[y.index]
        w = w / w.mean()
        fit = sm.GLM(y, Xc, family=sm.families.Binomial(), var_weights=w).fit(cov_type="HC1")
        method = "weighted logistic regression (robust HC1 standard errors)"
    ci = fit.conf_int(alpha)
    rows = []
    for factor in FACTORS:
        b = fit.params[factor.name]
        low, high = np.exp(ci.loc[factor.name])
        rows.append(dict(factor=factor.name, prevalence=float(X[factor.name].mean()), odds_ratio=float(np.exp(b)),
                         ci_low=float(low), ci_high=float(high), p_value=float(fit.pvalues[factor.name]),
                         reading=reading_fr(factor, float(np.exp(b)), float(low), float(high))))
    table = pd.DataFrame(rows)
    table.attrs.update(n=int(len(y)), events=int(y.sum()), method=method)
    return table
