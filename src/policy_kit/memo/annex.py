"""How each recorded table reads in the annex: the columns a reader needs, numbers by meaning.

A recorded table keeps every column an analyst may want (up to 27); the annex shows the ones that
carry the result, at most about eight to a portrait page, and names the parquet file that holds
the rest. Column headers and codes come from ``labels`` (catalogue messages), so the annex reads
in the memo's language; option labels and payers are the user's words from params.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.memo import labels as L
from policy_kit.memo.content import Table
from policy_kit.records import Results

N_ = L.N_
DATA_NOTES_LANGUAGE = "en"  # the notes of data/pilots/*.csv


@dataclass
class AnnexContext:
    """What every table view needs: results, language, labels of options and parameters."""

    results: Results
    language: str
    _: Callable[[str], str]
    years: dict  # first and last year of the plan, for headers
    plan_options: dict[str, str]  # option code → label (params)
    model_options: dict[str, str]  # cost-benefit option code → label (params)
    components: dict[str, str]  # component code → label (params)
    effect_types: dict[str, str]  # component.<name>.effect.<transition> → rr or d
    min_cell: int
    parameter_kinds: dict[str, str] = field(default_factory=dict)

    def analysed_option(self) -> str:
        """The label of the option the sensitivity analyses are about (the recommendation, or the best extension)."""
        name = self.results.value("plan.sensitivity.option")
        return self.plan_options.get(name) or self.results.value("plan.sensitivity.option_label")

    def parameter(self, name: str, fallback: str | None = None) -> str:
        return L.parameter_label(name, self._, components=self.components, effect_types=self.effect_types,
                                 fallback=fallback)

    def parameter_cells(self, frame: pd.DataFrame) -> list[str]:
        """Parameter labels as table cells: translated, first letter up."""
        return [L.capitalise(self.parameter(p, lab)) for p, lab in zip(frame["parameter"], frame["label_fr"])]

    def frame(self, key: str, frame: pd.DataFrame, columns: list[str], codes=None, param_kinds=None) -> pd.DataFrame:
        return L.format_frame(key, frame, columns, self.language, self._, codes=codes, param_kinds=param_kinds,
                              years=self.years)

    def header(self, key: str, name: str) -> str:
        return L.header(key, name, self._, **self.years)

    def interval(self, low, high, kind: str, **kw) -> str:
        return L.interval(low, high, kind, self.language, self._, **kw)

    def table(self, key: str, data: pd.DataFrame, *, part: str = "", caption: str | None = None,
              shown_columns: int | None = None, shown_rows: int | None = None, **kw) -> Table:
        """A Table whose note names the full recorded file when columns or rows were left out."""
        entry = self.results.entry(key)
        recorded = self.results.table(key)
        notes = []
        if shown_rows is not None and shown_rows < len(recorded):
            notes.append(self._("{shown} of {total} rows shown.").format(shown=shown_rows, total=len(recorded)))
        if shown_columns is not None and shown_columns < recorded.shape[1]:
            notes.append(self._("{shown} of {total} columns shown.").format(shown=shown_columns, total=recorded.shape[1]))
        if notes:
            notes.append(self._("Full table: {path}").format(path=entry["path"]))
        if kw.get("note"):
            notes.insert(0, kw.pop("note"))
        return Table(data, caption or L.caption(key, entry, self._), key=f"tab:{key}{part}",
                     note=" ".join(notes) or None, **kw)


def blank_repeats(values: list[str]) -> list[str]:
    """A group label on its first row only: long grouped tables read as blocks."""
    out, previous = [], object()
    for v in values:
        out.append(v if v != previous else "")
        previous = v
    return out


# --------------------------------------------------------------------------- evidence

def margins(ctx: AnnexContext) -> list[Table]:
    key = "evidence.weights.margins"
    frame = ctx.results.table(key)
    data = ctx.frame(key, frame, list(frame.columns))
    first = data.columns[0]
    data[first] = blank_repeats(data[first].tolist())
    return [ctx.table(key, data)]


def prevalence(ctx: AnnexContext) -> list[Table]:
    key = "evidence.prevalence.table"
    frame = ctx.results.table(key)
    _ = ctx._
    data = pd.DataFrame({
        ctx.header(key, "label"): [L.code(c, _) if c in L.CODES else lab for c, lab in zip(frame["indicator"], frame["label"])],
        ctx.header(key, "definition"): [_(L.DEFINITIONS[c]) if c in L.DEFINITIONS else d
                                        for c, d in zip(frame["indicator"], frame["definition"])],
    })
    numbers = ctx.frame(key, frame, ["n", "cases", "unweighted", "weighted"])
    data = pd.concat([data, numbers], axis=1)
    data[_("95 % interval, weighted")] = [ctx.interval(lo, hi, "share") for lo, hi in zip(frame["weighted_low"], frame["weighted_high"])]
    # effective size and design effect are the same on every row: the section's opening sentence gives them
    return [ctx.table(key, data, shown_columns=9)]


def risk_factors(ctx: AnnexContext) -> list[Table]:
    key = "evidence.risk_factors.odds_ratios"
    frame = ctx.results.table(key)
    data = ctx.frame(key, frame, ["factor", "prevalence", "odds_ratio"])
    data[ctx._("95 % interval")] = [ctx.interval(lo, hi, "ratio") for lo, hi in zip(frame["ci_low"], frame["ci_high"])]
    data = pd.concat([data, ctx.frame(key, frame, ["p_value"])], axis=1)
    note = ctx._("Odds ratios from a logistic regression with all factors together: each one holds the others equal.")
    return [ctx.table(key, data, shown_columns=6, note=note)]


def subgroups(ctx: AnnexContext) -> list[Table]:
    """Suppressed groups show the threshold in the count column and no figure at all."""
    key = "evidence.subgroups.burnout_risk"
    frame = ctx.results.table(key)
    frame = frame.assign(_by=L.code_order(frame["by"]), _group=L.code_order(frame["group"]))
    frame = frame.sort_values(["_by", "_group"], kind="mergesort").reset_index(drop=True)
    data = ctx.frame(key, frame, ["by", "group", "n", "cases", "estimate"])
    data[ctx._("95 % interval")] = [ctx.interval(lo, hi, "share") for lo, hi in zip(frame["ci_low"], frame["ci_high"])]
    data = pd.concat([data, ctx.frame(key, frame, ["n_eff"])], axis=1)
    n_header = ctx.header(key, "n")
    hidden = frame["suppressed"].astype(bool).tolist()
    # only a group hidden for its own size shows « < min_cell »; one hidden for its cases or to protect another shows no count
    small = frame["suppression"].eq("small_group").tolist() if "suppression" in frame.columns else hidden
    for i, is_hidden in enumerate(hidden):
        if is_hidden:
            data.iloc[i, 2:] = fmt.MISSING
            data.loc[i, n_header] = f"< {ctx.min_cell}" if small[i] else fmt.MISSING
    first = data.columns[0]
    data[first] = blank_repeats(data[first].tolist())
    note = ctx._("Groups of fewer than {min_cell} respondents are suppressed: no figure is shown for them.").format(
        min_cell=ctx.min_cell)
    if not all(small[i] for i, is_hidden in enumerate(hidden) if is_hidden):
        note += " " + ctx._("So are groups with fewer than {min_cell} respondents at risk, and as many others as it takes that no "
                            "hidden figure can be worked out from the totals.").format(min_cell=ctx.min_cell)
    return [ctx.table(key, data, shown_columns=8, note=note)]


def funnels(ctx: AnnexContext) -> list[Table]:
    key = "evidence.pilots.funnels"
    frame = ctx.results.table(key)
    columns = ["pilot", "component", "reached", "participants", "completed", "participation_rate", "completion_rate",
               "status"]
    data = ctx.frame(key, frame, columns)
    data[data.columns[0]] = blank_repeats(data[data.columns[0]].tolist())
    note = ctx._("Status: « published » figures come from the pilots' reports; « synthetic » and « assumption » ones "
                 "stand in for figures not published.")
    return [ctx.table(key, data, shown_columns=len(columns), note=note)]


def prepost(ctx: AnnexContext) -> list[Table]:
    key = "evidence.pilots.prepost"
    frame = ctx.results.table(key)
    data = ctx.frame(key, frame, ["group", "n", "mean_pre", "mean_post", "mean_change", "t", "df", "p_value", "d_z"])
    data[ctx._("95 % interval")] = [ctx.interval(lo, hi, "number") for lo, hi in zip(frame["d_z_low"], frame["d_z_high"])]
    note = ctx._("BAT-12 mean scores (1 to 5, lower is better); no control group.")
    return [ctx.table(key, data, shown_columns=11, note=note)]


def dropped(ctx: AnnexContext) -> list[Table]:
    key = "evidence.survey.dropped_by_reason"
    frame = ctx.results.table(key)
    if frame.empty:
        return []
    return [ctx.table(key, ctx.frame(key, frame, list(frame.columns)))]


# --------------------------------------------------------------------------- cost-benefit

def results_tables(ctx: AnnexContext) -> list[Table]:
    """Sixteen columns: costs and benefits in one table, value for money in the other."""
    key = "economics.results.table"
    frame = ctx.results.table(key)
    money = ["label_fr", "cost", "benefit_allowances", "benefit_healthcare", "benefit_output", "benefit_closures",
             "benefit_wellbeing", "benefit"]
    value = ["label_fr", "npv", "bcr", "payback_year", "cases_averted", "invalidity_person_years_averted",
             "cost_per_case_averted"]
    _ = ctx._
    caption = L.caption(key, ctx.results.entry(key), _)
    return [
        ctx.table(key, ctx.frame(key, frame, money), part=":costs",
                  caption=_("{caption}: costs and benefits, present values").format(caption=caption)),
        ctx.table(key, ctx.frame(key, frame, value), part=":value", shown_columns=len(money) + len(value) - 1,
                  caption=_("{caption}: value for money").format(caption=caption)),
    ]


def incremental(ctx: AnnexContext) -> list[Table]:
    key = "economics.results.incremental"
    frame = ctx.results.table(key)
    columns = ["label_fr", "cost", "effect", "inc_cost", "inc_effect", "icer", "status"]
    return [ctx.table(key, ctx.frame(key, frame, columns), shown_columns=len(columns))]


def streams(ctx: AnnexContext) -> list[Table]:
    """Seventeen columns by option and year: the cumulative discounted net benefit, years down, options across."""
    key = "economics.results.streams"
    frame = ctx.results.table(key)
    wide = frame.pivot(index="year", columns="option", values="cumulative_net_discounted")
    order = [o for o in dict.fromkeys(frame["option"])]
    scale = L.money_scale(wide.to_numpy().ravel())
    data = pd.DataFrame({ctx.header(key, "year"): [str(int(y)) for y in wide.index]})
    for option in order:
        data[L.code(option, ctx._, ctx.model_options)] = [L.format_money(v, ctx.language, scale) for v in wide[option]]
    return [ctx.table(key, data, shown_columns=3)]


def one_way(ctx: AnnexContext) -> list[Table]:
    key = "plan.sensitivity.one_way"
    frame = ctx.results.table(key)
    kinds = frame["kind"].tolist()
    data = pd.DataFrame({ctx.header(key, "label_fr"): ctx.parameter_cells(frame)})
    data = pd.concat([data, ctx.frame(key, frame, ["value", "low", "high"], param_kinds=kinds),
                      ctx.frame(key, frame, ["at_low", "at_high"])], axis=1)
    note = ctx._("Sorted by swing, the largest first.")
    return [ctx.table(key, data, shown_columns=6, note=note)]


def switching(ctx: AnnexContext) -> list[Table]:
    key = "plan.sensitivity.switching"
    frame = ctx.results.table(key)
    kinds = [ctx.parameter_kinds.get(p, "other") for p in frame["parameter"]]
    data = pd.DataFrame({ctx.header(key, "label_fr"): ctx.parameter_cells(frame)})
    data = pd.concat([data, ctx.frame(key, frame, ["value"], param_kinds=kinds), ctx.frame(key, frame, ["within_range"])], axis=1)
    note = ctx._("Value at which the net present value of « {option} » against the reference changes sign; "
                 "« – »: no sign change on the searched domain.").format(option=ctx.analysed_option())
    return [ctx.table(key, data, shown_columns=3, note=note)]


def two_way(ctx: AnnexContext) -> list[Table]:
    """An 11 × 11 grid: the row parameter is named in the table, the column one (second largest swing) in the caption."""
    key = "plan.sensitivity.two_way"
    frame = ctx.results.table(key)
    row_name = frame.columns[0]
    one = ctx.results.table("plan.sensitivity.one_way")
    col_values = [float(c) for c in frame.columns[1:]]
    col_name = next((p for p in one["parameter"] if p != row_name), None)
    if col_name is not None:
        spec = one[one["parameter"] == col_name].iloc[0]
        if not (math.isclose(spec["low"], col_values[0]) and math.isclose(spec["high"], col_values[-1])):
            col_name = None  # not the pair the grid was drawn for: say less rather than something wrong
    row_kind = ctx.parameter_kinds.get(row_name, "other")
    col_kind = ctx.parameter_kinds.get(col_name, "other") if col_name else "other"
    scale = L.money_scale(frame.iloc[:, 1:].to_numpy().ravel())
    corner = ctx._("Rows: {row} / columns: {column}").format(
        row=ctx.parameter(row_name), column=ctx.parameter(col_name) if col_name else ctx._("second parameter"))
    data = pd.DataFrame({"": [L.format_param(v, row_kind, ctx.language) for v in frame[row_name]]})
    for name, x in zip(frame.columns[1:], col_values):
        data[L.format_param(x, col_kind, ctx.language)] = [L.format_money(v, ctx.language, scale) for v in frame[name]]
    caption = L.caption(key, ctx.results.entry(key), ctx._, option=ctx.analysed_option())
    return [ctx.table(key, data, caption=f"{caption}. {corner}")]


def psa_summary(ctx: AnnexContext) -> list[Table]:
    """Mean over its 95 % interval in one cell per measure."""
    key = "plan.psa.summary"
    frame = ctx.results.table(key)
    _ = ctx._
    data = pd.DataFrame({ctx.header(key, "label_fr"): frame["label_fr"].tolist()})
    headers = {"cost": N_("Cost"), "benefit": N_("Benefits"), "npv": N_("Net present value"), "cases_averted": N_("Cases averted")}
    for measure, title in headers.items():
        kind = "count" if measure == "cases_averted" else "money"
        scale = L.money_scale(frame[[f"{measure}_mean", f"{measure}_p2.5", f"{measure}_p97.5"]].to_numpy().ravel())
        cells = []
        for mean, lo, hi in zip(frame[f"{measure}_mean"], frame[f"{measure}_p2.5"], frame[f"{measure}_p97.5"]):
            m = L.format_cell(mean, kind, ctx.language, _, scale=scale)
            cells.append(f"{m}\n{ctx.interval(lo, hi, kind, scale=scale)}")
        data[_(title)] = cells
    data = pd.concat([data, ctx.frame(key, frame, ["p_npv_positive"])], axis=1)
    right = {c: "right" for c in data.columns[1:]}
    note = _("Each cell: mean over the draws, then the 2.5th to 97.5th percentiles.")
    return [ctx.table(key, data, alignments=right, note=note)]


def ceac(ctx: AnnexContext, step: float = 20_000) -> list[Table]:
    """Forty-one rows, one every 5 000 €: every fourth reads the same curves."""
    key = "plan.psa.ceac"
    frame = ctx.results.table(key)
    kept = frame[(frame["wtp"] % step).abs() < 1e-6].reset_index(drop=True)
    options = [c for c in frame.columns if c != "wtp"]
    data = ctx.frame(key, kept, ["wtp"])
    for option in options:
        data[L.code(option, ctx._, {**ctx.model_options, **ctx.plan_options})] = [fmt.percent(v, 1, ctx.language) for v in kept[option]]
    return [ctx.table(key, data, shown_rows=len(kept))]


# --------------------------------------------------------------------------- plan

def plan_summary(ctx: AnnexContext) -> list[Table]:
    key = "plan.summary"
    frame = ctx.results.table(key)
    _ = ctx._
    budget = ["label", "gross_cost_plan_years", "allowances_avoided_plan_years", "net_cost_plan_years", "annual_cost_full",
              "annual_cost_full_vs_current_budget_ratio"]
    value = ["label", "npv"]
    caption = L.caption(key, ctx.results.entry(key), _)
    value_data = ctx.frame(key, frame, value)
    scale = L.money_scale(frame[["npv_p2.5", "npv_p97.5"]].to_numpy().ravel())
    value_data[_("95 % interval")] = [ctx.interval(lo, hi, "money", scale=scale) for lo, hi in zip(frame["npv_p2.5"], frame["npv_p97.5"])]
    value_data = pd.concat([value_data, ctx.frame(key, frame, ["bcr", "cases_averted_plan_years", "cases_averted_horizon",
                                                                "p_npv_positive", "p_best"])], axis=1)
    shown = len(budget) + value_data.shape[1] - 1 + 1  # the interval shows two recorded columns
    return [
        ctx.table(key, ctx.frame(key, frame, budget), part=":budget",
                  caption=_("{caption}: budget impact, undiscounted").format(caption=caption)),
        ctx.table(key, value_data, part=":value", shown_columns=shown,
                  caption=_("{caption}: value for money, discounted").format(caption=caption)),
    ]


def ranking(ctx: AnnexContext) -> list[Table]:
    key = "plan.ranking"
    frame = ctx.results.table(key)
    columns = ["rank", "label", "components", "peak_annual_cost", "eligible", "npv", "cases_averted_plan_years"]
    return [ctx.table(key, ctx.frame(key, frame, columns), shown_columns=len(columns))]


def p_best(ctx: AnnexContext) -> list[Table]:
    key = "plan.p_best"
    frame = ctx.results.table(key)
    return [ctx.table(key, ctx.frame(key, frame, list(frame.columns), codes=ctx.plan_options))]


def what_would_change(ctx: AnnexContext) -> list[Table]:
    key = "plan.what_would_change"
    frame = ctx.results.table(key)
    kinds = [ctx.parameter_kinds.get(p, "other") for p in frame["parameter"]]
    data = pd.DataFrame({ctx.header(key, "label_fr"): ctx.parameter_cells(frame)})
    data = pd.concat([data, ctx.frame(key, frame, ["base"], param_kinds=kinds)], axis=1)
    data[ctx._("Plausible range")] = [ctx.interval(lo, hi, "param", param_kind=k) for lo, hi, k in zip(frame["low"], frame["high"], kinds)]
    data = pd.concat([data, ctx.frame(key, frame, ["value"], param_kinds=kinds),
                      ctx.frame(key, frame, ["within_range", "new_recommended"], codes=ctx.plan_options)], axis=1)
    return [ctx.table(key, data, shown_columns=8)]


def published(ctx: AnnexContext) -> list[Table]:
    """The figures the pilots published, each with its source; approximate wordings say so in the note."""
    key = "evidence.pilots.published"
    frame = ctx.results.table(key)
    if frame.empty:
        return []
    data = ctx.frame(key, frame, ["pilot", "component", "metric"])
    data[ctx.header(key, "value")] = [L.format_money(v, ctx.language, "unit") if m == "cost" else fmt.number(v, 0, ctx.language)
                                      for v, m in zip(frame["value"], frame["metric"])]
    data = pd.concat([data, ctx.frame(key, frame, ["source", "note"])], axis=1)
    if ctx.language != DATA_NOTES_LANGUAGE:
        # the data file's own words, quoted, rather than an English sentence in a French or Dutch annex
        note = ctx.header(key, "note")
        data[note] = [ctx._("« {text} »").format(text=t) if t and t != fmt.MISSING else t for t in data[note]]
    return [ctx.table(key, data, shown_columns=6)]


def yearly(ctx: AnnexContext) -> list[Table]:
    """Forty-odd rows: option, then payer, then year, each label once per block."""
    key = "plan.yearly"
    frame = ctx.results.table(key)
    order = {name: i for i, name in enumerate(ctx.plan_options)}
    frame = frame.assign(_option=frame["option"].map(lambda o: order.get(o, len(order))))
    frame = frame.sort_values(["_option", "payer", "year"], kind="mergesort").reset_index(drop=True)
    columns = ["label", "payer", "year", "gross_cost", "allowances_avoided", "healthcare_avoided", "net_cost",
               "cases_averted_incapacity", "participants"]
    data = ctx.frame(key, frame, columns)
    option_col, payer_col = data.columns[:2]
    blocks = list(zip(data[option_col], data[payer_col]))
    data[payer_col] = [p if i == 0 or blocks[i] != blocks[i - 1] else "" for i, p in enumerate(data[payer_col])]
    data[option_col] = blank_repeats(data[option_col].tolist())
    return [ctx.table(key, data, shown_columns=len(columns))]


VIEWS: dict[str, Callable[[AnnexContext], list[Table]]] = {
    "evidence.weights.margins": margins,
    "evidence.prevalence.table": prevalence,
    "evidence.risk_factors.odds_ratios": risk_factors,
    "evidence.subgroups.burnout_risk": subgroups,
    "evidence.pilots.published": published,
    "evidence.pilots.funnels": funnels,
    "evidence.pilots.prepost": prepost,
    "evidence.survey.dropped_by_reason": dropped,
    "economics.results.table": results_tables,
    "economics.results.incremental": incremental,
    "economics.results.streams": streams,
    "plan.sensitivity.one_way": one_way,
    "plan.sensitivity.switching": switching,
    "plan.sensitivity.two_way": two_way,
    "plan.psa.summary": psa_summary,
    "plan.psa.ceac": ceac,
    "plan.summary": plan_summary,
    "plan.ranking": ranking,
    "plan.p_best": p_best,
    "plan.what_would_change": what_would_change,
    "plan.yearly": yearly,
}


def generic(ctx: AnnexContext, key: str, max_columns: int = 8) -> list[Table]:
    """A table no view knows: its first columns, labelled and formatted by name."""
    frame = ctx.results.table(key)
    if frame.empty:
        return []
    columns = list(frame.columns[:max_columns])
    return [ctx.table(key, ctx.frame(key, frame, columns), shown_columns=len(columns))]


def tables_for(ctx: AnnexContext, key: str) -> list[Table]:
    return VIEWS.get(key, lambda c: generic(c, key))(ctx)
