"""Pilot outcomes: reach → participation → completion, and pre/post change in accompanied people."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from policy_kit import formatting
from policy_kit.errors import DataError, Problem

from .schema import PILOTS

ACTIVITY_COLUMNS = ("pilot", "component", "metric", "value", "status", "source", "vintage")
METRICS = ("reached", "participants", "completed", "sessions", "satisfaction", "cost")
STATUSES = ("published", "assumption", "synthetic")  # from most to least solid
COMPONENTS = ("programme", "survey", "website_newsletter", "linkedin", "events", "app", "accompaniment")
SMALL_SAMPLE = 50


def _read_commented_csv(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"Pilot data file not found: {path}", [Problem(str(path), "file does not exist")])
    try:
        # read as text: messages quote what the file says ('85', 'inf'), numbers are parsed where checked
        return pd.read_csv(path, comment=None, skiprows=_n_comment_lines(path), dtype=str, keep_default_na=False, na_values=[""])
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"Cannot read the pilot data file {path}",
                        [Problem(str(path), "not a readable UTF-8 CSV file", expected="comma-separated UTF-8 text",
                                 found=f"{type(exc).__name__}: {str(exc).strip()[:120]}")]) from None


def _n_comment_lines(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            n += 1
    return n


def read_pilot_activity(path: str | Path) -> pd.DataFrame:
    """The pilot activity table (long format), checked: known pilots, metrics and statuses, numeric values."""
    path = Path(path)
    frame = _read_commented_csv(path)
    offset = _n_comment_lines(path) + 2
    problems = []
    missing = [c for c in ACTIVITY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path} lacks columns", [Problem(str(path), "missing columns: " + ", ".join(missing))])
    for column, allowed in (("pilot", PILOTS), ("component", COMPONENTS), ("metric", METRICS), ("status", STATUSES)):
        bad = ~frame[column].isin(allowed)
        for i in frame.index[bad][:3]:
            problems.append(Problem(f"{path}, row {i + offset}, column '{column}'", "unknown code",
                                    expected="one of " + ", ".join(allowed), found=repr(frame.at[i, column])))
    if frame.empty:
        raise DataError(f"The pilot activity file {path} has no data rows.",
                        [Problem(str(path), "the file has a header but no data rows", expected="one row per pilot, component and metric")])
    values = pd.to_numeric(frame["value"], errors="coerce")
    for i in frame.index[~np.isfinite(values) | (values < 0)][:3]:
        problems.append(Problem(f"{path}, row {i + offset}, column 'value'", "not a finite non-negative number",
                                expected="a count, an amount in euros or a share", found=repr(frame.at[i, "value"])))
    unsourced = frame["status"].eq("published") & frame["source"].fillna("").str.strip().eq("")
    for i in frame.index[unsourced][:3]:
        problems.append(Problem(f"{path}, row {i + offset}, column 'source'", "a published figure needs its source"))
    keys = ["pilot", "component", "metric"]
    repeated = frame.duplicated(keys, keep=False)
    for _, group in frame[repeated].groupby(keys, sort=False):
        rows = ", ".join(str(i + offset) for i in group.index)
        first = group.iloc[0]
        problems.append(Problem(f"{path}, rows {rows}, columns 'pilot', 'component', 'metric'", "the same figure is given twice",
                                expected="one row per pilot, component and metric",
                                found=f"{first['pilot']}, {first['component']}, {first['metric']} on {len(group)} rows"))
    problems += _impossible_figures(frame, values, path, offset)
    problems += _missing_figures(frame, path)
    if problems:
        raise DataError(f"The pilot activity file {path} has problems.", problems)
    frame["value"] = values
    return frame


# The figures of the Icarius pilot that the memo states (its context paragraph): the file must give them.
MEMO_FIGURES = (("icarius", "programme", "reached"), ("icarius", "programme", "cost"),
                ("icarius", "accompaniment", "completed"), ("icarius", "events", "sessions"))
SHARE_METRICS = ("satisfaction",)
# Each stage of a funnel cannot exceed the one before it.
FUNNEL_ORDER = (("participants", "reached"), ("completed", "participants"))


def _impossible_figures(frame: pd.DataFrame, values: pd.Series, path: Path, offset: int) -> list[Problem]:
    problems = []
    shares = frame["metric"].isin(SHARE_METRICS) & (values > 1)
    for i in frame.index[shares][:3]:
        problems.append(Problem(f"{path}, row {i + offset}, column 'value'", f"{frame.at[i, 'metric']} is a share",
                                expected="a number between 0 and 1 (0.85 for 85 %)", found=repr(frame.at[i, "value"])))
    found = frame.assign(_value=values, _row=frame.index + offset).drop_duplicates(["pilot", "component", "metric"])
    by_key = found.set_index(["pilot", "component", "metric"])
    for later, earlier in FUNNEL_ORDER:
        for (pilot, component, _), row in by_key[by_key.index.get_level_values("metric") == later].iterrows():
            before = (pilot, component, earlier)
            if before in by_key.index and row["_value"] > by_key.loc[before, "_value"]:
                problems.append(Problem(
                    f"{path}, row {row['_row']}, column 'value'", f"more {later} than {earlier} for {pilot}, {component}",
                    expected=f"{later} ≤ {earlier} ({by_key.loc[before, '_value']:g}, row {by_key.loc[before, '_row']})",
                    found=f"{row['_value']:g}"))
    return problems


def _missing_figures(frame: pd.DataFrame, path: Path) -> list[Problem]:
    given = set(zip(frame["pilot"], frame["component"], frame["metric"]))
    missing = [", ".join(key) for key in MEMO_FIGURES if key not in given]
    if not missing:
        return []
    return [Problem(str(path), "figures the memo states are missing", expected="a row for each of: " + "; ".join(missing),
                    found=f"{len(missing)} missing")]


def funnels(activity: pd.DataFrame) -> pd.DataFrame:
    """Reach → participation → completion per pilot and component.

    Columns: pilot, component, reached, participants, completed, participation_rate
    (participants / reached), completion_rate (completed / participants), cost, cost_per_completer,
    status (the weakest status among the figures used: published < assumption < synthetic), and
    reached_status, participants_status, completed_status, cost_status for each figure.
    """
    wide = activity.pivot_table(index=["pilot", "component"], columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(METRICS))
    rank = {s: i for i, s in enumerate(STATUSES)}
    used = activity[activity["metric"].isin(["reached", "participants", "completed", "cost"])]
    status = used.groupby(["pilot", "component"])["status"].agg(lambda s: max(s, key=rank.__getitem__))
    out = wide.reset_index()
    out.columns.name = None
    out["participation_rate"] = out["participants"] / out["reached"]
    out["completion_rate"] = out["completed"] / out["participants"]
    out["cost_per_completer"] = out["cost"] / out["completed"]
    out["status"] = [status.get((p, c), "synthetic") for p, c in zip(out["pilot"], out["component"])]
    per_metric = activity.set_index(["pilot", "component", "metric"])["status"]
    for stage in ("reached", "participants", "completed", "cost"):
        out[f"{stage}_status"] = [per_metric.get((p, c, stage)) for p, c in zip(out["pilot"], out["component"])]
    order = {p: i for i, p in enumerate(PILOTS)}
    corder = {c: i for i, c in enumerate(COMPONENTS)}
    out = out.sort_values(["pilot", "component"], key=lambda s: s.map(order if s.name == "pilot" else corder))
    return out.reset_index(drop=True)[
        ["pilot", "component", "reached", "participants", "completed", "participation_rate", "completion_rate",
         "sessions", "satisfaction", "cost", "cost_per_completer", "status",
         "reached_status", "participants_status", "completed_status", "cost_status"]
    ]


# --- pre/post --------------------------------------------------------------------------------


def read_prepost(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    frame = _read_commented_csv(path)
    missing = [c for c in ("pilot", "bat_pre", "bat_post") if c not in frame.columns]
    if missing:
        raise DataError(f"{path} lacks columns", [Problem(str(path), "missing columns: " + ", ".join(missing))])
    offset = _n_comment_lines(path) + 2
    problems = []
    for i in frame.index[~frame["pilot"].isin(PILOTS)][:3]:
        problems.append(Problem(f"{path}, row {i + offset}, column 'pilot'", "unknown code",
                                expected="one of " + ", ".join(PILOTS), found=repr(frame.at[i, "pilot"])))
    for column in ("bat_pre", "bat_post"):
        values = pd.to_numeric(frame[column], errors="coerce")
        for i in frame.index[values.isna() | (values < 1) | (values > 5)][:3]:
            problems.append(Problem(f"{path}, row {i + offset}, column '{column}'", "not a BAT score",
                                    expected="a number from 1 to 5", found=repr(frame.at[i, column])))
        frame[column] = values
    if frame.empty:
        problems.append(Problem(str(path), "the file has a header but no data rows", expected="one row per accompanied participant"))
    if "participant_id" in frame.columns:
        repeated = frame["participant_id"].duplicated(keep=False) & frame["participant_id"].notna()
        if repeated.any():
            rows = [i + offset for i in frame.index[repeated]]
            # the rows locate them; ids are not repeated in messages
            problems.append(Problem(f"{path}, rows {', '.join(map(str, rows[:6]))}{' …' if len(rows) > 6 else ''}, column 'participant_id'",
                                    "duplicate participant_id", expected="each participant once",
                                    found=f"{frame.loc[repeated, 'participant_id'].nunique()} id(s) on more than one row"))
    if not problems:
        problems += _too_few_pairs(frame, path)
    if problems:
        raise DataError(f"The pre/post file {path} has problems.", problems)
    frame.attrs["is_synthetic"] = "SYNTHETIC" in path.read_text(encoding="utf-8").split("\n", 1)[0].upper()
    return frame


MIN_PAIRS = 3  # a paired t-test and an effect size need a spread of changes
MIN_POOLED = 2  # pooling needs at least two pilots


def _too_few_pairs(frame: pd.DataFrame, path: Path) -> list[Problem]:
    problems = []
    counts = frame.groupby("pilot", sort=False).size()
    for pilot, n in counts.items():
        data = frame[frame["pilot"] == pilot]
        if n < MIN_PAIRS:
            problems.append(Problem(f"{path}, column 'pilot'", f"too few pre/post pairs for {pilot}",
                                    expected=f"at least {MIN_PAIRS} participants per pilot", found=f"{n}"))
        elif (data["bat_pre"] - data["bat_post"]).std(ddof=1) == 0:
            problems.append(Problem(f"{path}, column 'bat_post'", f"every participant of {pilot} changed by the same amount",
                                    expected="changes that vary between participants (an effect size divides by their spread)",
                                    found=f"{n} identical changes"))
    if len(counts) < MIN_POOLED:
        problems.append(Problem(f"{path}, column 'pilot'", "too few pilots to pool",
                                expected=f"pre/post pairs of at least {MIN_POOLED} pilots", found=", ".join(map(str, counts.index)) or "none"))
    return problems


def dz_confint(d: float, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact interval for Cohen's d_z by inverting the noncentral t distribution of t = d_z √n.

    A worsening (d < 0) is the mirror image of the same improvement: scipy's noncentral t returns
    NaN far in its left tail, so the interval is computed for |d| and reflected.
    """
    if d < 0:
        low, high = dz_confint(-d, n, alpha)
        return -high, -low
    df, t_obs = n - 1, d * np.sqrt(n)

    def ncp_for(p: float) -> float:
        f = lambda ncp: stats.nct.cdf(t_obs, df, ncp) - p  # noqa: E731
        span = 10 + abs(t_obs) * 2
        return optimize.brentq(f, t_obs - span, t_obs + span)

    return ncp_for(1 - alpha / 2) / np.sqrt(n), ncp_for(alpha / 2) / np.sqrt(n)


def caveat_fr(n: int) -> str:
    return formatting.typography(
        f"Prudence : avec {formatting.number(n)} personnes accompagnées et sans groupe témoin, cette "
        f"amélioration avant-après est fragile ; elle peut tenir au retour vers la moyenne ou à une "
        f"amélioration spontanée plutôt qu'à l'accompagnement."
    )


def prepost(frame: pd.DataFrame, *, pre: str = "bat_pre", post: str = "bat_post", by: str | None = "pilot",
            higher_is_better: bool = False, alpha: float = 0.05) -> pd.DataFrame:
    """Paired t-test (scipy) and Cohen's d_z per group.

    d_z = mean(change) / SD(change), change oriented so that a positive value is an improvement
    (for a BAT score, lower is better: change = pre − post). Its interval is exact (noncentral t);
    var_dz = 1/n + d_z²/(2n) is the large-sample variance used for pooling.
    Columns: group, n, mean_pre, mean_post, mean_change, t, df, p_value, d_z, d_z_low, d_z_high,
    var_dz, small_sample (n < 50), caveat (French sentence when small_sample, else "").
    """
    groups = frame.groupby(by, sort=False) if by else [("tous", frame)]
    rows = []
    for group, data in groups:
        data = data.dropna(subset=[pre, post])
        n = len(data)
        change = (data[post] - data[pre]) if higher_is_better else (data[pre] - data[post])
        if n < 3:
            raise ValueError(f"group {group!r} has {n} complete pairs; at least 3 are needed")
        test = stats.ttest_rel(data[post], data[pre]) if higher_is_better else stats.ttest_rel(data[pre], data[post])
        sd = change.std(ddof=1)
        d = float(change.mean() / sd) if sd > 0 else np.nan
        low, high = dz_confint(d, n, alpha) if np.isfinite(d) else (np.nan, np.nan)
        small = n < SMALL_SAMPLE
        rows.append(dict(group=group, n=n, mean_pre=data[pre].mean(), mean_post=data[post].mean(),
                         mean_change=change.mean(), t=float(test.statistic), df=n - 1, p_value=float(test.pvalue),
                         d_z=d, d_z_low=low, d_z_high=high, var_dz=1 / n + d**2 / (2 * n),
                         small_sample=small, caveat=caveat_fr(n) if small else ""))
    table = pd.DataFrame(rows)
    table.attrs["effect_size"] = "Cohen's d_z (mean change / SD of change)"
    return table
