"""Notebook 04: compose the memo and its annex from recorded results only, render them, check them.

Every figure in the text comes from a recorded result through `bind`/`format_result`, so the memo,
the annex and the checker agree. Sentences are gettext messages (English ids, catalogues per
language); labels of recorded columns, codes and parameters come from `labels`. What earlier stages
wrote in French (sentences, captions) is recomposed here from their structured records.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import warnings
from pathlib import Path

import pandas as pd
from babel.lists import format_list
from pydantic import BaseModel

from policy_kit import formatting as fmt
from policy_kit import records
from policy_kit.economics.discounting import load_discount_schedule
from policy_kit.memo import annex as views
from policy_kit.memo import figures as F
from policy_kit.memo import jargon
from policy_kit.memo import labels as L
from policy_kit.memo.bind import bind, format_result
from policy_kit.memo.checker import check_counts, check_or_raise
from policy_kit.memo.content import (
    DocumentProperties,
    Figure,
    Header,
    KeyFigure,
    KeyMessage,
    MemoContent,
    NumberedList,
    Paragraph,
    Provenance,
    Run,
    Footnote,
    Section,
    Table,
)
from policy_kit.memo.i18n import demo_banner, translator
from policy_kit.memo.render import render, render_annex
from policy_kit.errors import UserError
from policy_kit.notebook import Finding, Stage
from policy_kit.params.sourced import Sourced
from policy_kit.records import Results

MEMO_FILE, ANNEX_FILE = "memo.docx", "annex.docx"
N_ = L.N_

# key → (label, note): catalogue messages that may name {first}, {last} and {reference}
KEY_FIGURE_LABELS = {
    "memo.recommended.extra_annual_cost": (N_("extra cost a year in {last}"), N_("over the reference")),
    "memo.recommended.bcr_social_security": (N_("returned to social security per euro"), N_("allowances and care avoided")),
    "memo.recommended.bcr_society": (N_("returned to society per euro"), N_("income kept included")),
    "memo.recommended.cases_averted": (N_("incapacity cases averted"), N_("from {first} to {last}")),
    "memo.recommended.extra_net_cost": (N_("extra net budget impact"), N_("from {first} to {last}")),
    "memo.recommended.p_npv_positive_society": (N_("chances of paying back for society"), ""),
}
SOURCES = {
    "pilot": N_("UCM Voice, « Bien-être des indépendants : c'est la fin », 15 September 2023; UCM Voice, « Les indépendant.e.s "
                "ne trouvent plus le sommeil », 23 November 2022; UCM Magazine, « Icarius, pour le bien-être des indépendants »; "
                "Trends/Le Vif (Belga), September 2022; Plus Magazine/Knack, April 2023 (Acerta); Sudinfo, 29 September 2022 (Liantis)."),
    "survey": N_("UCM Voice, « Les indépendant.e.s ne trouvent plus le sommeil », 23 November 2022; La Libre Belgique, 2 December 2022."),
    "population": N_("INASTI, « Retour sur les grandes tendances 2023 du secteur indépendant », 23 May 2024; FPS Economy, paid leave of the self-employed."),
    "incapacity": N_("FPS Economy, paid leave of the self-employed (primary incapacity, 2022); AIM/INAMI study reported by De Tijd, April 2024."),
    "first_contact": N_("FPS Social Security, « Le bien-être mental au travail chez les indépendants »; De Tijd, June 2024. Structural budget:"),
}
# The decision rule in plain words, for the memo; the annex keeps the technical wording (labels.RULES).
PLAIN_RULES = {
    "max_npv_under_cap": N_("the option that returns most to society, net of its cost, among those whose yearly cost stays under the cap"),
    "max_npv": N_("the option that returns most to society, net of its cost"),
    "max_cases_under_cap": N_("the option that averts most incapacity cases among those whose yearly cost stays under the cap"),
}
SCHEDULES = {
    "kce-2012": N_("Belgian guidelines (KCE)"),
    "green-book-2022": N_("Green Book (HM Treasury)"),
    "eu-better-regulation": N_("European Commission (Better Regulation)"),
    "budget-impact-undiscounted": N_("budget impact (ISPOR), undiscounted"),
}
# Risk factors as a noun phrase inside a sentence (« … is highest with long working weeks »).
FACTOR_PHRASES = {
    "long_hours": N_("long working weeks"),
    "sleep_poor": N_("poor sleep"),
    "isolation_high": N_("isolation"),
    "conflict_high": N_("work–family conflict"),
    "resources_low": N_("few resources"),
}
MEMO_CHANGES = 2  # "two or three sentences with switching values": two keep the memo to three pages


def _provenance(stage: Stage) -> dict:
    return json.loads((stage.run_dir / "provenance.json").read_text(encoding="utf-8"))


def _value(stage: Stage, key: str, exact: bool = False) -> str:
    return format_result(stage.inputs, key, stage.params.meta.language, exact=exact)


def _synthetic(stage: Stage) -> bool:
    return bool(stage.inputs.value("evidence.survey.synthetic")) or "synthetic" in stage.params.evidence.pilots.prepost


class MemoDateWarning(UserWarning):
    """The memo takes the run date, and that date falls after the first year of the plan it prepares."""


def memo_date(stage: Stage, today: dt.date | None = None) -> dt.date:
    """``meta.date``, or the run date when params give none; params refuse a set date after the plan's first
    year, and the run date past it is warned about (the memo then argues for a plan already under way)."""
    if stage.params.meta.date is not None:
        return stage.params.meta.date
    date = today or dt.date.today()
    if date.year > stage.params.plan.first_year:
        warnings.warn(f"meta.date is not set, so the memo takes the run date ({date.isoformat()}), which is after the "
                      f"plan's first year ({stage.params.plan.first_year}); set meta.date in the params file",
                      MemoDateWarning, stacklevel=2)
    return date


def _header(stage: Stage, _) -> Header:
    meta = stage.params.meta
    return Header(to=meta.addressee, from_=meta.author, date=fmt.date(memo_date(stage), meta.language),
                  subject=meta.title, classification=meta.classification)


def _properties(stage: Stage, kind: str) -> tuple[DocumentProperties, Provenance]:
    meta, prov = stage.params.meta, _provenance(stage)
    _ = translator(meta.language)
    props = DocumentProperties(title=f"{meta.title} — {kind}", author=meta.author, subject=meta.title,
                               keywords=["burn-out", _("self-employed"), _("prevention"), "Icarius"])
    provenance = Provenance(run_id=prov["run_id"], params_hash=prov["params_sha256"], data_hashes=prov["data_sha256"],
                            git_commit=prov["git_commit"], package_version=prov["package_version"])
    return props, provenance


def _figure(stage: Stage, key: str, _, width_cm: float, figure_key: str | None = None) -> Figure:
    res = stage.inputs
    entry = res.entry(key)
    values = {}
    if key.startswith("plan.sensitivity.") and "plan.sensitivity.option" in res:
        option = res.value("plan.sensitivity.option")
        values["option"] = _plan_options(stage).get(option) or res.value("plan.sensitivity.option_label")
    return Figure(res.figure_path(key), L.caption(key, entry, _, **values),
                  alt_text=L.alt_text(key, entry, _, min_cell=stage.params.evidence.min_cell, **values),
                  key=figure_key or f"fig:{key}", width_cm=width_cm)


def discounting_text(stage: Stage, _) -> str:
    """« Belgian guidelines (KCE): costs 3 %, health effects 1.5 % », from the schedule the model used."""
    lang = stage.params.meta.language
    schedule = load_discount_schedule(stage.params.economics.discount_schedule)
    rates = lambda bands: " → ".join(fmt.percent(b.rate, L.decimals_needed(b.rate * 100, 1), lang) for b in bands)  # noqa: E731
    return _("{name}: costs {costs}, health effects {health}").format(
        name=_(SCHEDULES[schedule.name]) if schedule.name in SCHEDULES else schedule.label_fr,
        costs=rates(schedule.costs), health=rates(schedule.health))


# --------------------------------------------------------------------------- what would change the decision

def parameter_kinds(stage: Stage) -> dict[str, str]:
    """Kind of each model parameter (share, cost, …) as the sensitivity analysis recorded it."""
    one_way = stage.inputs.table("plan.sensitivity.one_way")
    kinds = dict(zip(one_way["parameter"], one_way["kind"]))
    kinds["budget_cap"] = "cost"
    return kinds


def _reader_value(x: float, kind: str, language: str, decimals: int = 1) -> str:
    """A parameter value rounded for the reader: « 2,8 % », « 1 900 € », « 0,41 »."""
    if kind in ("probability", "share", "rate"):
        return fmt.percent(x, decimals, language)
    if kind == "cost":
        return fmt.money(fmt.round_sig(x, 2), language=language)
    if kind == "count":
        return fmt.number(fmt.round_sig(x, 2), 0, language)
    return fmt.number(x, L.decimals_needed(x, 2), language)


def change_sentence(row: dict, *, label: str, kind: str, recommended: str, options: dict[str, str], language: str, _) -> str:
    """One row of plan.what_would_change as a plain sentence in the memo's language."""
    # one precision per sentence: « 8,3 % (base case: 10,4 %) », not « 8,3 % (base case: 10 %) »
    shown = [abs(x) for x in (row["value"], row["base"]) if x is not None and not math.isnan(x)]
    decimals = 1 if shown and min(shown) < 0.1 else 0
    value = lambda x: _reader_value(x, kind, language, decimals)  # noqa: E731
    if row["value"] is None or (isinstance(row["value"], float) and math.isnan(row["value"])):
        return _("« {option} » stays the recommended option whatever {parameter}, within its plausible range.").format(
            option=recommended, parameter=label)
    message = (_("« {new} » would become the recommended option if {parameter} rose above {value} (base case: {base}).")
               if row["direction"] == "below" else
               _("« {new} » would become the recommended option if {parameter} fell below {value} (base case: {base})."))
    text = message.format(new=options.get(row["new_recommended"], row["new_recommended"]), parameter=label,
                          value=value(row["value"]), base=value(row["base"]))
    if not row["within_range"] and row.get("low") is not None and not math.isnan(row["low"]):
        text += " " + _("That value lies outside the plausible range ({low} to {high}).").format(
            low=value(row["low"]), high=value(row["high"]))
    return text


def change_sentences(stage: Stage, _, limit: int | None = MEMO_CHANGES) -> list[str]:
    """Switching values as sentences: in the memo, the nearest within range, the budget cap among them."""
    lang = stage.params.meta.language
    res = stage.inputs
    frame = res.table("plan.what_would_change")
    rows = frame.to_dict("records")
    if limit is not None:
        switches = [r for r in rows if not pd.isna(r["value"]) and r["within_range"]]
        cap = [r for r in switches if r["parameter"] == "budget_cap"][:1]
        others = [r for r in switches if r["parameter"] != "budget_cap"]
        chosen = others[: limit - len(cap)] + cap
        rows = [r for r in rows if any(r is c for c in chosen)]  # recorded order: most influential first
        if not rows:
            return [_("Within their plausible ranges, none of the {n} most influential parameters changes the "
                      "recommendation.").format(n=int((frame["parameter"] != "budget_cap").sum()))]
    kinds = parameter_kinds(stage)
    options = _plan_options(stage)
    context = _context(stage, _)
    return [change_sentence(r, label=context.parameter(r["parameter"], r["label_fr"]), kind=kinds.get(r["parameter"], "other"),
                            recommended=res.value("plan.recommended.label"), options=options, language=lang, _=_)
            for r in rows]


# --------------------------------------------------------------------------- the memo

def _shared_fields(stage: Stage, _, kind: str) -> dict:
    """What the memo and the annex share: language, letterhead, demo banner, header, properties."""
    meta = stage.params.meta
    properties, provenance = _properties(stage, kind)
    return {
        "language": meta.language,
        "organisation": meta.organisation,
        "logo": stage.data_path(meta.logo) if meta.logo else None,
        "banner": demo_banner(meta.language) if _synthetic(stage) else None,
        "header": _header(stage, _),
        "properties": properties,
        "provenance": provenance,
    }


def _memo_value(res: Results, key: str):
    """A derived figure of the memo; None when the run could not compute it (it is then recorded without a value)."""
    return res.entry(key).get("value")


def memo_format(res: Results, key: str, language: str) -> str:
    """A recorded figure in memo text: the rounding rule of Table 1 for money, people, cases, returns, odds."""
    entry = res.entry(key)
    if entry.get("unit") in ("EUR", "persons", "cases", "count", "ratio", "probability", "share") and entry.get("value") is not None:
        return F.shown(entry["value"], entry["unit"], language)
    return format_result(res, key, language)


def memo_figures(stage: Stage) -> pd.DataFrame:
    """Every option against the reference (see ``figures.options_vs_reference``)."""
    return F.options_vs_reference(stage.inputs, stage.params.economics.perspective)


def record_memo_figures(stage: Stage) -> Results:
    """Records the memo's derived figures (``memo.option.<name>.*``, ``memo.recommended.*``, ``memo.reference.*``)
    and returns what the memo may quote: the earlier stages' results and these."""
    frame = memo_figures(stage)
    res = stage.inputs
    recommended, reference = res.value("plan.recommended.name"), res.value("plan.baseline")
    # the option the memo weighs against the reference: the recommended one, or the best of the others when the
    # reference itself is recommended
    others = [n for n in frame["option"] if n != reference]
    alternative = recommended if recommended != reference else max(
        others, key=lambda n: F.perspective_value(res, n, "society", "npv", stage.params.economics.perspective) or float("-inf"))
    for row in frame.to_dict("records"):
        roles = [role for role, name in (("recommended", recommended), ("reference", reference), ("alternative", alternative))
                 if name == row["option"]]
        for prefix in [f"option.{row['option']}", *roles]:
            stage.rec.scalar(f"{prefix}.label", row["label"], origin="params")
            for name, unit in F.UNITS.items():
                value = row[name]
                stage.rec.scalar(f"{prefix}.{name}", None if value is None or pd.isna(value) else float(value),
                                 unit=unit, origin="plan results, against the reference")
    stage.rec.table("options_vs_reference", frame, caption="Options par rapport à la situation de référence")
    own = records.read(stage.run_dir).entries
    return Results(stage.run_dir, {**res.entries, **{k: v for k, v in own.items() if k.startswith("memo.")}})


def options_table(stage: Stage, _) -> pd.DataFrame:
    """Table 1: one row per option, each figure what it adds to the reference; one rounding rule."""
    lang = stage.params.meta.language
    res = stage.inputs
    first, last = res.value("plan.first_year"), res.value("plan.last_year")
    frame = memo_figures(stage)
    frame = frame[frame["option"] != res.value("plan.baseline")]
    years = {"first": first, "last": last}
    columns = {
        "extra_annual_cost": _("Extra cost a year, {last}"),
        "extra_reach": _("Extra people reached, {last}"),
        "cases_averted": _("Cases averted {first}-{last}"),
        "extra_net_cost": _("Extra net cost {first}-{last}"),
        "bcr_social_security": _("Per euro: social security"),
        "bcr_society": _("Per euro: society"),
        "p_npv_positive_society": _("Pays back (society)"),
        "p_best": _("Best option"),
    }
    out = {_("Option"): frame["label"].tolist()}
    for name, header in columns.items():
        out[header.format(**years)] = [F.shown(v, F.UNITS[name], lang) for v in frame[name]]
    best = columns["p_best"].format(**years)
    out[best] = [cell if within else _("over the cap") for cell, within in zip(out[best], frame["within_cap"])]
    return pd.DataFrame(out)


def _risk_factors(stage: Stage, _, top: int = 3) -> str | None:
    """The strongest significant risk factors as a phrase (« long working weeks, poor sleep and isolation »)."""
    table = stage.inputs.table("evidence.risk_factors.odds_ratios")
    strong = table[(table["ci_low"] > 1) & table["factor"].isin(list(FACTOR_PHRASES))]
    strong = strong.sort_values("odds_ratio", ascending=False, kind="mergesort").head(top)
    if strong.empty:
        return None
    return format_list([_(FACTOR_PHRASES[f]) for f in strong["factor"]], locale=fmt.locale_for(stage.params.meta.language))


def _factor_share(stage: Stage, factor: str) -> float | None:
    table = stage.inputs.table("evidence.risk_factors.odds_ratios")
    found = table.loc[table["factor"] == factor, "prevalence"]
    return float(found.iloc[0]) if len(found) else None


def _key_figures(stage: Stage, res: Results, _) -> list[KeyFigure]:
    lang = stage.params.meta.language
    years = {"first": res.value("plan.first_year"), "last": res.value("plan.last_year"),
             "reference": _memo_value(res, "memo.reference.label")}
    figures = []
    for key in stage.params.memo.key_figures:
        if _keeps_reference(res) and key.startswith("memo.recommended."):
            key = key.replace("memo.recommended.", "memo.alternative.", 1)  # what an extension would add
        entry = res.entry(key)
        label, note = KEY_FIGURE_LABELS.get(key.replace("memo.alternative.", "memo.recommended.", 1), (entry.get("label") or key, ""))
        figures.append(KeyFigure(_(label).format(**years), F.shown(entry.get("value"), entry.get("unit", ""), lang),
                                 _(note).format(**years) if note else ""))
    return figures


def _page_one(stage: Stage, res: Results, _) -> list[Paragraph]:
    """Why now; the ask as an increment over the reference; what it returns; how sure; the evaluation."""
    lang = stage.params.meta.language
    v = lambda key: format_result(res, key, lang)  # noqa: E731
    s = lambda key: F.shown(_memo_value(res, key), res.entry(key).get("unit", ""), lang)  # noqa: E731
    years = {"first": v("plan.first_year"), "last": v("plan.last_year")}
    current = res.entry("plan.current_budget")
    flagged = res.value("plan.current_budget_quality") in ("low", "assumption") or res.value("plan.current_budget_is_assumption")
    budget = _("a structural budget of {amount} a year").format(amount=v("plan.current_budget"))
    if flagged:
        budget += " " + _("(figure from a secondary source, to be confirmed)")
    hours = _factor_share(stage, "long_hours")
    why = _("The three pilots funded by the FPS Social Security ended in August 2023; since 2024 the social insurance "
            "funds have been the first point of contact for the mental well-being of the self-employed, with {budget}.[^1]"
            ).format(budget=budget)
    if hours is not None:
        why += " " + _("Among those surveyed, {hours} work 50 hours a week or more.[^2]").format(hours=fmt.percent(hours, 0, lang))
    source = (current.get("source") or "").split(" : ")[0]  # the publication, not its paraphrase
    why_notes = [_(SOURCES["first_contact"]) + " " + source, _(SOURCES["survey"])]

    if _keeps_reference(res):
        return _page_one_reference(stage, res, _, why, why_notes, years)
    option = stage.params.plan.options.get(res.value("plan.recommended.name"))
    description = (option.description.strip() + " ") if option and option.description else ""
    ask = _("« {label} ». {description}It costs {extra} a year more in {last} than the reference, « {reference} », which "
            "spends {reference_cost} a year in the model. Net of the incapacity allowances it avoids, it adds {extra_net} "
            "to the budget from {first} to {last}.").format(
                label=_memo_value(res, "memo.recommended.label"), description=description, extra=s("memo.recommended.extra_annual_cost"),
                reference=_memo_value(res, "memo.reference.label"), reference_cost=s("memo.reference.annual_cost"),
                extra_net=s("memo.recommended.extra_net_cost"), **years)

    ss, soc = _memo_value(res, "memo.recommended.bcr_social_security"), _memo_value(res, "memo.recommended.bcr_society")
    if ss is not None:
        returns = _("For social security, each euro invested returns {ss} in allowances and care avoided; for society as a "
                    "whole, counting the income the self-employed keep, it returns {soc}.").format(
                        ss=s("memo.recommended.bcr_social_security"), soc=s("memo.recommended.bcr_society"))
    else:
        returns = _("The return to social security alone is not computed by this run; for society as a whole, counting the "
                    "income the self-employed keep, each euro invested returns {soc}.").format(soc=s("memo.recommended.bcr_society"))
    returns += " " + _("The plan averts {cases} incapacity cases from {first} to {last}.").format(
        cases=s("memo.recommended.cases_averted"), **years)

    p_soc = _memo_value(res, "memo.recommended.p_npv_positive_society")
    p_ss = _memo_value(res, "memo.recommended.p_npv_positive_social_security")
    sure = _("Across the plausible values of every uncertain figure, the plan pays back for society {odds} ({comment}).").format(
        odds=F.in_ten(p_soc, _), comment=F.odds_comment(p_soc, _))
    if p_ss is not None:
        sure += " " + _("For social security alone it pays back {odds}.").format(odds=F.in_ten(p_ss, _))
    sure += " " + _("It is the best option {best}; the reference is {reference}. The ranking is therefore uncertain.").format(
        best=F.in_ten(_memo_value(res, "memo.recommended.p_best"), _), reference=F.in_ten(_memo_value(res, "memo.reference.p_best"), _))

    evaluation = _("No pilot measured entries into incapacity against a comparison group, so the plan's effect is taken from "
                   "published studies. An evaluation common to all funds, with a comparison group, from {first} on (ask 4) "
                   "would settle whether the plan pays back.").format(**years)
    # run-in headings keep the five points on the first page; the annex and page 2 have the detail
    return [
        _lead(_("Why now"), why, why_notes),
        _lead(_("What we ask"), ask),
        _lead(_("What it returns"), returns),
        _lead(_("How sure we are"), sure),
        _lead(_("The evaluation that comes with it"), evaluation),
    ]


def _keeps_reference(res: Results) -> bool:
    """The decision rule picks the reference itself (e.g. under a tight cap): there is no increment to ask for."""
    return res.value("plan.recommended.name") == res.value("plan.baseline")


def _page_one_reference(stage: Stage, res: Results, _, why: str, why_notes: list[str], years: dict) -> list[Paragraph]:
    lang = stage.params.meta.language
    reference = _memo_value(res, "memo.reference.label")
    ask = _("Under the cap of {cap} a year, no option returns more to society than the reference, « {reference} », which "
            "spends {reference_cost} a year in the model: we recommend securing it, and extending it only once an evaluation shows "
            "that an extension pays back.").format(
                cap=format_result(res, "plan.budget_cap", lang), reference=reference,
                reference_cost=F.shown(_memo_value(res, "memo.reference.annual_cost"), "EUR", lang))
    s = lambda key: F.shown(_memo_value(res, key), res.entry(key).get("unit", ""), lang)  # noqa: E731
    returns = _("The best extension, « {label} », would cost {extra} a year more in {last}; for each euro it would return "
                "{ss} to social security and {soc} to society.").format(
        label=_memo_value(res, "memo.alternative.label"), extra=s("memo.alternative.extra_annual_cost"),
        ss=s("memo.alternative.bcr_social_security"), soc=s("memo.alternative.bcr_society"), **years)
    sure = _("The reference is the best option {odds}; « {label} » pays back for society {payback}.").format(
        odds=F.in_ten(_memo_value(res, "memo.reference.p_best"), _), label=_memo_value(res, "memo.alternative.label"),
        payback=F.in_ten(_memo_value(res, "memo.alternative.p_npv_positive_society"), _))
    evaluation = _("No pilot measured entries into incapacity against a comparison group, so the plan's effect is taken from "
                   "published studies. An evaluation common to all funds, with a comparison group, from {first} on (ask 4) "
                   "would settle whether the plan pays back.").format(**years)
    return [_lead(_("Why now"), why, why_notes), _lead(_("What we ask"), ask), _lead(_("What it returns"), returns),
            _lead(_("How sure we are"), sure), _lead(_("The evaluation that comes with it"), evaluation)]


def _lead(title: str, text: str, footnotes: list[str] = ()) -> Paragraph:
    """« **Pourquoi maintenant.** Les trois projets… »: a bold run-in heading, then the text with its footnotes."""
    tokens: list = [Run(title + ". ", bold=True)]
    pos = 0
    for m in re.finditer(r"\[\^(\d+)\]", text):
        tokens += [text[pos:m.start()], Footnote(footnotes[int(m.group(1)) - 1])]
        pos = m.end()
    tokens.append(text[pos:])
    return Paragraph(tokens)


PILOT_ROWS: list[tuple[str, str, str]] = [
    # (pilot, component, what it did: catalogue message)
    ("icarius", "programme", N_("with One (CESI group) and Evoluno; funded by the FPS Social Security at the federal minister's initiative")),
    ("icarius", "survey", N_("on the well-being of the self-employed, with CESI")),
    ("icarius", "website_newsletter", N_("monthly newsletter")),
    ("icarius", "linkedin", N_("regular posts")),
    ("icarius", "events", N_("workshops and webinars")),
    ("icarius", "app", N_("Evoluno")),
    ("icarius", "accompaniment", N_("psychologists, well-being professionals and business experts")),
    ("liantis", "programme", N_("« Samen Sterker Ondernemen », well-being barometer and group sessions")),
    ("acerta", "programme", N_("« Gezond ondernemen » with Idewe, free self-scan, workshops, one-to-one consultations")),
]
METRIC_PHRASES = {
    ("programme", "reached"): N_("{n} self-employed reached"),
    ("survey", "participants"): N_("{n} raw answers"),
    ("survey", "completed"): N_("{n} answers in the final report"),
    ("events", "sessions"): N_("{n} events"),
    ("accompaniment", "completed"): N_("{n} accompaniments"),
}


def _short_source(source: str, language: str) -> str:
    """« UCM Voice, 15 septembre 2023 »: the publication and its date, from a recorded source."""
    publication = source.split(",")[0].strip()
    found = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", source)
    when = fmt.date(found.group(1), language) if found else (re.search(r"\b(\d{4})(?:-\d{2})?\b", source) or [None, ""])[1]
    return f"{publication}, {when}" if when else publication


def pilots_table(stage: Stage, _) -> pd.DataFrame:
    """Each Icarius component and the two other pilots: what it did, what it reached (published figures only), source."""
    lang = stage.params.meta.language
    published = stage.inputs.table("evidence.pilots.published")
    rows = []
    for pilot, component, did in PILOT_ROWS:
        figures = published[(published["pilot"] == pilot) & (published["component"] == component)
                            & (published["metric"] != "cost")]
        reach, sources = [], []
        for fig in figures.to_dict("records"):
            phrase = METRIC_PHRASES.get((component, fig["metric"]))
            if phrase is None:
                continue
            number = fmt.number(fig["value"], 0, lang)
            if str(fig.get("note") or "").startswith("approximate"):
                number = _("about {n}").format(n=number)
            reach.append(_(phrase).format(n=number))
            short = _short_source(str(fig["source"]), lang)
            if short not in sources:
                sources.append(short)
        name = L.code(pilot, _) if component == "programme" else L.code(component, _)
        rows.append({_("Pilot and component"): f"{name}: {_(did)}",
                     _("Published reach"): "; ".join(reach) or _("not published"),
                     _("Source"): "; ".join(sources) or fmt.MISSING})
    return pd.DataFrame(rows)


def compose_memo(stage: Stage) -> MemoContent:
    lang = stage.params.meta.language
    _ = translator(lang)
    res = record_memo_figures(stage)
    v = lambda key: format_result(res, key, lang)  # noqa: E731
    years = {"first": v("plan.first_year"), "last": v("plan.last_year")}
    sentence = _(
        "The pilots ended in August 2023 and {risk} of the self-employed surveyed are at risk of burn-out: we propose to ask "
        "for « {label} », {extra} a year more than the reference in {last}."
    ).format(risk=v("evidence.prevalence.burnout_risk"), label=_memo_value(res, "memo.recommended.label"),
             extra=F.shown(_memo_value(res, "memo.recommended.extra_annual_cost"), "EUR", lang), last=years["last"])
    if _keeps_reference(res):
        sentence = _("The pilots ended in August 2023 and {risk} of the self-employed surveyed are at risk of burn-out; under "
                     "a cap of {cap} a year, no option does better than the reference, « {label} »: we propose to secure it and "
                     "to tie any extension to an evaluation. The best extension, « {alternative} »:").format(
            risk=v("evidence.prevalence.burnout_risk"), cap=v("plan.budget_cap"), label=_memo_value(res, "memo.reference.label"),
            alternative=_memo_value(res, "memo.alternative.label"))

    rule = _(PLAIN_RULES[res.value("plan.decision_rule")]) if res.value("plan.decision_rule") in PLAIN_RULES else \
        L.rule_text(res.value("plan.decision_rule"), _, res.value("plan.rule_text"))
    options_text = _("The options are compared on one basis: what each adds to the reference, « {reference} » "
                     "([@tab:options]). Recommended: {rule} ({cap} a year).").format(
        reference=_memo_value(res, "memo.reference.label"), rule=rule, cap=v("plan.budget_cap"))
    if res.value("plan.budget_cap_is_assumption"):
        options_text += " " + _("The cap is a working assumption, for the decision-maker to set.")
    reference_note = _("Reference « {reference} »: {cost} a year in {last}, {reach} self-employed reached, {net} net budget impact "
                       "from {first} to {last}. « Pays back » and « Best option »: how often, across the plausible values of the uncertain "
                       "figures, the option returns more to society than it costs, and comes first. Euros in millions to one "
                       "decimal, people and cases to two significant figures; costs in current euros, returns per euro in "
                       "today's euros.").format(
        reference=_memo_value(res, "memo.reference.label"), cost=F.shown(_memo_value(res, "memo.reference.annual_cost"), "EUR", lang),
        reach=F.shown(_memo_value(res, "memo.reference.reach"), "persons", lang),
        net=F.shown(_memo_value(res, "memo.reference.net_cost"), "EUR", lang), **years)
    options = [
        Paragraph(options_text),
        Table(options_table(stage, _), _("The options against the reference, {first}-{last}").format(**years),
              key="tab:options", note=reference_note, widths_cm=[3.2] + [1.6] * 8),
    ]
    change = [Paragraph(s) for s in change_sentences(stage, _)]

    pilots = [
        Paragraph(_("Three pilots of {grant} each ran from September 2022 to August 2023 ([@tab:pilots]). Figures the pilots "
                    "gave as approximations stay approximations.").format(grant=v("evidence.pilots.icarius.programme_cost"))),
        Table(pilots_table(stage, _), _("The three pilots and what they reached"), key="tab:pilots",
              footnotes=[_(SOURCES["pilot"])], widths_cm=[8.4, 3.8, 3.8]),
    ]
    low, high = res.ci("evidence.prevalence.burnout_risk")
    prevalence = _(
        "Between {low} and {high} of the self-employed surveyed are at risk of burn-out (answers weighted to match the INASTI "
        "population); {stress} are (extremely) stressed and {sleep} sleep badly ([@fig:prevalence]).").format(
            low=fmt.percent(low, 0, lang), high=fmt.percent(high, 0, lang), stress=v("evidence.prevalence.stress_high"),
            sleep=v("evidence.prevalence.sleep_poor"))
    factors = _risk_factors(stage, _)
    if factors:
        prevalence += " " + _("The risk rises most with {factors}.").format(factors=factors)
    pooled = _pilots_pooled(stage, _, lang)  # named when some pilot had no before/after data
    evidence = [
        Paragraph(prevalence + "[^1]", footnotes=[_(SOURCES["population"])]),
        _figure(stage, "evidence.prevalence.chart", _, 8, "fig:prevalence"),
        Paragraph(_("People accompanied in the pilots felt better afterwards, but without a comparison group the change cannot "
                    "be credited to the pilots: the cost-benefit model uses effects measured in published studies instead.")
                  if pooled is None else
                  _("In the pilots that measured before and after ({pilots}), people accompanied felt better afterwards, but "
                    "without a comparison group the change cannot be credited to the pilots: the cost-benefit model uses effects "
                    "measured in published studies instead.").format(pilots=pooled)),
    ]
    asks = NumberedList([bind(a, res, lang, where=f"memo.asks[{i}]", formatter=memo_format)
                         for i, a in enumerate(stage.params.memo.asks, 1)])
    log = assumptions_log(stage, _)
    method = Paragraph(
        _("Survey answers weighted to the INASTI population; the model follows the insured self-employed year by year over "
          "{years} years, future euros counted in today's euros ({schedule}); {assumptions} of the {parameters} parameters are "
          "assumptions for want of a published source, each listed with its range in the annex, which also defines the "
          "technical terms.").format(
            years=v("economics.horizon.years"), schedule=discounting_text(stage, _),
            assumptions=fmt.number(int(log["assumption"].sum()), 0, lang), parameters=fmt.number(len(log), 0, lang)),
        footnotes=[_(SOURCES["incapacity"])],
    )
    return MemoContent(
        **_shared_fields(stage, _, _("Memo")),
        key_message=KeyMessage(sentence, _key_figures(stage, res, _)),
        sections=[
            Section(_("In short"), 1, _page_one(stage, res, _)),
            Section(_("The options compared"), 1, options),
            Section(_("What would change the decision"), 1, change),
            Section(_("The pilots"), 1, pilots),
            Section(_("What the evidence says"), 1, evidence),
            Section(_("Our asks"), 1, [asks]),
            Section(_("Sources and method"), 1, [method]),
        ],
    )


# --------------------------------------------------------------------------- the annex

def _plan_options(stage: Stage) -> dict[str, str]:
    res = stage.inputs
    return {name: res.value(f"plan.option.{name}.label") for name in res.value("plan.option_order").split(",")}


def _model_options(stage: Stage) -> dict[str, str]:
    res = stage.inputs
    found = {k.split(".")[2]: res.value(k) for k in res.keys("economics.options.") if k.endswith(".label")}
    return {"status_quo": translator(stage.params.meta.language)(L.CODES["status_quo"]), **found}


def _context(stage: Stage, _) -> views.AnnexContext:
    eco = stage.params.economics
    res = stage.inputs
    return views.AnnexContext(
        results=res, language=stage.params.meta.language, _=_,
        years={"first": res.value("plan.first_year"), "last": res.value("plan.last_year")},
        plan_options=_plan_options(stage), model_options=_model_options(stage),
        components={name: c.label_fr for name, c in eco.components.items()},
        effect_types={f"component.{name}.effect.{e.transition}": e.type for name, c in eco.components.items() for e in c.effects},
        min_cell=stage.params.evidence.min_cell, parameter_kinds=parameter_kinds(stage),
    )


def _param_value(x: float | None, node: Sourced, language: str) -> str:
    if x is None:
        return fmt.MISSING
    return L.format_param(x, node.kind if node.kind in ("probability", "share", "rate") else "other", language)


def _breakable(path: str) -> str:
    """A params path that may wrap after « . » or « _ » but never inside « -> »."""
    return path.replace(".", ".\u200b").replace("_", "_\u200b").replace("->", "\u200b-\u2060>")


def assumptions_log(stage: Stage, _=None) -> pd.DataFrame:
    """Every sourced parameter of the run: value, unit, range, source, vintage, quality; one row each.

    Columns are translated; ``section`` (evidence, economics, plan) and ``assumption`` stay as codes
    for grouping and flagging.
    """
    lang = stage.params.meta.language
    _ = _ or translator(lang)
    rows = []

    def walk(node, path):
        if isinstance(node, Sourced):
            section, _dot, rest = path.partition(".")
            rows.append({
                "section": section,
                "assumption": node.is_assumption,
                _("Parameter"): _breakable(rest),
                _("Value"): _param_value(node.value, node, lang),
                _("Unit"): node.unit or fmt.MISSING,
                _("Range"): (f"{_param_value(node.low, node, lang)} – {_param_value(node.high, node, lang)}"
                             if node.is_uncertain else fmt.MISSING),
                _("Source"): node.source or _("ASSUMPTION: no published source"),
                _("Vintage"): node.vintage or fmt.MISSING,
                _("Quality"): L.code(node.quality, _),
            })
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, dict):
            for k, item in node.items():
                walk(item, f"{path}.{k}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")

    walk(stage.params, "")
    return pd.DataFrame(rows)


SECTION_TITLES = {"evidence": N_("Evidence parameters"), "economics": N_("Cost-benefit parameters"),
                  "plan": N_("Plan parameters")}


def _assumptions_section(stage: Stage, _) -> Section:
    lang = stage.params.meta.language
    log = assumptions_log(stage, _)
    n = int(log["assumption"].sum())
    blocks: list = [Paragraph(
        _("{n} of the {total} parameters are assumptions (no published source, or rated as assumption); their rows "
          "are shaded.").format(n=fmt.number(n, 0, lang), total=fmt.number(len(log), 0, lang)))]
    for section, part in log.groupby("section", sort=False):
        part = part.reset_index(drop=True)
        title = _(SECTION_TITLES[section]) if section in SECTION_TITLES else section
        blocks.append(Table(part.drop(columns=["section", "assumption"]), title, key=f"tab:assumptions.{section}",
                            flagged_rows=[i for i, flag in enumerate(part["assumption"]) if flag]))
    return Section(_("Assumptions log"), 1, blocks, landscape=True)


# Where each recorded table and chart goes: (section id, keys in reading order).
ANNEX_LAYOUT: list[tuple[str, int, str, list[str]]] = [
    ("evidence", 1, N_("Evidence"), []),
    ("evidence.survey", 2, N_("Survey and weighting"), ["evidence.weights.margins"]),
    ("evidence.prevalence", 2, N_("Prevalence"), ["evidence.prevalence.table", "evidence.prevalence.chart"]),
    ("evidence.risk", 2, N_("Risk factors"), ["evidence.risk_factors.odds_ratios"]),
    ("evidence.subgroups", 2, N_("Subgroups"), ["evidence.subgroups.burnout_risk", "evidence.subgroups.chart"]),
    ("evidence.pilots", 2, N_("The three pilots"), ["evidence.pilots.published", "evidence.pilots.funnels", "evidence.pilots.funnel_chart",
                                                  "evidence.pilots.prepost", "evidence.pooled.forest"]),
    ("economics", 1, N_("Cost-benefit analysis"), []),
    ("economics.base", 2, N_("Base case"), ["economics.results.table", "economics.results.incremental",
                                            "economics.results.streams"]),
    ("plan", 1, N_("Plan options {first}-{last}"), []),
    ("plan.options", 2, N_("Options compared"), ["plan.summary", "plan.comparison_chart", "plan.ranking", "plan.p_best"]),
    ("plan.budget", 2, N_("Yearly budget impact"), ["plan.budget_chart", "plan.cases_chart"]),
    ("plan.yearly", 3, N_("By option, payer and year"), ["plan.yearly"]),
    ("plan.sensitivity", 2, N_("Sensitivity analysis"), ["plan.sensitivity.tornado", "plan.sensitivity.one_way",
                                                         "plan.sensitivity.switching"]),
    ("plan.two_way", 2, N_("Two-way sensitivity analysis"), ["plan.sensitivity.two_way"]),
    ("plan.psa", 2, N_("Probabilistic analysis"), ["plan.psa.summary", "plan.psa.ce_plane", "plan.psa.ceac_chart", "plan.psa.ceac"]),
    ("plan.change", 2, N_("What would change the decision"), ["plan.what_would_change"]),
]
LANDSCAPE = {"plan.two_way", "plan.yearly"}  # tables too wide for a portrait page
# shown in the « Model validation » section
VALIDATION_KEYS = ("economics.validation.replication", "economics.calibration", "economics.status_quo.states",
                   "economics.psa.inputs")
ANNEX_ELSEWHERE = {"evidence.survey.dropped_by_reason", *VALIDATION_KEYS}  # shown under data quality, model validation


def _annex_texts(stage: Stage, _) -> dict[str, list]:
    """The sentences that open some annex sections, every figure a recorded result."""
    lang = stage.params.meta.language
    res = stage.inputs
    v = lambda key, exact=True: _value(stage, key, exact=exact)  # noqa: E731
    low, high = res.ci("evidence.prevalence.burnout_risk")
    effect_low, effect_high = res.ci("evidence.pooled.effect")
    pooled = _pilots_pooled(stage, _, lang)
    texts = {
        "evidence.survey": [Paragraph(_(
            "{n} answers, weighted by raking to the INASTI margins below: effective sample size {n_eff}, design effect "
            "{deff}.").format(n=v("evidence.survey.analysed"), n_eff=fmt.number(res.value("evidence.weights.effective_n"), 0, lang),
                              deff=fmt.number(res.value("evidence.weights.design_effect"), 2, lang)))],
        "evidence.prevalence": [Paragraph(_(
            "Weighted prevalence of burn-out risk: {p} (95 % interval {low} to {high}).").format(
                p=v("evidence.prevalence.burnout_risk"), low=fmt.percent(low, 1, lang), high=fmt.percent(high, 1, lang)))],
        "evidence.pilots": [Paragraph((_(
            "Pooled effect of the accompaniment across the three pilots (random effects): {effect} (95 % interval {low} to "
            "{high}). Without a control group, this before/after change is an upper bound.") if pooled is None else _(
            "Pooled effect of the accompaniment across the pilots with before/after data ({pilots}; random effects): {effect} "
            "(95 % interval {low} to {high}). Without a control group, this before/after change is an upper bound.")).format(
                pilots=pooled, effect=fmt.number(res.value("evidence.pooled.effect"), 2, lang), low=fmt.number(effect_low, 2, lang),
                high=fmt.number(effect_high, 2, lang)))],
        "plan.psa": [Paragraph(_(
            "{draws} draws, each parameter from a distribution fitted to its range. Against the reference, the net "
            "present value of « {option} » is positive in {p} of them; the expected value of perfect information is {evpi}.").format(
                draws=v("plan.psa.draws"), option=res.value("plan.sensitivity.option_label"),
                p=v(f"plan.option.{res.value('plan.sensitivity.option')}.society.p_npv_positive"), evpi=v("plan.psa.evpi", False)))],
        "plan.change": [Paragraph(s) for s in change_sentences(stage, _, limit=None)],
    }
    return texts


def _pilots_pooled(stage: Stage, _, lang: str) -> str | None:
    """The pilots whose before/after data were pooled, named, when some pilot had none; None when all were pooled."""
    res = stage.inputs
    if res.value("evidence.pooled.pilots") >= res.value("evidence.pilots.count"):
        return None
    codes = res.value("evidence.pooled.pilot_codes").split(",")
    return format_list([L.code(c, _) for c in codes], locale=lang)


def _methods(stage: Stage, _) -> Section:
    res = stage.inputs
    rule = L.rule_text(res.value("plan.decision_rule"), _, res.value("plan.rule_text"))
    pooled = _pilots_pooled(stage, _, stage.params.meta.language)
    return Section(_("Methods"), 1, [
        Paragraph(_("Evidence: the survey is weighted by raking to INASTI margins (gender, region, activity, sector) with trimmed "
                    "weights; intervals are Wilson intervals on the Kish effective sample size. Risk factors come from a "
                    "survey-weighted logistic regression with robust (HC1) standard errors. The three pilots are pooled by a "
                    "random-effects meta-analysis.") if pooled is None else
                  _("Evidence: the survey is weighted by raking to INASTI margins (gender, region, activity, sector) with trimmed "
                    "weights; intervals are Wilson intervals on the Kish effective sample size. Risk factors come from a "
                    "survey-weighted logistic regression with robust (HC1) standard errors. The pilots with before/after data "
                    "({pilots}) are pooled by a random-effects meta-analysis.").format(pilots=pooled)),
        *_model_structure(stage, _),
        Paragraph(_("Time horizon {first} to {last}; discounting: {schedule}.").format(
            first=res.value("economics.horizon.first_year"), last=res.value("economics.horizon.last_year"),
            schedule=discounting_text(stage, _))),
        Paragraph(_("Plan: options combine components with a coverage ramp-up by year; budget impact is undiscounted, as the "
                    "budget-impact convention asks.") + " " + _("Decision rule: {rule}.").format(rule=rule)),
    ])


def _glossary(stage: Stage, _) -> Section:
    """Each technical term of the annex, defined once; the memo does without them (see ``jargon``)."""
    rows = jargon.glossary(stage.params.meta.language, _, stage.params.memo.jargon)
    frame = pd.DataFrame({_("Term"): [L.capitalise(t) for t, _d in rows], _("Definition"): [d for _t, d in rows]})
    return Section(_("Glossary"), 1, [
        Paragraph(_("The memo speaks plain words; this annex uses the technical terms below, each defined here once.")),
        Table(frame, _("Technical terms"), key="tab:glossary", alignments={_("Term"): "left", _("Definition"): "left"},
              widths_cm=[4.5, 11.5]),
    ])


# --------------------------------------------------------------------------- model structure and validation
# The cost-benefit model's own annex texts: kept together so that memo edits elsewhere stay apart.

MEASURES = {
    "incapacity_entries_per_year": N_("New primary incapacities for mental reasons in the year"),
    "invalidity_stock_growth": N_("Mean yearly growth of the stock in mental invalidity since the start"),
    "at_risk_share": N_("Share of active self-employed at risk of burn-out"),
    "insured_growth": N_("Growth of the insured population in the year"),
    "cost_monotherapy": N_("Cost per patient, monotherapy (£)"),
    "cost_combination": N_("Cost per patient, combination therapy (£)"),
    "life_years_monotherapy": N_("Life-years per patient, monotherapy"),
    "life_years_combination": N_("Life-years per patient, combination therapy"),
    "icer": N_("Incremental cost per life-year gained (£)"),
}
DISTRIBUTIONS = {"beta": N_("beta"), "gamma": N_("gamma"), "lognormal": N_("log-normal"), "normal": N_("normal"),
                 "triangular": N_("triangular")}


def _model_structure(stage: Stage, _) -> list[Paragraph]:
    """The structure of the cost-benefit model, stated for the methods section."""
    res = stage.inputs
    lang = stage.params.meta.language
    return [
        Paragraph(_("Economics: a yearly state-transition model (well, at risk, primary incapacity, invalidity, back at work, "
                    "left self-employment) of an open population: it starts from today's state, {invalidity} self-employed "
                    "people in invalidity for mental reasons among them, and each year entrants replace those who leave while "
                    "the insured population grows. The yearly probability of moving from at risk to incapacity is derived from "
                    "the incidence of mental incapacity and the prevalence of risk ({p}), never set by hand; the sensitivity "
                    "analyses vary the incidence and the prevalence and derive it again.").format(
                        invalidity=fmt.number(stage.params.economics.population_dynamics.invalidity_at_start.value, 0, lang),
                        p=fmt.percent(res.value("economics.derived.at_risk_to_incapacity"), 1, lang))),
        Paragraph(_("Effects wane per participant: each year's participants form a cohort whose effect fades from the year they "
                    "start. The effect on incapacity onset is a relative risk of its own, from the evidence on sickness absence "
                    "or, where none was found, a labelled assumption with a range that includes no effect; effect sizes on "
                    "symptoms are converted to relative risks (Chinn 2000; Zhang and Yu 1998) only for becoming at risk. The "
                    "model without programme is calibrated to published figures (see « Model validation »).")),
        Paragraph(_("Two perspectives: society counts output preserved, healthcare and closures avoided (allowances are "
                    "transfers); the social-security budget counts the allowances that INAMI no longer pays and the healthcare "
                    "avoided, against the prevention spending paid through INASTI and the social insurance funds. Every option "
                    "is compared with the reference, the situation after the pilots, costed at {cost} a year. The probabilistic "
                    "analysis draws each uncertain parameter from a distribution fitted to its range (beta for probabilities "
                    "and shares, gamma for costs and durations, log-normal for ratios).").format(
                        cost=_value(stage, "plan.reference.annual_cost"))),
    ]


def _validation(stage: Stage, _) -> Section:
    """« Model validation »: verification against a published model, calibration, the trajectory, the PSA inputs."""
    res = stage.inputs
    lang = stage.params.meta.language
    yes_no = lambda x: _("yes") if x else _("no")  # noqa: E731
    blocks: list = [Paragraph(_(
        "Validation follows the ISPOR-SMDM good practices on model transparency and validation (Eddy et al. 2012): "
        "verification that the engine computes what it should, calibration of the model without programme to published "
        "figures, and the ranges behind the probabilistic analysis."))]
    if "economics.validation.replication" in res:
        rep = res.table("economics.validation.replication")
        data = pd.DataFrame({
            _("Measure"): [_(MEASURES[m]) for m in rep["measure"]],
            _("Published"): [fmt.number(x, L.decimals_needed(x, 3), lang) for x in rep["published"]],
            _("Reproduced"): [fmt.number(x, L.decimals_needed(p, 3), lang) for x, p in zip(rep["reproduced"], rep["published"])],
            _("Within tolerance"): [yes_no(x) for x in rep["within"]],
        })
        blocks.append(Paragraph(_("Verification: the cohort engine reproduces the HIV model of Chancellor et al. (1997) as "
                                  "replicated by Briggs, Claxton and Sculpher (2006), to 0.1 % (costs discounted at 6 %).")))
        blocks.append(Table(data, _("Verification: the engine reproduces a published model"),
                            key="tab:economics.validation.replication"))
    if "economics.calibration" in res:
        cal = res.table("economics.calibration")
        share = {"invalidity_stock_growth", "at_risk_share", "insured_growth"}
        cell = lambda x, m: fmt.percent(x, 1, lang) if m in share else fmt.number(x, 0, lang)  # noqa: E731
        data = pd.DataFrame({
            _("Measure"): [_(MEASURES[m]) for m in cal["target"]],
            _("Year"): [str(int(y)) for y in cal["year"]],
            _("Published"): [cell(x, m) for x, m in zip(cal["published"], cal["target"])],
            _("Modelled"): [cell(x, m) for x, m in zip(cal["modelled"], cal["target"])],
            _("Tolerance"): [("± " + cell(x, m)) for x, m in zip(cal["tolerance"], cal["target"])],
            _("Within tolerance"): [yes_no(x) for x in cal["within"]],
            _("Source"): cal["source"].tolist(),
        })
        blocks.append(Paragraph(_("Calibration: {within} of the {targets} published targets are reproduced within their "
                                  "tolerance by the model without programme.").format(
                                      within=_value(stage, "economics.calibration.within", exact=True),
                                      targets=_value(stage, "economics.calibration.targets", exact=True))))
        blocks.append(Table(data, _("Calibration: published targets and the model without programme"),
                            key="tab:economics.calibration", flagged_rows=[i for i, ok in enumerate(cal["within"]) if not ok]))
    if "economics.status_quo.states" in res:
        states = res.table("economics.status_quo.states")
        wide = states.pivot(index="year", columns="state", values="persons")
        data = pd.DataFrame({_("Year"): [str(int(y)) for y in wide.index]})
        for state in [s for s in L.STATES if s in wide.columns]:
            data[L.capitalise(_(L.STATES[state]))] = [fmt.number(x, 0, lang) for x in wide[state]]
        blocks.append(Table(data, _("Trajectory without programme: persons by state at the end of each year (first row: today's state)"),
                            key="tab:economics.status_quo.states"))
    if "plan.reference.annual_cost" in res:
        blocks.append(Paragraph(_("The reference « {label} » costs {cost} a year in the model, against a stated structural "
                                  "budget of {budget}: a difference of {gap}.").format(
                                      label=res.value("plan.reference.label"), cost=_value(stage, "plan.reference.annual_cost"),
                                      budget=_value(stage, "plan.current_budget"), gap=_value(stage, "plan.reference.budget_gap"))))
    if "plan.reference.vs_none.social_security.bcr" in res:
        # the memo asks to make the reference permanent: what it returns against no programme at all
        blocks.append(Paragraph(_("Against no programme at all, the reference returns {bcr_ss} per euro to the social-security "
                                  "budget (net present value {npv_ss}) and {bcr_society} per euro to society (net present "
                                  "value {npv_society}).").format(
                                      bcr_ss=memo_format(res, "plan.reference.vs_none.social_security.bcr", lang),
                                      npv_ss=memo_format(res, "plan.reference.vs_none.social_security.npv", lang),
                                      bcr_society=memo_format(res, "plan.reference.vs_none.society.bcr", lang),
                                      npv_society=memo_format(res, "plan.reference.vs_none.society.npv", lang))))
    if "economics.psa.inputs" in res:
        inputs = res.table("economics.psa.inputs")
        kinds = parameter_kinds(stage)
        ctx = _context(stage, _)
        fmt_p = lambda x, name: L.format_param(x, kinds.get(name, "other"), lang)  # noqa: E731
        data = pd.DataFrame({
            _("Parameter"): [L.capitalise(ctx.parameter(n)) for n in inputs["parameter"]],
            _("Distribution"): [_(DISTRIBUTIONS.get(d, d)) for d in inputs["distribution"]],
            _("Range"): [f"{fmt_p(lo, n)} – {fmt_p(hi, n)}" for lo, hi, n in zip(inputs["low"], inputs["high"], inputs["parameter"])],
            _("Range of the draws"): [f"{fmt_p(lo, n)} – {fmt_p(hi, n)}"
                                                     for lo, hi, n in zip(inputs["q025"], inputs["q975"], inputs["parameter"])],
            _("Mean of the draws"): [fmt_p(x, n) for x, n in zip(inputs["mean"], inputs["parameter"])],
        })
        blocks.append(Table(data, _("Distributions of the probabilistic analysis, fitted to each range"),
                            key="tab:economics.psa.inputs"))
    return Section(_("Model validation"), 1, blocks)


def _data_quality(stage: Stage, _, dropped: list) -> Section:
    blocks: list = [
        Paragraph(_("Survey answers read: {read}; analysed: {analysed}; dropped as invalid: {dropped}. Subgroup cells suppressed "
                    "because they hold fewer than {min_cell} respondents: {suppressed}.").format(
                        read=_value(stage, "evidence.survey.respondents", exact=True),
                        analysed=_value(stage, "evidence.survey.analysed", exact=True),
                        dropped=_value(stage, "evidence.survey.dropped", exact=True), min_cell=stage.params.evidence.min_cell,
                        suppressed=_value(stage, "evidence.subgroups.suppressed_cells", exact=True))),
        *dropped,
        Paragraph(_("Pilot figures that the pilots did not publish are marked « synthetic » or « assumption » in "
                    "[@tab:evidence.pilots.funnels].")),
    ]
    if _synthetic(stage):
        blocks.append(Paragraph(_("The survey and the before/after scores are synthetic demonstration data that match the "
                                  "published marginals: no figure of this run may be quoted as a finding.")))
    return Section(_("Data quality"), 1, blocks)


def _provenance_section(stage: Stage, _) -> Section:
    prov = _provenance(stage)
    items = [(_("Run id"), prov["run_id"]), (_("Params file"), prov["params_file"]),
             (_("Params hash (SHA-256)"), prov["params_sha256"]), (_("Git commit"), prov["git_commit"]),
             (_("Memo date"), fmt.date(memo_date(stage), stage.params.meta.language))]
    items += [(_("Data: {name}").format(name=name), prov["data_sha256"][name]) for name in sorted(prov["data_sha256"])]
    items += [(_("Package: {name}").format(name=name), version) for name, version in prov["versions"].items()]
    frame = pd.DataFrame({_("Item"): [i for i, _v in items], _("Value"): [v for _i, v in items]})
    return Section(_("Provenance"), 1, [
        Paragraph(_("The same values are stored in the document's custom properties (File > Properties).")),
        Table(frame, _("Provenance of this run"), key="tab:provenance"),
    ], provenance=True)


def compose_annex(stage: Stage) -> MemoContent:
    lang = stage.params.meta.language
    _ = translator(lang)
    res = stage.inputs
    ctx = _context(stage, _)
    texts = _annex_texts(stage, _)
    years = {"first": res.value("plan.first_year"), "last": res.value("plan.last_year")}
    placed = {key for *_rest, keys in ANNEX_LAYOUT for key in keys}

    def blocks_for(key: str) -> list:
        entry = res.entry(key)
        if entry["kind"] == "figure":
            return [_figure(stage, key, _, 15)]
        return views.tables_for(ctx, key) if entry["kind"] == "table" else []

    sections = [_methods(stage, _), _glossary(stage, _), _validation(stage, _)]
    for i, (section_id, level, title, keys) in enumerate(ANNEX_LAYOUT):
        blocks = list(texts.get(section_id, []))
        for key in keys:
            if key in res:
                blocks += blocks_for(key)
        if level == 1 or blocks:
            sections.append(Section(_(title).format(**years), level, blocks, landscape=section_id in LANDSCAPE))
        stage_name = section_id.split(".")[0]
        if i + 1 == len(ANNEX_LAYOUT) or ANNEX_LAYOUT[i + 1][0].split(".")[0] != stage_name:
            # a table or chart that a later version of a stage records still reaches the annex
            extra = [b for key in res.keys(stage_name + ".") if key not in placed and key not in ANNEX_ELSEWHERE
                     and res.entry(key)["kind"] in ("table", "figure") for b in blocks_for(key)]
            if extra:
                sections.append(Section(_("Other tables and charts"), 2, extra))
    sections += [
        _assumptions_section(stage, _),
        _data_quality(stage, _, views.tables_for(ctx, "evidence.survey.dropped_by_reason")),
        _provenance_section(stage, _),
    ]
    return MemoContent(
        **_shared_fields(stage, _, _("Annex")),
        sections=sections,
        title=_("Technical annex"),
    )


# --------------------------------------------------------------------------- the checker's inputs

def _params_numbers(node) -> list:
    """Params are inputs of the run: their values, bounds and cited sources may be quoted."""
    if isinstance(node, Sourced):
        return [x for x in (node.value, node.low, node.high) if x is not None] + [t for t in (node.source, node.note) if t]
    if isinstance(node, BaseModel):
        return [x for name in type(node).model_fields for x in _params_numbers(getattr(node, name))]
    if isinstance(node, dict):
        return [x for item in node.values() for x in _params_numbers(item)]
    if isinstance(node, list):
        return [x for item in node for x in _params_numbers(item)]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [node]
    return []


def _column_numbers(frame: pd.DataFrame) -> list[float]:
    """Column names that are numbers: the grid values of a two-way table."""
    out = []
    for name in frame.columns:
        try:
            out.append(float(name))
        except ValueError:
            pass
    return out


def recorded_numbers(stage: Stage) -> list:
    """Every number the run recorded (scalars, table cells) or took as input (params, discount rates), for the checker."""
    numbers: list = _params_numbers(stage.params)
    _ = translator(stage.params.meta.language)
    numbers += [_(label) for label in L.CODES.values()]  # category bounds (« 50 à 69 h ») are labels, not results
    log = assumptions_log(stage)  # the annex counts the params it logs
    numbers += [len(log), int(log["assumption"].sum())]
    schedule = load_discount_schedule(stage.params.economics.discount_schedule)
    numbers += [band.rate for band in (*schedule.costs, *schedule.health)]
    res = record_memo_figures(stage)  # earlier results and the memo's own derived figures
    for key in res.keys():
        entry = res.entry(key)
        if entry["kind"] == "scalar":
            for x in [entry.get("value")] + list(entry.get("ci") or []):
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    numbers.append(float(x))
        elif entry["kind"] == "table":
            frame = res.table(key)
            numbers += [float(x) for x in frame.select_dtypes("number").to_numpy().ravel() if pd.notna(x)]
            numbers += _column_numbers(frame)
    return numbers


def write_memo(stage: Stage) -> Finding:
    content = compose_memo(stage)
    path = render(content, stage.run_dir / MEMO_FILE, template=_template(stage))
    return Finding("La note", [content.key_message.sentence], None, None, path)


def write_annex(stage: Stage) -> Finding:
    content = compose_annex(stage)
    path = render_annex(content, stage.run_dir / ANNEX_FILE, template=_template(stage))
    return Finding("L'annexe", [f"{len(content.sections)} sections"], None, None, path)


def _template(stage: Stage) -> Path | None:
    return stage.data_path(stage.params.meta.template) if stage.params.meta.template else None


def check(stage: Stage) -> Finding:
    """The memo checker: a run whose documents fail it does not publish."""
    numbers = recorded_numbers(stage)
    # min_cell protects survey respondents: count columns are the respondent counts, not the pilots' participants
    respondents = translator(stage.params.meta.language)(L.COLUMNS["n"].header)
    count_header = rf"^\s*(n|{re.escape(respondents)})\b"
    lang = stage.params.meta.language
    terms = jargon.patterns(lang, stage.params.memo.jargon)
    shared = dict(recorded_numbers=numbers, language=lang, min_cell=stage.params.evidence.min_cell,
                  count_header=count_header, jargon=terms)
    check_or_raise(stage.run_dir / MEMO_FILE, key_table="tab:options", key_box=translator(lang)("Key message"), **shared)
    check_or_raise(stage.run_dir / ANNEX_FILE, glossary_key="tab:glossary", **shared)
    problems = check_counts(stage.run_dir / MEMO_FILE, stage.run_dir / ANNEX_FILE, lang)
    if problems:
        raise UserError("memo.docx and annex.docx disagree", problems)
    stage.rec.scalar("checks.passed", True)
    return Finding("Contrôle qualité", ["La note et l'annexe passent tous les contrôles."])
