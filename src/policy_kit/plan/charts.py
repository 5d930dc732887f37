"""Charts of the plan options: budget impact by year, cases averted, comparison with uncertainty.

Words and numbers in the run's language (``language``), through the catalogues the memo uses; 16 cm wide.
Each function returns a Figure.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from policy_kit import formatting as fmt
from policy_kit.economics.charts import FONT, WIDTH_IN, _money_axis, _wrap
from policy_kit.figures import new_figure
from policy_kit.i18n import translator
from policy_kit.legend import legend_below
from policy_kit.plan.options import PlanResults, option_totals


def _palette(results: PlanResults) -> dict[str, tuple]:
    return dict(zip(results.plan.options, sns.color_palette("deep", len(results.plan.options))))


def budget_impact(results: PlanResults, *, language: str = "fr") -> Figure:
    """Gross (bars) and net of allowances avoided (markers) yearly cost of each option; current budget dashed."""
    _ = translator(language)
    totals = option_totals(results.yearly).reset_index()
    names = list(results.plan.options)
    years = results.plan.years
    colours = _palette(results)
    width = 0.8 / len(names)
    fig, ax = new_figure(WIDTH_IN, WIDTH_IN * 0.75)
    x = np.arange(len(years))
    for i, name in enumerate(names):
        t = totals[totals["option"] == name].set_index("year").reindex(years)
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(pos, t["gross_cost"], width, color=colours[name], label=_wrap(results.label(name), 40))
        ax.scatter(pos, t["net_cost"], marker="_", s=80, color="black", zorder=3, label=_("net of allowances avoided") if i == 0 else None)
    ax.axhline(results.plan.current_budget.value, color="grey", ls="--", lw=0.8, label=_("current structural budget"))
    if results.plan.decision_rule.endswith("_under_cap"):
        ax.axhline(results.budget_cap, color="firebrick", ls=":", lw=1.0, label=_("budget cap"))
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xticks(x, [str(y) for y in years], fontsize=FONT)
    _money_axis(ax.yaxis, language)
    ax.tick_params(labelsize=FONT)
    ax.set_ylabel(_("Yearly cost (undiscounted)"), fontsize=FONT)
    ax.set_title(_("Budget impact by year and option: gross and net cost"), fontsize=FONT + 1)
    legend_below(ax, fontsize=FONT - 2)
    return fig


def cases_averted(results: PlanResults, *, language: str = "fr") -> Figure:
    """New incapacity cases averted per year by each option (against no programme)."""
    _ = translator(language)
    totals = option_totals(results.yearly).reset_index()
    colours = _palette(results)
    fig, ax = new_figure(WIDTH_IN, WIDTH_IN * 0.5)
    for name in results.plan.options:
        t = totals[totals["option"] == name]
        ax.plot(t["year"], t["cases_averted_incapacity"], marker="o", lw=1.6, color=colours[name], label=_wrap(results.label(name), 50))
    ax.set_xticks(results.plan.years, [str(y) for y in results.plan.years])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, 0, language)))
    ax.tick_params(labelsize=FONT)
    ax.set_ylabel(_("Incapacity cases averted"), fontsize=FONT)
    ax.set_title(_("New incapacity cases averted per year (against no programme)"), fontsize=FONT + 1)
    ax.grid(alpha=0.3)
    legend_below(ax, fontsize=FONT - 2)
    return fig


def option_comparison(results: PlanResults, *, language: str = "fr") -> Figure:
    """NPV against the baseline with its 95 % interval; options above the cap are greyed and marked."""
    _ = translator(language)
    s = results.summary
    names = [n for n in results.plan.options if n != results.baseline]
    colours = _palette(results)
    fig, ax = new_figure(WIDTH_IN, 0.6 * len(names) + 1.6)
    y = np.arange(len(names))[::-1]
    for yi, name in zip(y, names):
        row = s.loc[name]
        colour = colours[name] if row["eligible"] else "lightgrey"
        if "npv_p2.5" in s.columns:
            ax.hlines(yi, row["npv_p2.5"], row["npv_p97.5"], color=colour, lw=3)
        ax.scatter(row["npv"], yi, color="black" if row["eligible"] else "grey", zorder=3, s=30)
        text = _("best in {p} of draws").format(p=fmt.percent(row["p_best"], 0, language))
        if not row["eligible"]:
            text += " — " + _("above the cap")
        if name == results.recommended:
            text += " ★ " + _("recommended")
        ax.annotate(text, (row["npv"], yi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=FONT - 2)
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, [_wrap(results.label(n), 36) for n in names], fontsize=FONT - 1)
    _money_axis(ax.xaxis, language)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel(_wrap(_("Net present value against « {baseline} » (95 % interval)").format(
        baseline=results.label(results.baseline)), 80), fontsize=FONT)
    title = _("Options compared")
    if results.plan.decision_rule.endswith("_under_cap"):
        title = _("Options compared; cap {cap} a year").format(cap=fmt.money(results.budget_cap, language=language))
    ax.set_title(fmt.typography(title, language), fontsize=FONT + 1)
    ax.set_ylim(-0.7, len(names) - 0.3)
    fig.tight_layout()
    return fig
