"""Charts for the evidence section: each function returns a matplotlib Figure (never shows it).

Sized for a 16 cm wide column in print (6.3 in), fonts at least 8 pt. Titles, axes, legends, codes and numbers
are in the run's language (``language``), through the catalogues the memo uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from policy_kit import formatting
from policy_kit.figures import new_figure
from policy_kit.i18n import CODES, N_, code, translator
from policy_kit.legend import legend_below

WIDTH_IN = 16 / 2.54
FONT_PT = 9
PALETTE = sns.color_palette("colorblind")
STAGE_LABELS = {"reached": N_("Reached"), "participants": N_("Participants"), "completed": N_("Completed")}


def _figure(height_in: float) -> tuple[Figure, Axes]:
    return new_figure(WIDTH_IN, height_in, layout="constrained",
                      rc={"font.size": FONT_PT, "axes.titlesize": FONT_PT + 1, "axes.labelsize": FONT_PT})


def _footnote(fig: Figure, text: str, language: str) -> None:
    # supxlabel is laid out by constrained layout, so it never overlaps the axis label
    fig.supxlabel(formatting.typography(text, language), x=0.01, ha="left", fontsize=FONT_PT - 1, style="italic")


def _num(x: float, decimals: int, language: str) -> str:
    return formatting.number(round(float(x), decimals) + 0.0, decimals, language)  # no « -0,00 »


def _percent_axis(ax, language: str, axis: str = "x") -> None:
    fmt = FuncFormatter(lambda v, _: formatting.percent(v, 0, language))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def prevalence_chart(table: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                     language: str = "fr") -> Figure:
    """Horizontal bars of the weighted prevalence of each indicator, with CI error bars."""
    _ = translator(language)
    title = title or _("Weighted prevalence and 95 % confidence interval")
    data = table.iloc[::-1]
    fig, ax = _figure(0.45 * len(data) + 1.2)
    y = np.arange(len(data))
    ax.barh(y, data["weighted"], color=PALETTE[0], height=0.6)
    err = np.vstack([data["weighted"] - data["weighted_low"], data["weighted_high"] - data["weighted"]])
    ax.errorbar(data["weighted"], y, xerr=err, fmt="none", ecolor="black", capsize=3, linewidth=1)
    for yi, (value, high) in enumerate(zip(data["weighted"], data["weighted_high"])):
        ax.text(high + 0.01, yi, formatting.percent(value, 0, language), va="center", fontsize=FONT_PT)
    names = data["indicator"] if "indicator" in data else data["label"]
    ax.set_yticks(y, [code(n, _) for n in names], fontsize=FONT_PT)
    ax.set_xlim(0, min(1.0, float(data["weighted_high"].max()) + 0.12))
    _percent_axis(ax, language)
    ax.set_xlabel(_("Share of respondents (weighted)"), fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    if note:
        _footnote(fig, note, language)
    sns.despine(ax=ax)
    return fig


def subgroup_chart(table: pd.DataFrame, *, title: str | None = None, group_labels: dict | None = None,
                   language: str = "fr") -> Figure:
    """Prevalence by subgroup; suppressed cells get no bar, only the text « n < 10 »."""
    _ = translator(language)
    title = title or _("Burn-out risk by subgroup (weighted)")
    if "by" in table:  # within each breakdown, groups in reading order (« under 40 h » before « 40 to 49 h »)
        order = {c: i for i, c in enumerate(CODES)}
        keys = pd.DataFrame({"by": pd.factorize(table["by"])[0], "group": [order.get(str(g), len(order)) for g in table["group"]]})
        table = table.iloc[keys.sort_values(["by", "group"], kind="mergesort").index].reset_index(drop=True)
    fig, ax = _figure(0.42 * len(table) + 1.2)
    y = np.arange(len(table))[::-1]
    shown = ~table["suppressed"].to_numpy(bool)
    values = table["estimate"].to_numpy(float)
    ax.barh(y[shown], values[shown], color=PALETTE[1], height=0.6)
    err = np.vstack([values - table["ci_low"].to_numpy(float), table["ci_high"].to_numpy(float) - values])
    ax.errorbar(values[shown], y[shown], xerr=err[:, shown], fmt="none", ecolor="black", capsize=3, linewidth=1)
    upper = np.nanmax(table["ci_high"].to_numpy(float)) if shown.any() else 0.5
    for yi, is_shown, text, value, high in zip(y, shown, table["display"], values, table["ci_high"]):
        x = (high + 0.01) if is_shown else 0.01
        text = formatting.percent(value, 0, language) if is_shown else text
        ax.text(x, yi, text, va="center", fontsize=FONT_PT, style="normal" if is_shown else "italic")
    ax.set_yticks(y, [code(g, _, group_labels) for g in table["group"]], fontsize=FONT_PT)
    ax.set_xlim(0, min(1.0, upper + 0.15))
    _percent_axis(ax, language)
    ax.set_xlabel(_("Share of respondents (weighted)"), fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    sns.despine(ax=ax)
    return fig


def funnel_chart(funnel: pd.DataFrame, *, component: str | None = None, title: str | None = None,
                 language: str = "fr") -> Figure:
    """Reach → participants → completed per pilot (one component, or every component stacked in panels).

    Bars resting on values that are not published (assumption or synthetic) are hatched.
    """
    _ = translator(language)
    title = title or _("From people reached to completed pathways")
    data = funnel if component is None else funnel[funnel["component"] == component]
    data = data.dropna(subset=["reached", "participants", "completed"], how="all")
    stages = list(STAGE_LABELS)
    rows = list(zip(data["pilot"], data["component"]))
    fig, ax = _figure(0.35 * len(rows) * 1.1 + 1.4)
    height = 0.8 / len(stages)
    base = np.arange(len(rows))[::-1]
    for j, stage in enumerate(stages):
        values = data[stage].to_numpy(float)
        bars = ax.barh(base + (1 - j) * height, np.nan_to_num(values), height=height, color=PALETTE[j],
                       label=_(STAGE_LABELS[stage]))
        statuses = data[f"{stage}_status"] if f"{stage}_status" in data else data["status"]
        for bar, status, value in zip(bars, statuses, values):
            if status != "published":
                bar.set_hatch("///")
                bar.set_edgecolor("white")
            if np.isfinite(value):
                ax.text(bar.get_width() * 1.05, bar.get_y() + height / 2, formatting.number(value, 0, language), va="center",
                        fontsize=FONT_PT - 1)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formatting.number(v, 0, language)))
    labels = [f"{code(p, _)} – {code(c, _)}" for p, c in rows]
    ax.set_yticks(base, labels, fontsize=FONT_PT)
    ax.set_xlabel(_("Number of people (log scale)"), fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    legend_below(ax, ncol=3, fontsize=FONT_PT - 1)
    _footnote(fig, _("Hatched bars: figures not published (assumption or synthetic data)."), language)
    sns.despine(ax=ax)
    return fig


def forest_plot(labels, effects, ci_low, ci_high, pooled, *, xlabel: str | None = None, title: str | None = None,
                null_value: float = 0.0, language: str = "fr") -> Figure:
    """Per-study effects with their CI, the pooled diamond and its prediction interval; ``labels`` are pilot codes."""
    _ = translator(language)
    xlabel = xlabel or _("Effect size (Cohen's d)")
    title = title or _("Effect by pilot and pooled effect")
    k = len(labels)
    fig, ax = _figure(0.4 * (k + 2) + 1.2)
    y = np.arange(k, 0, -1) + 1
    effects, ci_low, ci_high = (np.asarray(a, dtype=float) for a in (effects, ci_low, ci_high))
    weights = np.asarray(pooled.weights) if len(pooled.weights) == k else np.full(k, 1 / k)
    ax.hlines(y, ci_low, ci_high, color="black", linewidth=1)
    ax.scatter(effects, y, s=40 + 300 * weights, marker="s", color=PALETTE[0], zorder=3)
    diamond_y = 0.8
    ax.fill([pooled.ci_low, pooled.estimate, pooled.ci_high, pooled.estimate],
            [diamond_y, diamond_y + 0.25, diamond_y, diamond_y - 0.25], color=PALETTE[3], zorder=3)
    if np.isfinite(pooled.pi_low):
        ax.hlines(diamond_y, pooled.pi_low, pooled.pi_high, color=PALETTE[3], linewidth=1.2, linestyle="--")
    ax.axvline(null_value, color="grey", linewidth=0.8)
    names = [code(label, _) for label in labels] + [_("Pooled effect ({method})").format(method=pooled.method)]
    ax.set_yticks(list(y) + [diamond_y], names, fontsize=FONT_PT)
    for yi, e, lo, hi in zip(list(y) + [diamond_y], list(effects) + [pooled.estimate], list(ci_low) + [pooled.ci_low],
                             list(ci_high) + [pooled.ci_high]):
        ax.text(1.01, yi, f"{_num(e, 2, language)} ({_num(lo, 2, language)} – {_num(hi, 2, language)})",
                transform=ax.get_yaxis_transform(), va="center", fontsize=FONT_PT - 1)
    ax.set_xlabel(xlabel, fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formatting.number(v, 1, language)))
    note = (_("Diamond: pooled effect and 95 % confidence interval; dashes: 95 % prediction interval.")
            if np.isfinite(pooled.pi_low) else _("Diamond: pooled effect and 95 % confidence interval."))
    _footnote(fig, note, language)
    sns.despine(ax=ax, left=True)
    return fig
