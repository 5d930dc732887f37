"""Turning published effect sizes into changes of yearly transition probabilities.

Method (documented for the annex):
1. Standardised mean difference → odds ratio, Chinn (2000, Stat Med 19:3127–31):
   ln OR = d · π / √3 (logistic distribution assumption). A positive d is a benefit, so a
   transition the programme should make rarer gets OR = exp(−d·π/√3) and one it should make
   more frequent gets OR = exp(+d·π/√3). Hedges' g is used the same way.
2. Odds ratio → relative risk at the baseline risk p0, Zhang & Yu (1998, JAMA 280:1690–1):
   RR = OR / (1 − p0 + p0 · OR). This keeps p0 · RR inside (0, 1).
3. Waning: the effect in cycle t (1-based) is scaled on the log scale by
   w_t = (1 − decay)^(t−1) · clip(effect_years − (t − 1), 0, 1), so a fractional duration
   switches the effect off part-way through a year and NPV stays continuous in it.
4. Uptake: only a share u of the target is reached, so the population-level relative risk is
   RR_pop = 1 − u · (1 − RR_t) (a mixture of reached and non-reached people).
5. Combination: components acting on the same transition multiply their population-level
   relative risks (independent action, no synergy and no overlap correction).
"""

from __future__ import annotations

import numpy as np

PI_OVER_SQRT3 = np.pi / np.sqrt(3.0)


def d_to_log_odds_ratio(d):
    """Chinn (2000): ln OR = d · π / √3."""
    return np.asarray(d, dtype=float) * PI_OVER_SQRT3


def odds_ratio_to_relative_risk(odds_ratio, baseline_risk):
    """Zhang & Yu (1998): RR = OR / (1 − p0 + p0 · OR)."""
    o = np.asarray(odds_ratio, dtype=float)
    p0 = np.asarray(baseline_risk, dtype=float)
    return o / (1.0 - p0 + p0 * o)


def effect_size_to_relative_risk(d, baseline_risk, *, direction: str = "decrease"):
    """Relative risk on a transition of baseline probability p0 implied by a beneficial effect size d."""
    if direction not in ("decrease", "increase"):
        raise ValueError(f"direction must be 'decrease' or 'increase'; got {direction!r}")
    sign = -1.0 if direction == "decrease" else 1.0
    return odds_ratio_to_relative_risk(np.exp(sign * d_to_log_odds_ratio(d)), baseline_risk)


def effect_weights(cycles: int, effect_years, decay):
    """w_t for t = 1..cycles, shape (…, cycles) broadcasting over draws of effect_years and decay."""
    t = np.arange(cycles, dtype=float)
    years = np.asarray(effect_years, dtype=float)[..., None]
    keep = np.asarray(decay, dtype=float)[..., None]
    active = np.clip(years - t, 0.0, 1.0)
    return (1.0 - keep) ** t * active


def population_relative_risk(individual_rr, uptake):
    """RR among the whole target when a share `uptake` is reached: 1 − u · (1 − RR)."""
    return 1.0 - np.asarray(uptake, dtype=float) * (1.0 - np.asarray(individual_rr, dtype=float))


def combine_relative_risks(*relative_risks):
    """Multiplicative combination of population-level relative risks on one transition."""
    out = np.asarray(1.0)
    for rr in relative_risks:
        out = out * np.asarray(rr, dtype=float)
    return out
