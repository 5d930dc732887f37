"""Survey weights: raking (iterative proportional fitting) to population margins, with trimming.

A convenience sample such as the Icarius survey over-represents some groups (Wallonia and
Brussels, main-activity self-employed). Raking gives each respondent a weight so that the
weighted shares of region, gender, activity and sector match the INASTI population.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from policy_kit.errors import Problem, UserError

SHARE_TOLERANCE = 1e-6


class MarginError(UserError, ValueError):
    """Population margins that cannot be used for raking."""


def _check_margins(frame: pd.DataFrame, margins: Mapping[str, Mapping]) -> dict[str, pd.Series]:
    problems: list[Problem] = []
    checked: dict[str, pd.Series] = {}
    if not margins:
        problems.append(Problem("margins", "no margins given", expected="{column: {code: share}}"))
    for column, shares in margins.items():
        where = f"margins[{column!r}]"
        if column not in frame.columns:
            problems.append(Problem(where, "the column is not in the survey", found=", ".join(map(str, frame.columns))))
            continue
        target = pd.Series({str(k): float(v) for k, v in shares.items()}, dtype=float)
        if target.isna().any() or (target < 0).any():
            bad = target[target.isna() | (target < 0)]
            problems.append(Problem(where, "shares must be non-negative numbers", found=bad.to_dict().__repr__()))
        if abs(target.sum() - 1.0) > SHARE_TOLERANCE:
            problems.append(
                Problem(where, "shares do not add up to 1", expected="a total of 1", found=f"a total of {target.sum():.6g}")
            )
        observed = frame[column].dropna().astype(str)
        if len(observed) < len(frame):
            problems.append(
                Problem(where, f"{len(frame) - len(observed)} respondents have no value in this column",
                        hint="drop them or give them a code that appears in the margins")
            )
        present = set(observed.unique())
        absent = sorted(set(target.index) - present)
        extra = sorted(present - set(target.index))
        if absent:
            problems.append(
                Problem(where, "codes in the margins have no respondent, so they cannot be matched",
                        found=", ".join(absent), hint="merge them with a neighbouring code or drop them from the margins")
            )
        if extra:
            problems.append(
                Problem(where, "codes in the data are missing from the margins",
                        found=", ".join(extra), expected="a share for every code in the data")
            )
        zero = sorted(target[target == 0].index.intersection(list(present)))
        if zero:
            problems.append(Problem(where, "codes with respondents have a share of 0", found=", ".join(zero)))
        checked[column] = target
    if problems:
        raise MarginError("The population margins cannot be used for raking.", problems)
    return checked


def _rake_once(w: np.ndarray, groups: dict[str, np.ndarray], targets: dict[str, np.ndarray], max_iter: int, tol: float):
    total = w.sum()
    for _ in range(max_iter):
        worst = 0.0
        for column, codes in groups.items():
            sums = np.bincount(codes, weights=w, minlength=len(targets[column]))
            wanted = targets[column] * total
            w = w * (wanted / sums)[codes]
            worst = max(worst, np.max(np.abs(sums / total - targets[column])))
        if worst < tol:
            return w, True
    return w, False


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    *,
    weight_col: str | None = None,
    trim: tuple[float, float] | None = (0.3, 3.0),
    max_iter: int = 1000,
    tol: float = 1e-9,
    max_trim_rounds: int = 200,
) -> pd.Series:
    """Weights that make the weighted shares of each margin column equal the target shares.

    margins: {column: {code: share}}, shares adding up to 1 for each column.
    weight_col: optional base (design) weights to start from; otherwise every respondent starts at 1.
    trim: (low, high) bounds on weight / mean weight. Trimming and raking alternate, and the last
        step is always raking, so the margins hold to `tol` even when the bounds cannot all be met;
        `weights.attrs["trim_met"]` says whether they were, with a warning if not.
    Returns a Series aligned with frame.index, scaled to a mean of 1 (so it sums to n).
    """
    checked = _check_margins(frame, margins)
    n = len(frame)
    if weight_col is None:
        w = np.ones(n)
    else:
        w = frame[weight_col].to_numpy(float)
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise MarginError("Base weights must be positive numbers.", [Problem(f"column {weight_col!r}", "non-positive or missing base weights")])
    groups: dict[str, np.ndarray] = {}
    targets: dict[str, np.ndarray] = {}
    for column, target in checked.items():
        codes = pd.Categorical(frame[column].astype(str), categories=list(target.index))
        groups[column] = codes.codes.astype(int)
        targets[column] = target.to_numpy()

    w, converged = _rake_once(w, groups, targets, max_iter, tol)
    trim_met = True
    if trim is not None:
        low, high = trim
        if not 0 < low <= 1 <= high:
            raise MarginError("Bad trimming bounds.", [Problem("trim", "bounds must satisfy 0 < low ≤ 1 ≤ high", found=str(trim))])
        for _ in range(max_trim_rounds):
            ratio = w / w.mean()
            if ratio.min() >= low - 1e-9 and ratio.max() <= high + 1e-9:
                break
            w = np.clip(ratio, low, high) * w.mean()
            w, converged = _rake_once(w, groups, targets, max_iter, tol)
        ratio = w / w.mean()
        trim_met = bool(ratio.min() >= low - 1e-6 and ratio.max() <= high + 1e-6)
        if not trim_met:
            warnings.warn(
                f"weights could not be kept within {low}–{high} × the mean while meeting the margins "
                f"(range {ratio.min():.2f}–{ratio.max():.2f}); the margins were kept",
                stacklevel=2,
            )
    if not converged:
        warnings.warn(f"raking did not converge within {max_iter} iterations", stacklevel=2)
    weights = pd.Series(w / w.mean(), index=frame.index, name="weight")
    weights.attrs.update(converged=converged, trim_met=trim_met, trim=trim)
    return weights


def weighted_margins(frame: pd.DataFrame, weights: pd.Series, columns) -> dict[str, pd.Series]:
    """Weighted share of each code, per column (to check a raking)."""
    out = {}
    for column in columns:
        sums = weights.groupby(frame[column].astype(str)).sum()
        out[column] = sums / sums.sum()
    return out


def design_effect(weights) -> float:
    """Kish's design effect due to unequal weights: n Σw² / (Σw)² = 1 + CV² of the weights."""
    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w)]
    if len(w) == 0 or w.sum() <= 0:
        return float("nan")
    return float(len(w) * np.sum(w**2) / np.sum(w) ** 2)


def effective_n(weights) -> float:
    """Kish's effective sample size: (Σw)² / Σw²."""
    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w)]
    if len(w) == 0 or np.sum(w**2) == 0:
        return 0.0
    return float(np.sum(w) ** 2 / np.sum(w**2))
