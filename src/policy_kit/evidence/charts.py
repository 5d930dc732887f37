"""Charts for the evidence section: each function returns a matplotlib Figure (never shows it).

Sized for a 16 cm wide column in print (6.3 in), fonts at least 8 pt, French labels by default.
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
from policy_kit.legend import legend_below

from .labels import COMPONENT_LABELS, GROUP_LABELS, PILOT_LABELS

WIDTH_IN = 16 / 2.54
FONT_PT = 9
PALETTE = sns.color_palette("colorblind")
STAGE_LABELS = {"reached": "Touchés", "participants": "Participants", "completed": "Parcours complet"}


def _figure(height_in: float) -> tuple[Figure, Axes]:
    return new_figure(WIDTH_IN, height_in, layout="constrained",
                      rc={"font.size": FONT_PT, "axes.titlesize": FONT_PT + 1, "axes.labelsize": FONT_PT})


def _footnote(fig: Figure, text: str) -> None:
    # supxlabel is laid out by constrained layout, so it never overlaps the axis label
    fig.supxlabel(formatting.typography(text), x=0.01, ha="left", fontsize=FONT_PT - 1, style="italic")


def _num(x: float, decimals: int = 2) -> str:
    return formatting.number(round(float(x), decimals) + 0.0, decimals)  # no « -0,00 »


def _percent_axis(ax, axis: str = "x") -> None:
    fmt = FuncFormatter(lambda v, _: formatting.percent(v, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def prevalence_chart(table: pd.DataFrame, *, title: str = "Prévalence pondérée et intervalle de confiance à 95 %",
                     note: str | None = None) -> Figure:
    """Horizontal bars of the weighted prevalence of each indicator, with CI error bars."""
    data = table.iloc[::-1]
    fig, ax = _figure(0.45 * len(data) + 1.2)
    y = np.arange(len(data))
    ax.barh(y, data["weighted"], color=PALETTE[0], height=0.6)
    err = np.vstack([data["weighted"] - data["weighted_low"], data["weighted_high"] - data["weighted"]])
    ax.errorbar(data["weighted"], y, xerr=err, fmt="none", ecolor="black", capsize=3, linewidth=1)
    for yi, (value, high) in enumerate(zip(data["weighted"], data["weighted_high"])):
        ax.text(high + 0.01, yi, formatting.percent(value, 0), va="center", fontsize=FONT_PT)
    ax.set_yticks(y, data["label"], fontsize=FONT_PT)
    ax.set_xlim(0, min(1.0, float(data["weighted_high"].max()) + 0.12))
    _percent_axis(ax)
    ax.set_xlabel("Part des répondants (pondérée)", fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    if note:
        _footnote(fig, note)
    sns.despine(ax=ax)
    return fig


def subgroup_chart(table: pd.DataFrame, *, title: str | None = None, group_labels: dict | None = None) -> Figure:
    """Prevalence by subgroup; suppressed cells get no bar, only the text « n < 10 »."""
    group_labels = GROUP_LABELS if group_labels is None else group_labels
    fig, ax = _figure(0.42 * len(table) + 1.2)
    y = np.arange(len(table))[::-1]
    shown = ~table["suppressed"].to_numpy(bool)
    values = table["estimate"].to_numpy(float)
    ax.barh(y[shown], values[shown], color=PALETTE[1], height=0.6)
    err = np.vstack([values - table["ci_low"].to_numpy(float), table["ci_high"].to_numpy(float) - values])
    ax.errorbar(values[shown], y[shown], xerr=err[:, shown], fmt="none", ecolor="black", capsize=3, linewidth=1)
    upper = np.nanmax(table["ci_high"].to_numpy(float)) if shown.any() else 0.5
    for yi, is_shown, text, high in zip(y, shown, table["display"], table["ci_high"]):
        x = (high + 0.01) if is_shown else 0.01
        ax.text(x, yi, text, va="center", fontsize=FONT_PT, style="normal" if is_shown else "italic")
    ax.set_yticks(y, [group_labels.get(g, str(g)) for g in table["group"]], fontsize=FONT_PT)
    ax.set_xlim(0, min(1.0, upper + 0.15))
    _percent_axis(ax)
    ax.set_xlabel("Part des répondants (pondérée)", fontsize=FONT_PT)
    if title:
        ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    sns.despine(ax=ax)
    return fig


def funnel_chart(funnel: pd.DataFrame, *, component: str | None = None,
                 title: str = "Du public touché au parcours complet") -> Figure:
    """Reach → participants → completed per pilot (one component, or every component stacked in panels).

    Bars resting on values that are not published (assumption or synthetic) are hatched.
    """
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
                       label=STAGE_LABELS[stage])
        statuses = data[f"{stage}_status"] if f"{stage}_status" in data else data["status"]
        for bar, status, value in zip(bars, statuses, values):
            if status != "published":
                bar.set_hatch("///")
                bar.set_edgecolor("white")
            if np.isfinite(value):
                ax.text(bar.get_width() * 1.05, bar.get_y() + height / 2, formatting.number(value), va="center",
                        fontsize=FONT_PT - 1)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(v)))
    labels = [f"{PILOT_LABELS.get(p, p)} – {COMPONENT_LABELS.get(c, c)}" for p, c in rows]
    ax.set_yticks(base, labels, fontsize=FONT_PT)
    ax.set_xlabel("Nombre de personnes (échelle logarithmique)", fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    legend_below(ax, ncol=3, fontsize=FONT_PT - 1)
    _footnote(fig, "Barres hachurées : valeurs non publiées (hypothèse ou données synthétiques).")
    sns.despine(ax=ax)
    return fig


def forest_plot(labels, effects, ci_low, ci_high, pooled, *, xlabel: str = "Taille d'effet (d de Cohen)",
                title: str = "Effets par projet pilote et effet combiné", null_value: float = 0.0) -> Figure:
    """Per-study effects with their CI, the pooled diamond and its prediction interval."""
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
    names = [PILOT_LABELS.get(label, str(label)) for label in labels] + [f"Effet combiné ({pooled.method})"]
    ax.set_yticks(list(y) + [diamond_y], names, fontsize=FONT_PT)
    for yi, e, lo, hi in zip(list(y) + [diamond_y], list(effects) + [pooled.estimate], list(ci_low) + [pooled.ci_low],
                             list(ci_high) + [pooled.ci_high]):
        ax.text(1.01, yi, f"{_num(e)} [{_num(lo)} ; {_num(hi)}]",
                transform=ax.get_yaxis_transform(), va="center", fontsize=FONT_PT - 1)
    ax.set_xlabel(xlabel, fontsize=FONT_PT)
    ax.set_title(title, fontsize=FONT_PT + 1, loc="left")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(v, 1)))
    note = "Losange : effet combiné et IC à 95 %"
    if np.isfinite(pooled.pi_low):
        note += " ; tirets : intervalle de prédiction à 95 %"
    _footnote(fig, note + ".")
    sns.despine(ax=ax, left=True)
    return fig
