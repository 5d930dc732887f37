"""Prevalence of burn-out risk and distress, weighted, with intervals that respect the weights.

Confidence intervals are Wilson intervals computed on Kish's effective sample size, so a
sample made less informative by unequal weights gets a wider interval than its raw n suggests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from policy_kit import formatting

from .weighting import design_effect, effective_n


@dataclass(frozen=True)
class BatCutoffs:
    """BAT-12 total-score cut-offs: « à risque » from at_risk, « burn-out sévère » from severe.

    The defaults are an ASSUMPTION: the cut-off table of Schaufeli et al. (2023, SJWEH 49(4),
    doi 10.5271/sjweh.4093) was not read. 2.58 / 3.01 come from one unverified third-party code
    file; the params file carries them with a range (at risk 2.50–2.70, severe 2.90–3.20).
    A score equal to a cut-off counts as above it.
    """

    at_risk: float = 2.58
    severe: float = 3.01

    def __post_init__(self):
        if not 1 <= self.at_risk < self.severe <= 5:
            raise ValueError(f"cut-offs must satisfy 1 ≤ at_risk < severe ≤ 5; found {self.at_risk}, {self.severe}")


DEFAULT_CUTOFFS = BatCutoffs()
RISK_LEVELS = ("faible", "a_risque", "severe")
RISK_LABELS_FR = {"faible": "risque faible", "a_risque": "à risque", "severe": "burn-out sévère probable"}


def _cutoffs(cutoffs) -> BatCutoffs:
    if cutoffs is None:
        return DEFAULT_CUTOFFS
    if isinstance(cutoffs, BatCutoffs):
        return cutoffs
    if isinstance(cutoffs, Mapping):
        at_risk, severe = cutoffs["at_risk"], cutoffs["severe"]
    else:  # a params model with .at_risk / .severe
        at_risk, severe = cutoffs.at_risk, cutoffs.severe
    value = lambda x: float(getattr(x, "value", x))  # noqa: E731 - accepts Sourced or float
    return BatCutoffs(value(at_risk), value(severe))


def classify_risk(score, cutoffs=None) -> pd.Series:
    """BAT score → « faible » / « a_risque » / « severe » (an ordered categorical; NaN stays NaN)."""
    c = _cutoffs(cutoffs)
    score = pd.Series(score, dtype=float)
    levels = np.select([score >= c.severe, score >= c.at_risk, score.notna()], ["severe", "a_risque", "faible"], "")
    return pd.Series(
        pd.Categorical(np.where(levels == "", None, levels), categories=list(RISK_LEVELS), ordered=True),
        index=score.index,
        name="risk_level",
    )


@dataclass(frozen=True)
class Indicator:
    name: str
    label_fr: str
    definition_fr: str
    rule: Callable[[pd.DataFrame, BatCutoffs], pd.Series]


def _flag(condition: pd.Series, source: pd.Series) -> pd.Series:
    return condition.astype(float).where(source.notna())


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("burnout_risk", "Risque de burn-out", "score BAT-12 au-dessus du seuil « à risque »",
                  lambda f, c: _flag(f["bat_score"] >= c.at_risk, f["bat_score"])),
        Indicator("stress_high", "Stress élevé", "stress 4 ou 5 sur 5",
                  lambda f, c: _flag(f["stress"] >= 4, f["stress"])),
        Indicator("sleep_poor", "Mauvais sommeil", "qualité du sommeil 1 ou 2 sur 5",
                  lambda f, c: _flag(f["sleep_quality"] <= 2, f["sleep_quality"])),
        Indicator("isolation_high", "Isolement", "isolement 4 ou 5 sur 5",
                  lambda f, c: _flag(f["isolation"] >= 4, f["isolation"])),
        Indicator("conflict_high", "Conflit travail-famille", "difficulté à concilier 4 ou 5 sur 5",
                  lambda f, c: _flag(f["work_family_conflict"] >= 4, f["work_family_conflict"])),
    )
}


def add_indicators(frame: pd.DataFrame, cutoffs=None) -> pd.DataFrame:
    """A copy of frame with one 0/1 column per indicator (NaN where the answer is missing)."""
    c = _cutoffs(cutoffs)
    out = frame.copy()
    for name, indicator in INDICATORS.items():
        out[name] = indicator.rule(frame, c).astype(float)
    out["risk_level"] = classify_risk(frame["bat_score"], c)
    return out


def weighted_proportion(flags, weights=None, alpha: float = 0.05) -> dict[str, float]:
    """Share of 1s with a Wilson interval on the effective n (Kish)."""
    flags = pd.Series(flags, dtype=float)
    w = pd.Series(1.0, index=flags.index) if weights is None else pd.Series(weights, index=flags.index, dtype=float)
    keep = flags.notna() & w.notna()
    flags, w = flags[keep], w[keep]
    n = int(keep.sum())
    if n == 0:
        return dict(n=0, cases=0, estimate=np.nan, ci_low=np.nan, ci_high=np.nan, n_eff=0.0, deff=np.nan)
    p = float(np.sum(w * flags) / np.sum(w))
    n_eff = effective_n(w)
    low, high = proportion_confint(p * n_eff, n_eff, alpha=alpha, method="wilson")
    return dict(n=n, cases=int(flags.sum()), estimate=p, ci_low=float(low), ci_high=float(high),
                n_eff=n_eff, deff=design_effect(w))


def prevalence(frame: pd.DataFrame, weights=None, *, cutoffs=None, indicators=None, alpha: float = 0.05) -> pd.DataFrame:
    """One row per indicator: unweighted and weighted prevalence, each with its 95 % interval.

    Columns: indicator, label, definition, n, cases, unweighted, unweighted_low, unweighted_high,
    weighted, weighted_low, weighted_high, n_eff, deff. Without weights, the weighted columns
    repeat the unweighted ones.
    """
    data = add_indicators(frame, cutoffs)
    rows = []
    for name in indicators or INDICATORS:
        ind = INDICATORS[name]
        raw = weighted_proportion(data[name], None, alpha)
        wtd = weighted_proportion(data[name], weights, alpha) if weights is not None else raw
        rows.append(
            dict(indicator=name, label=ind.label_fr, definition=ind.definition_fr, n=raw["n"], cases=raw["cases"],
                 unweighted=raw["estimate"], unweighted_low=raw["ci_low"], unweighted_high=raw["ci_high"],
                 weighted=wtd["estimate"], weighted_low=wtd["ci_low"], weighted_high=wtd["ci_high"],
                 n_eff=wtd["n_eff"], deff=wtd["deff"])
        )
    return pd.DataFrame(rows)


# --- subgroups and small-cell suppression -----------------------------------------------------


HIDDEN_TEXT = "masqué"


def suppressed_text(min_cell: int) -> str:
    return f"n < {min_cell}"


def suppress(
    table: pd.DataFrame,
    *,
    min_cell: int = 10,
    n_col: str = "n",
    value_cols=("estimate", "ci_low", "ci_high", "cases", "n_eff"),
    display_col: str = "display",
    formatter: Callable[[float], str] | None = None,
    cases_col: str = "cases",
) -> pd.DataFrame:
    """Hide every cell based on fewer than min_cell respondents or min_cell cases, and enough others
    that no hidden cell can be worked out from the table's total (see policy_kit.evidence.disclosure).

    A small group gets the text « n < 10 » (with the actual min_cell) in display_col, any other hidden
    cell « masqué »; the numbers of every hidden cell (value_cols and n itself) become NaN, so none
    leaves this function. A boolean column `suppressed` says which cells were hidden, `suppression` why.
    """
    from policy_kit.evidence.disclosure import SMALL_GROUP, hidden_cells

    out = table.copy()
    reasons = hidden_cells(out[n_col], out[cases_col] if cases_col in out.columns else None, min_cell=min_cell)
    small = reasons.notna()
    formatter = formatter or (lambda x: formatting.percent(x, 1))
    estimate_col = next((c for c in value_cols if c in out.columns), None)
    texts = []
    for reason, value in zip(reasons, out[estimate_col] if estimate_col else [np.nan] * len(out)):
        texts.append(formatter(value) if reason is None else suppressed_text(min_cell) if reason == SMALL_GROUP else HIDDEN_TEXT)
    out[display_col] = texts
    for col in [*value_cols, n_col]:
        if col in out.columns:
            out[col] = out[col].astype(float).where(~small)
    out["suppressed"] = small.to_numpy()
    out["suppression"] = reasons.fillna("").to_numpy()
    return out


def subgroup_prevalence(
    frame: pd.DataFrame,
    indicator: str,
    by: str,
    weights=None,
    min_cell: int = 10,
    *,
    cutoffs=None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Weighted prevalence of one indicator in each group of `by`, small cells suppressed.

    Columns: group, n, cases, estimate, ci_low, ci_high, n_eff, display, suppressed.
    Groups with fewer than min_cell respondents show « n < {min_cell} » and carry no numbers.
    """
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}; expected one of {', '.join(INDICATORS)}")
    data = add_indicators(frame, cutoffs)
    w = pd.Series(1.0, index=frame.index) if weights is None else pd.Series(weights, index=frame.index, dtype=float)
    groups = data[by]
    categories = list(groups.cat.categories) if isinstance(groups.dtype, pd.CategoricalDtype) else sorted(groups.dropna().unique())
    rows = []
    for group in categories:
        mask = groups == group
        stats = weighted_proportion(data.loc[mask, indicator], w[mask], alpha)
        rows.append(dict(group=group, **{k: stats[k] for k in ("n", "cases", "estimate", "ci_low", "ci_high", "n_eff")}))
    table = pd.DataFrame(rows, columns=["group", "n", "cases", "estimate", "ci_low", "ci_high", "n_eff"])
    out = suppress(table, min_cell=min_cell)
    out.insert(0, "indicator", indicator)
    out.insert(1, "by", by)
    return out
