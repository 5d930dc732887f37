"""Turning published effect sizes into changes of yearly transition probabilities.

Method (documented for the annex):
1. Standardised mean difference → odds ratio, Chinn (2000, Stat Med 19:3127–31):
   ln OR = d · π / √3 (logistic distribution assumption). A positive d is a benefit, so a
   transition the programme should make rarer gets OR = exp(−d·π/√3) and one it should make
   more frequent gets OR = exp(+d·π/√3). Hedges' g is used the same way.
2. Odds ratio → relative risk at the baseline risk p0, Zhang & Yu (1998, JAMA 280:1690–1):
   RR = OR / (1 − p0 + p0 · OR). This keeps p0 · RR inside (0, 1).
   This conversion is used only for the effect on becoming at risk (a symptom state); the effect
   on incapacity onset is a relative risk of its own (sickness-absence evidence or a labelled
   assumption), not a converted symptom score.
3. Waning, per participant: a years after a participant starts (a = 0 in the year they start), the
   effect is scaled on the log scale by w_a = (1 − decay)^a · clip(effect_years − a, 0, 1), so a
   fractional duration switches the effect off part-way through a year and NPV stays continuous.
4. Uptake, by cohort of entry: a share u_s of the target starts in year s; in year t the
   population-level relative risk mixes the cohorts still under effect with the rest,
   RR_pop,t = 1 − Σ_a u_{t−a} · (1 − RR(w_a)). Each year's participants are taken to be new people
   and a cohort keeps its share of the target; if the cohorts under effect add up to more than the
   whole target, they are scaled down to it (someone reached twice counts once).
   At constant coverage RR_pop reaches a plateau once the oldest cohort's effect has faded.
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
    """w_a for a = 0..cycles − 1 years since a participant started, shape (…, cycles), broadcasting over draws."""
    t = np.arange(cycles, dtype=float)
    years = np.asarray(effect_years, dtype=float)[..., None]
    keep = np.asarray(decay, dtype=float)[..., None]
    active = np.clip(years - t, 0.0, 1.0)
    return (1.0 - keep) ** t * active


def cohort_relative_risk(starts, weights, individual_rr):
    """Population-level relative risk per cycle, (draws, cycles), from cohorts of entry.

    `starts` (draws, cycles): share of the target starting each cycle; `weights` (draws, cycles): w_a
    by years since start; `individual_rr(w)` gives the relative risk of a participant whose effect
    is scaled by `w` (draws, 1), broadcastable to (draws, cycles).
    """
    u = np.asarray(starts, dtype=float)
    w = np.asarray(weights, dtype=float)
    d, n = u.shape
    reduction = np.zeros((d, n))
    under_effect = np.zeros((d, n))
    for a in range(n):
        wa = w[:, a : a + 1]
        if not np.any(wa > 0):
            continue
        cohort = np.zeros((d, n))
        cohort[:, a:] = u[:, : n - a]
        reduction += cohort * (1.0 - np.broadcast_to(individual_rr(wa), (d, n)))
        under_effect += cohort * (wa > 0)
    return 1.0 - reduction / np.maximum(under_effect, 1.0)


def population_relative_risk(individual_rr, uptake):
    """RR among the whole target when a share `uptake` is reached: 1 − u · (1 − RR)."""
    return 1.0 - np.asarray(uptake, dtype=float) * (1.0 - np.asarray(individual_rr, dtype=float))


def combine_relative_risks(*relative_risks):
    """Multiplicative combination of population-level relative risks on one transition."""
    out = np.asarray(1.0)
    for rr in relative_risks:
        out = out * np.asarray(rr, dtype=float)
    return out
