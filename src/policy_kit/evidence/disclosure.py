"""Statistical disclosure control for tables of survey counts.

A cell is hidden when it rests on fewer than `min_cell` respondents, or when fewer than `min_cell` of them
have the attribute counted (a numerator of 2 in a group of 12 says too much about those 12). Hiding a single
cell of a table whose total is published does not protect it: total minus the other cells gives it back.
So, within each table that adds up to a published total, more cells are hidden (the smallest first) until
at least two are hidden and the hidden cells together hold at least `min_cell` respondents and `min_cell`
cases: what can be worked out from the totals is then only a sum over several groups, itself not small.
"""

from __future__ import annotations

import pandas as pd

SMALL_GROUP = "small_group"  # fewer than min_cell respondents
SMALL_COUNT = "small_count"  # fewer than min_cell respondents with the attribute
COMPLEMENTARY = "complementary"  # hidden so that the others cannot be worked out from the totals


def hidden_cells(n: pd.Series, cases: pd.Series | None = None, *, min_cell: int) -> pd.Series:
    """Why each cell of one table (whose cells add up to a published total) is hidden: a reason, or None."""
    n = pd.Series(n, dtype=float).fillna(0)
    reasons = pd.Series([None] * len(n), index=n.index, dtype=object)
    reasons[n < min_cell] = SMALL_GROUP
    if cases is not None:
        cases = pd.Series(cases, index=n.index, dtype=float).fillna(0)
        reasons[reasons.isna() & (cases < min_cell)] = SMALL_COUNT
    hidden = reasons.notna()
    if not hidden.any():
        return reasons

    def exposed() -> bool:
        if hidden.sum() < 2:
            return True
        if n[hidden].sum() < min_cell:
            return True
        return cases is not None and cases[hidden].sum() < min_cell

    # the smallest shown cell first: it costs the reader least
    order = (cases if cases is not None else n)[~hidden].sort_values(kind="mergesort").index.tolist()
    while exposed() and order:
        nxt = order.pop(0)
        hidden[nxt] = True
        reasons[nxt] = COMPLEMENTARY
    return reasons
