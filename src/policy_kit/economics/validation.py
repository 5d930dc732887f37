"""Verification of the engine: it reproduces a published cohort model (ISPOR-SMDM, Eddy et al. 2012).

Chancellor et al. (1997), HIV zidovudine monotherapy against zidovudine + lamivudine, as replicated
in Briggs, Claxton & Sculpher (2006), exercise 2.5: 20 yearly cycles, 1,000 patients starting in
state A, costs discounted at 6 % at the end of each cycle, life-years undiscounted; combination for
2 years with a relative risk of 0.509 on every progression. The published figures are the
spreadsheet values (also the targets of the rdecision package's test "test-model-AZT.R").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from policy_kit.economics.discounting import discount
from policy_kit.economics.markov import run_cohort

SOURCE = "Chancellor et al. 1997, répliqué par Briggs, Claxton & Sculpher 2006 (exercice 2.5)"
PUBLISHED = {
    "cost_monotherapy": 44_663.0,
    "cost_combination": 50_602.0,
    "life_years_monotherapy": 7.991,
    "life_years_combination": 8.937,
    "icer": 6_276.0,
}
TOLERANCE = 1e-3  # relative: the published figures are rounded to four significant digits


def chancellor_hiv() -> dict[str, float]:
    """The engine's run of the Chancellor model: per-patient costs (£), life-years and the ICER (£ per life-year)."""
    n_a = np.array([1251, 350, 116, 17])
    n_b = np.array([731, 512, 15])
    n_c = np.array([1312, 437])
    mono = np.zeros((4, 4))
    mono[0] = n_a / n_a.sum()
    mono[1, 1:] = n_b / n_b.sum()
    mono[2, 2:] = n_c / n_c.sum()
    mono[3, 3] = 1.0
    comb = mono * 0.509
    np.fill_diagonal(comb, 0.0)
    comb[3] = 0.0
    comb[np.arange(4), np.arange(4)] = 1.0 - comb.sum(axis=1)
    names = ("A", "B", "C", "D")
    cost_mono = np.array([1701 + 1055 + 2278, 1774 + 1278 + 2278, 6948 + 2059 + 2278, 0.0])
    cost_comb = cost_mono + np.array([2087, 2087, 2087, 0.0])
    start = [1000.0, 0, 0, 0]
    t_mono = run_cohort(start, mono, cycles=20, states=names)
    t_comb = run_cohort(start, np.stack([comb] * 2 + [mono] * 18), states=names)
    out = {
        "cost_monotherapy": float(discount(t_mono[1:] @ cost_mono, 0.06).sum() / 1000),
        "cost_combination": float(discount(np.r_[t_comb[1:3] @ cost_comb, t_comb[3:] @ cost_mono], 0.06).sum() / 1000),
        "life_years_monotherapy": float(t_mono[1:, :3].sum() / 1000),
        "life_years_combination": float(t_comb[1:, :3].sum() / 1000),
    }
    out["icer"] = (out["cost_combination"] - out["cost_monotherapy"]) / (out["life_years_combination"] - out["life_years_monotherapy"])
    return out


def replication_table() -> pd.DataFrame:
    """measure, published, reproduced, relative_difference, within: the engine against the published model."""
    got = chancellor_hiv()
    rows = []
    for measure, published in PUBLISHED.items():
        diff = got[measure] / published - 1.0
        rows.append({"measure": measure, "published": published, "reproduced": got[measure],
                     "relative_difference": diff, "within": bool(abs(diff) <= TOLERANCE)})
    table = pd.DataFrame(rows)
    table.attrs["source"] = SOURCE
    return table
