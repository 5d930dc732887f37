"""Charts for the memo: tornado, cost-effectiveness plane, CEAC, two-way heatmap.

Sized for a 16 cm column; words and numbers in the run's language (``language``), through the catalogues
the memo uses. Each function returns a Figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from policy_kit import formatting as fmt
from policy_kit.figures import new_figure
from policy_kit.i18n import code, translator
from policy_kit.legend import legend_below

WIDTH_IN = 16 / 2.54
FONT = 9
LOW_COLOUR, HIGH_COLOUR = "#4C72B0", "#DD8452"


def _money_axis(axis, language: str = "fr") -> None:
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.money(x, language=language)))


def _wrap(text: str, width: int = 48) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def tornado(one_way_df: pd.DataFrame, *, top: int = 10, title: str | None = None, language: str = "fr",
            labels: dict[str, str] | None = None) -> Figure:
    """Bars from the base-case NPV to the NPV at each parameter's low (blue) and high (orange).

    ``labels`` gives each parameter's words in the run's language; the recorded ``label_fr`` otherwise.
    """
    _ = translator(language)
    labels = labels or {}
    df = one_way_df.head(top).iloc[::-1]
    base = one_way_df.attrs.get("base", 0.0)
    fig, ax = new_figure(WIDTH_IN, 0.45 * len(df) + 1.4)
    y = np.arange(len(df))
    ax.barh(y, df["at_low"] - base, left=base, color=LOW_COLOUR, label=_("Low value"))
    ax.barh(y, df["at_high"] - base, left=base, color=HIGH_COLOUR, label=_("High value"))
    ax.axvline(base, color="black", lw=0.8)
    ax.axvline(0, color="grey", lw=0.6, ls="--")
    names = [labels.get(p, t) for p, t in zip(df.get("parameter", df["label_fr"]), df["label_fr"])]
    # no-break spaces inside « » keep a quoted state on one line when the label wraps
    ax.set_yticks(y, [_wrap(fmt.typography(t[0].upper() + t[1:], language)) for t in names], fontsize=FONT - 1)
    _money_axis(ax.xaxis, language)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel(_("Net present value"), fontsize=FONT)
    title = title or "\n".join((_("One-way sensitivity analysis"),
                                _("Base-case net present value: {npv}").format(npv=fmt.money(base, language=language))))
    ax.set_title(fmt.typography(title, language), fontsize=FONT + 1)
    legend_below(ax, fontsize=FONT - 1)
    return fig


def ce_plane(plane_df: pd.DataFrame, *, wtp: float | None = None, max_points: int = 2000, seed: int = 0,
             language: str = "fr") -> Figure:
    """Incremental cost against cases of incapacity averted, one colour per option (vs statu quo)."""
    _ = translator(language)
    rng = np.random.default_rng(seed)
    parts = []
    for _name, g in plane_df.groupby("option", sort=False):
        parts.append(g.iloc[rng.permutation(len(g))[:max_points]] if len(g) > max_points else g)
    df = pd.concat(parts)
    fig, ax = new_figure(WIDTH_IN, WIDTH_IN * 0.7)
    sns.scatterplot(data=df, x="cases_averted", y="cost", hue="label_fr", s=6, alpha=0.35, linewidth=0, ax=ax)
    means = df.groupby("label_fr", sort=False)[["cases_averted", "cost"]].mean()
    ax.scatter(means["cases_averted"], means["cost"], marker="X", s=60, color="black", zorder=3, label=_("mean"))
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    if wtp is not None:
        xs = np.array([0.0, df["cases_averted"].max()])
        ax.plot(xs, wtp * xs, color="black", lw=0.8, ls="--", label=_("willingness to pay {amount} per case").format(amount=fmt.money(wtp, language=language)))
    _money_axis(ax.yaxis, language)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.number(x, 0, language)))
    ax.set_xlabel(_("Incapacity cases averted (discounted)"), fontsize=FONT)
    ax.set_ylabel(_("Programme cost"), fontsize=FONT)
    ax.set_title(_("Cost-effectiveness plane (against the status quo)"), fontsize=FONT + 1)
    ax.tick_params(labelsize=FONT)
    legend_below(ax, fontsize=FONT - 1, markerscale=2)
    return fig


def ceac(ceac_df: pd.DataFrame, labels_fr: dict[str, str] | None = None, *, language: str = "fr") -> Figure:
    """Probability that each option is the best choice, by willingness to pay per case averted.

    ``labels_fr``: option code → label in the run's language (the name predates other languages)."""
    _ = translator(language)
    labels = {"no_programme": code("no_programme", _), "status_quo": code("status_quo", _), **(labels_fr or {})}
    fig, ax = new_figure(WIDTH_IN, WIDTH_IN * 0.55)
    for col in ceac_df.columns:
        ax.plot(ceac_df.index, ceac_df[col], lw=1.6, label=labels.get(col, col))
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: fmt.percent(y, 0, language)))
    _money_axis(ax.xaxis, language)
    ax.set_xlabel(_("Willingness to pay per incapacity case averted"), fontsize=FONT)
    ax.set_ylabel(_("Probability of being the best option"), fontsize=FONT)
    ax.set_title(_("Cost-effectiveness acceptability curve"), fontsize=FONT + 1)
    ax.tick_params(labelsize=FONT)
    ax.grid(alpha=0.3)
    legend_below(ax, fontsize=FONT - 1)
    return fig


def two_way_heatmap(grid: pd.DataFrame, *, value_formatter=None, language: str = "fr",
                    labels: tuple[str, str] | None = None) -> Figure:
    """NPV over a grid of two parameters; a contour marks NPV = 0 when it is crossed.

    ``labels``: the two parameters' words in the run's language; the recorded French ones otherwise."""
    _ = translator(language)
    labels = labels or grid.attrs.get("labels_fr", (grid.index.name, grid.columns.name))
    fig, ax = new_figure(WIDTH_IN, WIDTH_IN * 0.7)
    data = grid.to_numpy() / 1e6
    lim = np.nanmax(np.abs(data)) or 1.0
    im = ax.imshow(data, origin="lower", aspect="auto", cmap="RdBu", vmin=-lim, vmax=lim)
    if np.nanmin(data) < 0 < np.nanmax(data):
        ax.contour(data, levels=[0.0], colors="black", linewidths=1)
    tick = value_formatter or (lambda v: fmt.number(v, 3 if abs(v) < 1 else 0, language))
    step = max(1, len(grid.columns) // 6)
    ax.set_xticks(range(0, len(grid.columns), step), [tick(v) for v in grid.columns[::step]], fontsize=FONT - 1)
    step = max(1, len(grid.index) // 6)
    ax.set_yticks(range(0, len(grid.index), step), [tick(v) for v in grid.index[::step]], fontsize=FONT - 1)
    ax.set_xlabel(_wrap(labels[1][0].upper() + labels[1][1:], 70), fontsize=FONT)
    ax.set_ylabel(_wrap(labels[0][0].upper() + labels[0][1:], 40), fontsize=FONT)
    cbar = fig.colorbar(im, ax=ax)
    cbar.set_label(_("Net present value, millions of euros"), fontsize=FONT)
    cbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, 0, language)))
    cbar.ax.tick_params(labelsize=FONT - 1)
    ax.set_title(_("Two-way sensitivity analysis"), fontsize=FONT + 1)
    fig.tight_layout()
    return fig
