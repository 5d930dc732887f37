"""Random-effects pooling of per-pilot (or per-study) effects.

DerSimonian–Laird uses statsmodels' estimator; REML (not in statsmodels) maximises the
restricted likelihood with scipy. Both were checked against metafor on the BCG vaccine data
(dat.bcg, log risk ratios): see tests/test_evidence_pooling.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects


@dataclass(frozen=True)
class PooledEffect:
    """A random-effects pooled estimate.

    ci_*: confidence interval of the mean effect (normal quantile, as metafor's default).
    pi_*: prediction interval for the effect in a new setting; t with k−2 degrees of freedom
        (Higgins, Thompson & Spiegelhalter 2009) unless pi_method="z"; NaN when k < 3 with "t".
    i2: share of the total variance due to heterogeneity, in [0, 1] (Higgins & Thompson 2002).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    pi_low: float
    pi_high: float
    q: float
    q_pvalue: float
    k: int
    method: str
    pi_method: str
    weights: tuple[float, ...]  # relative random-effects weights, summing to 1

    def as_dict(self) -> dict:
        return asdict(self)


def _tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    def neg_restricted_loglik(tau2: float) -> float:
        w = 1.0 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))

    upper = max(10.0 * np.var(y, ddof=1), 10.0 * np.max(v), 1e-6)
    res = optimize.minimize_scalar(neg_restricted_loglik, bounds=(0.0, upper), method="bounded",
                                   options={"xatol": 1e-12, "maxiter": 2000})
    tau2 = float(res.x)
    # the bounded search never lands exactly on 0: keep 0 when it is at least as good
    if neg_restricted_loglik(0.0) <= neg_restricted_loglik(tau2):
        tau2 = 0.0
    return tau2


def pool_effects(effects, variances, method: str = "DL", *, alpha: float = 0.05, pi_method: str = "t") -> PooledEffect:
    """Pool effects (e.g. Cohen's d per pilot, log risk ratios) given their sampling variances."""
    y = np.asarray(effects, dtype=float)
    v = np.asarray(variances, dtype=float)
    method = method.upper()
    if y.shape != v.shape or y.ndim != 1:
        raise ValueError("effects and variances must be 1-D and of the same length")
    if len(y) < 2:
        raise ValueError("pooling needs at least 2 effects")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0)):
        raise ValueError("effects must be finite and variances positive")
    if method not in ("DL", "REML"):
        raise ValueError(f"unknown method {method!r}; expected 'DL' or 'REML'")
    if pi_method not in ("t", "z"):
        raise ValueError("pi_method must be 't' or 'z'")
    k = len(y)
    fixed = combine_effects(y, v, method_re="dl")
    q = float(fixed.q)
    if method == "DL":
        tau2 = max(0.0, float(fixed.tau2))  # statsmodels does not truncate at 0
    else:
        tau2 = _tau2_reml(y, v)
    w = 1.0 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    se = float(np.sqrt(1.0 / np.sum(w)))
    z = stats.norm.isf(alpha / 2)
    w_fixed = 1.0 / v
    typical_v = (k - 1) * np.sum(w_fixed) / (np.sum(w_fixed) ** 2 - np.sum(w_fixed**2))
    i2 = tau2 / (tau2 + typical_v)
    if pi_method == "z":
        crit = z
    else:
        crit = stats.t.isf(alpha / 2, k - 2) if k >= 3 else np.nan
    half = crit * np.sqrt(se**2 + tau2)
    return PooledEffect(
        estimate=estimate, se=se, ci_low=float(estimate - z * se), ci_high=float(estimate + z * se), tau2=tau2,
        i2=float(i2), pi_low=float(estimate - half), pi_high=float(estimate + half), q=q, q_pvalue=float(stats.chi2.sf(q, k - 1)), k=k,
        method=method, pi_method=pi_method, weights=tuple(float(x) for x in w / w.sum()),
    )
