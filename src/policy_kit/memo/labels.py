"""Every label the memo and the annex put on recorded results, in one place.

Earlier stages record tables with code-like column names (``cost_per_completer``), codes in their
cells (``homme``, ``ED``) and French captions. Here each gets an English catalogue message,
translated by the fr/nl/en catalogues, and each column the meaning of its numbers, so a share
prints as a percentage, money in euros and a count as a whole number in every language.
A name missing here is shown as recorded: a new column still prints, only untranslated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.i18n import (  # noqa: F401 - shared with the charts of every stage, re-exported
    CODES, COMPONENT_PARAMETERS, EFFECTS, N_, PARAMETERS, STATES, TRANSITION, Translate, capitalise, code,
    parameter_label,
)

# --------------------------------------------------------------------------- columns

@dataclass(frozen=True)
class Column:
    header: str  # catalogue message; may hold {first} and {last} (the plan years)
    kind: str  # how its numbers read: see format_cell


# Kinds: text (as recorded), code (a code translated through CODES), codes (a comma-separated list
# of codes), share, money, count, ratio, number, pvalue, year, bool, param (by the kind of the
# parameter on that row).
COLUMNS: dict[str, Column] = {
    # options and labels
    "option": Column(N_("Option"), "code"),
    "index": Column(N_("Option"), "code"),
    "label": Column(N_("Option"), "text"),
    "label_fr": Column(N_("Option"), "text"),
    "payer": Column(N_("Payer"), "text"),
    "components": Column(N_("Components"), "codes"),
    "year": Column(N_("Year"), "year"),
    # money
    "cost": Column(N_("Cost"), "money"),
    "benefit": Column(N_("Total benefits"), "money"),
    "net": Column(N_("Net benefit"), "money"),
    "npv": Column(N_("Net present value"), "money"),
    "allowances": Column(N_("Allowances avoided"), "money"),
    "healthcare": Column(N_("Healthcare avoided"), "money"),
    "output": Column(N_("Output preserved"), "money"),
    "closures": Column(N_("Closures avoided"), "money"),
    "wellbeing": Column(N_("Well-being"), "money"),
    "benefit_allowances": Column(N_("Allowances avoided"), "money"),
    "benefit_healthcare": Column(N_("Healthcare avoided"), "money"),
    "benefit_output": Column(N_("Output preserved"), "money"),
    "benefit_closures": Column(N_("Closures avoided"), "money"),
    "benefit_wellbeing": Column(N_("Well-being"), "money"),
    "cost_discounted": Column(N_("Cost, discounted"), "money"),
    "benefit_discounted": Column(N_("Benefits, discounted"), "money"),
    "net_discounted": Column(N_("Net benefit, discounted"), "money"),
    "cumulative_net_discounted": Column(N_("Cumulative net benefit, discounted"), "money"),
    "cost_per_case_averted": Column(N_("Cost per case averted"), "money"),
    "cost_per_completer": Column(N_("Cost per completed pathway"), "money"),
    "inc_cost": Column(N_("Incremental cost"), "money"),
    "icer": Column(N_("Incremental cost per case averted"), "money"),
    "gross_cost": Column(N_("Gross cost"), "money"),
    "allowances_avoided": Column(N_("Allowances avoided"), "money"),
    "healthcare_avoided": Column(N_("Healthcare avoided"), "money"),
    "net_cost": Column(N_("Net cost"), "money"),
    "gross_cost_plan_years": Column(N_("Gross cost {first}-{last}"), "money"),
    "allowances_avoided_plan_years": Column(N_("Allowances avoided {first}-{last}"), "money"),
    "net_cost_plan_years": Column(N_("Net cost {first}-{last}"), "money"),
    "extra_gross_cost_plan_years": Column(N_("Extra gross cost {first}-{last}"), "money"),
    "peak_annual_cost": Column(N_("Peak yearly cost"), "money"),
    "annual_cost_full": Column(N_("Yearly cost at full scale"), "money"),
    "annual_cost_full_minus_current_budget": Column(N_("Yearly cost minus current budget"), "money"),
    "cost_pv_vs_baseline": Column(N_("Extra cost, present value"), "money"),
    "benefit_pv_vs_baseline": Column(N_("Benefits, present value"), "money"),
    "npv_p2.5": Column(N_("Net present value, 2.5th percentile"), "money"),
    "npv_p97.5": Column(N_("Net present value, 97.5th percentile"), "money"),
    "cost_mean": Column(N_("Cost, mean"), "money"),
    "cost_p2.5": Column(N_("Cost, 2.5th percentile"), "money"),
    "cost_p97.5": Column(N_("Cost, 97.5th percentile"), "money"),
    "benefit_mean": Column(N_("Benefits, mean"), "money"),
    "benefit_p2.5": Column(N_("Benefits, 2.5th percentile"), "money"),
    "benefit_p97.5": Column(N_("Benefits, 97.5th percentile"), "money"),
    "npv_mean": Column(N_("Net present value, mean"), "money"),
    "at_low": Column(N_("Net present value at the low value"), "money"),
    "at_high": Column(N_("Net present value at the high value"), "money"),
    "swing": Column(N_("Swing"), "money"),
    "wtp": Column(N_("Value given to a case averted"), "money"),
    # ratios and returns
    "bcr": Column(N_("Returned per euro"), "ratio"),
    "roi": Column(N_("Return on investment"), "ratio"),
    "annual_cost_full_vs_current_budget_ratio": Column(N_("Yearly cost / current budget"), "ratio"),
    "odds_ratio": Column(N_("Odds ratio"), "ratio"),
    "deff": Column(N_("Design effect"), "ratio"),
    # counts
    "n": Column(N_("Respondents"), "count"),
    "cases": Column(N_("Cases"), "count"),
    "n_eff": Column(N_("Effective sample size"), "count"),
    "participants": Column(N_("Participants"), "count"),
    "reached": Column(N_("Reached"), "count"),
    "completed": Column(N_("Completed"), "count"),
    "sessions": Column(N_("Sessions"), "count"),
    "cases_averted": Column(N_("Cases averted"), "count"),
    "cases_averted_mean": Column(N_("Cases averted, mean"), "count"),
    "cases_averted_p2.5": Column(N_("Cases averted, 2.5th percentile"), "count"),
    "cases_averted_p97.5": Column(N_("Cases averted, 97.5th percentile"), "count"),
    "cases_averted_plan_years": Column(N_("Cases averted {first}-{last}"), "count"),
    "cases_averted_horizon": Column(N_("Cases averted, model horizon"), "count"),
    "cases_averted_incapacity": Column(N_("Incapacity cases averted"), "count"),
    "invalidity_py_averted": Column(N_("Invalidity person-years averted"), "count"),
    "invalidity_person_years_averted": Column(N_("Invalidity person-years averted"), "count"),
    "invalidity_person_years_averted_horizon": Column(N_("Invalidity person-years averted, model horizon"), "count"),
    "inc_effect": Column(N_("Incremental cases averted"), "count"),
    "effect": Column(N_("Cases averted"), "count"),
    "n_rows": Column(N_("Rows"), "count"),
    "rank": Column(N_("Rank"), "count"),
    "df": Column(N_("Degrees of freedom"), "count"),
    # shares and probabilities
    "p_npv_positive": Column(N_("Probability of paying back"), "share"),
    "p_best": Column(N_("Probability of being the best option"), "share"),
    "society.npv": Column(N_("Net present value for society"), "money"),
    "society.bcr": Column(N_("Returned per euro to society"), "ratio"),
    "society.p_npv_positive": Column(N_("Probability of paying back to society"), "share"),
    "social_security.npv": Column(N_("Net present value for the social-security budget"), "money"),
    "social_security.bcr": Column(N_("Returned per euro to the social-security budget"), "ratio"),
    "social_security.p_npv_positive": Column(N_("Probability of paying back to the social-security budget"), "share"),
    "prevalence": Column(N_("Prevalence"), "share"),
    "estimate": Column(N_("Estimate"), "share"),
    "unweighted": Column(N_("Unweighted"), "share"),
    "unweighted_low": Column(N_("Unweighted, lower bound"), "share"),
    "unweighted_high": Column(N_("Unweighted, upper bound"), "share"),
    "weighted": Column(N_("Weighted"), "share"),
    "weighted_low": Column(N_("Weighted, lower bound"), "share"),
    "weighted_high": Column(N_("Weighted, upper bound"), "share"),
    "ci_low": Column(N_("Lower bound"), "share"),
    "ci_high": Column(N_("Upper bound"), "share"),
    "participation_rate": Column(N_("Participation rate"), "share"),
    "completion_rate": Column(N_("Completion rate"), "share"),
    "satisfaction": Column(N_("Satisfaction"), "share"),
    "échantillon": Column(N_("Sample"), "share"),
    "pondéré": Column(N_("Weighted"), "share"),
    "population": Column(N_("Population"), "share"),
    # statistics
    "mean_pre": Column(N_("Mean before"), "number"),
    "mean_post": Column(N_("Mean after"), "number"),
    "mean_change": Column(N_("Mean change"), "number"),
    "t": Column(N_("t statistic"), "number"),
    "p_value": Column(N_("p-value"), "pvalue"),
    "d_z": Column(N_("Effect size (d_z)"), "number"),
    "d_z_low": Column(N_("Effect size, lower bound"), "number"),
    "d_z_high": Column(N_("Effect size, upper bound"), "number"),
    "var_dz": Column(N_("Variance of the effect size"), "number"),
    # codes, texts and flags
    "indicator": Column(N_("Indicator"), "code"),
    "definition": Column(N_("Definition"), "text"),
    "factor": Column(N_("Risk factor"), "code"),
    "reading": Column(N_("Reading"), "text"),
    "by": Column(N_("Breakdown"), "code"),
    "group": Column(N_("Group"), "code"),
    "display": Column(N_("Shown as"), "text"),
    "suppressed": Column(N_("Suppressed"), "bool"),
    "suppression": Column(N_("Why hidden"), "text"),
    "pilot": Column(N_("Pilot"), "code"),
    "component": Column(N_("Component"), "code"),
    "status": Column(N_("Status"), "code"),
    "status_fr": Column(N_("Status"), "text"),
    "reached_status": Column(N_("Status of the reach figure"), "code"),
    "participants_status": Column(N_("Status of the participants figure"), "code"),
    "completed_status": Column(N_("Status of the completion figure"), "code"),
    "cost_status": Column(N_("Status of the cost figure"), "code"),
    "small_sample": Column(N_("Small sample"), "bool"),
    "column": Column(N_("Column"), "text"),
    "reason": Column(N_("Reason"), "text"),
    "example_rows": Column(N_("Example rows"), "text"),
    "metric": Column(N_("Figure"), "code"),
    "source": Column(N_("Source"), "text"),
    "vintage": Column(N_("Vintage"), "text"),
    "note": Column(N_("Note"), "text"),
    "extra_annual_cost": Column(N_("Extra yearly cost"), "money"),
    "extra_reach": Column(N_("Extra self-employed reached"), "count"),
    "extra_net_cost": Column(N_("Extra net budget impact"), "money"),
    "annual_cost": Column(N_("Yearly cost"), "money"),
    "reach": Column(N_("Self-employed reached"), "count"),
    "bcr_social_security": Column(N_("Returned per euro: social security"), "ratio"),
    "bcr_society": Column(N_("Returned per euro: society"), "ratio"),
    "p_npv_positive_social_security": Column(N_("Chances of paying back for social security"), "share"),
    "p_npv_positive_society": Column(N_("Chances of paying back for society"), "share"),
    "variable": Column(N_("Variable"), "code"),
    "modalité": Column(N_("Category"), "code"),
    "parameter": Column(N_("Parameter"), "text"),
    "kind": Column(N_("Kind"), "code"),
    "value": Column(N_("Value"), "param"),
    "base": Column(N_("Base value"), "param"),
    "low": Column(N_("Low value"), "param"),
    "high": Column(N_("High value"), "param"),
    "within_range": Column(N_("Within the plausible range"), "bool"),
    "lower_switch": Column(N_("Lower switching value"), "param"),
    "upper_switch": Column(N_("Upper switching value"), "param"),
    "direction": Column(N_("Recommendation holds while the parameter stays"), "code"),
    "new_recommended": Column(N_("Option recommended past that value"), "code"),
    "increasing": Column(N_("Net present value rises with the parameter"), "bool"),
    "base_positive": Column(N_("Net present value positive in the base case"), "bool"),
    "sentence_fr": Column(N_("Reading"), "text"),
    "eligible": Column(N_("Under the cap"), "bool"),
    "annual_cost_full_year": Column(N_("Full scale from"), "year"),
    "payback_year": Column(N_("Pays back in"), "year"),
}
# Tables whose column names are data, not labels: option codes (labelled from params) and the
# grid values of the two-way analysis (formatted as the parameter they belong to).
DATA_COLUMNS = {"plan.psa.ceac": "option codes", "plan.sensitivity.two_way": "parameter values"}

# Where one name means something else in one table.
TABLE_COLUMNS: dict[str, dict[str, Column]] = {
    "evidence.prevalence.table": {"label": Column(N_("Indicator"), "text")},
    "evidence.risk_factors.odds_ratios": {"ci_low": Column(N_("Lower bound"), "ratio"),
                                          "ci_high": Column(N_("Upper bound"), "ratio")},
    "evidence.pilots.prepost": {"group": Column(N_("Pilot"), "code"), "n": Column(N_("Participants"), "count")},
    "plan.sensitivity.one_way": {"label_fr": Column(N_("Parameter"), "text")},
    "plan.sensitivity.switching": {"label_fr": Column(N_("Parameter"), "text"),
                                        "value": Column(N_("Switching value"), "param")},
    # the model validation tables (shown by memo.stage._validation)
    "economics.calibration": {"target": Column(N_("Measure"), "code"), "label_fr": Column(N_("Measure"), "text"),
                              "source": Column(N_("Source"), "text"), "published": Column(N_("Published"), "count"),
                              "modelled": Column(N_("Modelled"), "count"), "tolerance": Column(N_("Tolerance"), "count"),
                              "within": Column(N_("Within tolerance"), "bool")},
    "economics.validation.replication": {"measure": Column(N_("Measure"), "code"), "published": Column(N_("Published"), "count"),
                                         "reproduced": Column(N_("Reproduced"), "count"),
                                         "relative_difference": Column(N_("Relative difference"), "share"),
                                         "within": Column(N_("Within tolerance"), "bool")},
    "economics.status_quo.states": {"state": Column(N_("State"), "code"), "persons": Column(N_("Persons"), "count")},
    "economics.psa.inputs": {"distribution": Column(N_("Distribution"), "code"),
                             "q025": Column(N_("Lower quantile of the draws"), "param"),
                             "q975": Column(N_("Upper quantile of the draws"), "param"),
                             "mean": Column(N_("Mean of the draws"), "param")},
    "economics.results.table": {"cases_averted": Column(N_("Cases averted, undiscounted"), "count"),
                                "cost_per_case_averted": Column(N_("Cost per case averted (discounted cases)"), "money")},
    "economics.results.incremental": {"effect": Column(N_("Cases averted, discounted"), "count"),
                                      "inc_effect": Column(N_("Incremental cases averted, discounted"), "count")},
    "plan.what_would_change": {"label_fr": Column(N_("Parameter"), "text"),
                               "value": Column(N_("Nearest switching value"), "param")},
}


def column(table: str, name: str) -> Column:
    """How column ``name`` of recorded table ``table`` is labelled and formatted."""
    found = TABLE_COLUMNS.get(table, {}).get(name) or COLUMNS.get(name)
    return found or Column(name, "text")


def header(table: str, name: str, _: Translate, **years) -> str:
    text = _(column(table, name).header)
    return text.format(**years) if years and "{" in text else text


# --------------------------------------------------------------------------- codes in cells

# Indicator definitions, translated; the recorded French one is kept for an unknown indicator.
DEFINITIONS: dict[str, str] = {
    "burnout_risk": N_("BAT-12 score above the at-risk cut-off"),
    "stress_high": N_("stress 4 or 5 out of 5"),
    "sleep_poor": N_("sleep quality 1 or 2 out of 5"),
    "isolation_high": N_("isolation 4 or 5 out of 5"),
    "conflict_high": N_("difficulty combining work and family 4 or 5 out of 5"),
}


def code_order(values: Iterable) -> list[int]:
    """Sort key for codes in CODES order (« under 40 h » before « 40 to 49 h »)."""
    order = {c: i for i, c in enumerate(CODES)}
    return [order.get(str(v), len(order)) for v in values]


# --------------------------------------------------------------------------- numbers by meaning

def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def money_scale(values: Iterable) -> str:
    """One unit per column: millions when the column reaches a million, whole euros otherwise."""
    finite = [abs(float(v)) for v in values if not _missing(v) and math.isfinite(float(v))]
    return "million" if finite and max(finite) >= 1e6 else "unit"


def format_money(value, language: str, scale: str) -> str:
    if _missing(value):
        return fmt.MISSING
    if value == 0:
        return fmt.money(0, 0, language, scale="unit")
    if scale == "million":
        return fmt.money(value, 2, language, scale="million")
    return fmt.money(value, 2 if abs(value) < 100 and round(value, 2) != round(value) else 0, language, scale="unit")


def format_param(value, kind: str, language: str) -> str:
    """A parameter value by its kind: shares and probabilities in %, costs in €, others as numbers."""
    if _missing(value):
        return fmt.MISSING
    if kind in ("probability", "share", "rate"):
        return fmt.percent(value, decimals_needed(value * 100, 2), language)
    if kind == "cost":
        return format_money(value, language, "unit")
    if kind == "count":
        return fmt.number(value, 0, language)
    return fmt.number(value, decimals_needed(value, 3), language)


def decimals_needed(x: float, most: int) -> int:
    """Just the decimals a value has (up to ``most``): 2 → 0, 2.5 → 1, 0.104 → 3."""
    for d in range(most + 1):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            return d
    return most


def format_cell(value, kind: str, language: str, _: Translate, *, scale: str = "unit",
                codes: Mapping[str, str] | None = None, param_kind: str = "other") -> str:
    """One cell by the meaning of its column (see COLUMNS)."""
    if kind == "code":
        return code(value, _, codes)
    if kind == "codes":
        return fmt.MISSING if _missing(value) else ", ".join(code(c.strip(), _, codes) for c in str(value).split(","))
    if _missing(value):
        return fmt.MISSING
    if kind == "bool":
        return _("yes") if bool(value) else _("no")
    if kind == "text" or isinstance(value, str):
        return str(value)
    value = float(value)
    if kind == "money":
        return format_money(value, language, scale)
    if kind == "share":
        return fmt.percent(value, 1, language)
    if kind == "count":
        return fmt.number(round(value), 0, language)
    if kind == "ratio":
        return fmt.number(value, 2, language)
    if kind == "pvalue":
        return "< " + fmt.number(0.001, 3, language) if value < 0.001 else fmt.number(value, 3, language)
    if kind == "year":
        return str(int(value))
    if kind == "param":
        return format_param(value, param_kind, language)
    return fmt.number(value, 3 if abs(value) < 0.1 else 2, language)


def format_frame(table: str, frame: pd.DataFrame, columns: list[str], language: str, _: Translate, *,
                 codes: Mapping[str, str] | None = None, param_kinds: list[str] | None = None,
                 years: Mapping[str, object] | None = None) -> pd.DataFrame:
    """The listed columns of a recorded table as strings, headers translated, numbers by meaning."""
    out = {}
    for name in columns:
        col = column(table, name)
        values = frame[name].tolist()
        scale = money_scale(values) if col.kind == "money" else "unit"
        kinds = param_kinds or ["other"] * len(values)
        out[header(table, name, _, **(years or {}))] = [
            format_cell(v, col.kind, language, _, scale=scale, codes=codes, param_kind=k) for v, k in zip(values, kinds)]
    return pd.DataFrame(out)


def interval(low, high, kind: str, language: str, _: Translate, *, scale: str = "unit", param_kind: str = "other") -> str:
    """« 23,1 % – 31,1 % »: both bounds with their unit, so each reads on its own."""
    if _missing(low) or _missing(high):
        return fmt.MISSING
    lo = format_cell(low, kind, language, _, scale=scale, param_kind=param_kind)
    hi = format_cell(high, kind, language, _, scale=scale, param_kind=param_kind)
    return f"{lo} – {hi}"


# --------------------------------------------------------------------------- captions and rules

CAPTIONS: dict[str, str] = {
    "evidence.weights.margins": N_("Sample, weighted and population margins"),
    "evidence.prevalence.table": N_("Weighted and unweighted prevalence"),
    "evidence.risk_factors.odds_ratios": N_("Risk factors for burn-out (odds ratios)"),
    "evidence.subgroups.burnout_risk": N_("Burn-out risk by subgroup"),
    "evidence.pilots.published": N_("Figures published by the pilots"),
    "evidence.pilots.funnels": N_("From people reached to completed pathways, by pilot"),
    "evidence.pilots.prepost": N_("Before/after change of the accompanied participants"),
    "evidence.survey.dropped_by_reason": N_("Survey answers dropped, by reason"),
    "economics.results.table": N_("Results of each component alone, against no programme"),
    "economics.results.incremental": N_("Incremental analysis: cost per incapacity case averted"),
    "economics.results.streams": N_("Cumulative discounted net benefit by year and option"),
    "plan.sensitivity.one_way": N_("One-way sensitivity analysis of the net present value"),
    "plan.sensitivity.switching": N_("Switching values of the net present value"),
    "plan.sensitivity.two_way": N_("Net present value of « {option} » against the reference as the two most influential parameters vary"),
    "plan.psa.summary": N_("Probabilistic analysis: means and 95 % intervals"),
    "plan.psa.ceac": N_("Probability that each option is the best, by value given to a case averted"),
    "plan.summary": N_("Comparison of the options"),
    "plan.ranking": N_("Ranking under the decision rule"),
    "plan.p_best": N_("Probability that each option is the best"),
    "plan.what_would_change": N_("What would change the decision"),
    "plan.yearly": N_("Yearly undiscounted budget impact, by option and payer"),
    # figures
    "evidence.prevalence.chart": N_("Weighted prevalence of the work-related health indicators"),
    "evidence.subgroups.chart": N_("Burn-out risk by subgroup"),
    "evidence.pilots.funnel_chart": N_("Accompaniment: from people referred to completed pathways"),
    "evidence.pooled.forest": N_("Effect of the accompaniment by pilot and pooled effect"),
    "plan.sensitivity.tornado": N_("Parameters that move the net present value of « {option} » against the reference most"),
    "plan.psa.ce_plane": N_("Cost-effectiveness plane: cost and cases averted of each draw"),
    "plan.psa.ceac_chart": N_("Probability that each option is the best, by value given to a case averted"),
    "plan.budget_chart": N_("Yearly budget impact by option, gross and net of allowances avoided"),
    "plan.cases_chart": N_("Incapacity cases averted by year and option"),
    "plan.comparison_chart": N_("Net present value of each option and its 95 % interval"),
}
ALT_TEXTS: dict[str, str] = {
    "evidence.prevalence.chart": N_("Horizontal bars: weighted share of respondents for each indicator, with its 95 % confidence interval"),
    "evidence.subgroups.chart": N_("Horizontal bars of the weighted burn-out risk by gender, sector, region and working hours; cells of fewer than {min_cell} respondents are hidden"),
    "evidence.pilots.funnel_chart": N_("Funnel by pilot: people referred, accompanied and pathways completed"),
    "evidence.pooled.forest": N_("Forest plot: before/after effect of each pilot with its interval, and a diamond for the pooled effect"),
    "plan.sensitivity.tornado": N_("Tornado chart: change in the net present value of « {option} » against the reference when each parameter moves from its low to its high bound"),
    "plan.psa.ce_plane": N_("Scatter of the probabilistic draws: programme cost on the vertical axis, incapacity cases averted on the horizontal axis, by option"),
    "plan.psa.ceac_chart": N_("Acceptability curves: probability that each option is the most worthwhile as a function of the value given to a case averted"),
    "plan.budget_chart": N_("Bars by year and option: gross yearly cost and cost net of incapacity allowances avoided, in undiscounted euros"),
    "plan.cases_chart": N_("Lines by option of the new primary incapacity cases averted each year"),
    "plan.comparison_chart": N_("Points and intervals of the net present value of each option against the reference situation, with the budget cap"),
}
RULES: dict[str, str] = {
    "max_npv_under_cap": N_("the highest net present value among the options whose yearly cost stays under the cap"),
    "max_npv": N_("the highest net present value"),
    "max_cases_under_cap": N_("the most incapacity cases averted among the options whose yearly cost stays under the cap"),
}


def caption(key: str, entry: Mapping, _: Translate, **values) -> str:
    """The caption of a recorded table or figure; `values` fill its placeholders (the analysed option).
    Without them, the caption the step recorded, which names the option itself."""
    try:
        return _(CAPTIONS[key]).format(**values) if key in CAPTIONS else (entry.get("caption") or key)
    except KeyError:
        return entry.get("caption") or key


def alt_text(key: str, entry: Mapping, _: Translate, **values) -> str:
    try:
        return _(ALT_TEXTS[key]).format(**values) if key in ALT_TEXTS else entry["alt"]
    except KeyError:
        return entry["alt"]


def rule_text(rule: str, _: Translate, recorded: str | None = None) -> str:
    return _(RULES[rule]) if rule in RULES else (recorded or rule)


def messages() -> list[str]:
    """Every catalogue message of this module (a test checks each one is in the catalogues)."""
    found = [c.header for c in COLUMNS.values()]
    found += [c.header for table in TABLE_COLUMNS.values() for c in table.values()]
    found += [*CODES.values(), *DEFINITIONS.values(), *STATES.values(), *PARAMETERS.values(),
              *COMPONENT_PARAMETERS.values(), TRANSITION, *EFFECTS.values(), *CAPTIONS.values(),
              *ALT_TEXTS.values(), *RULES.values(), "yes", "no"]
    return sorted(set(found))
