"""Notebook 04: compose the memo and its annex from recorded results only, render them, check them.

Every figure in the text comes from a recorded result through `bind`/`format_result`, so the memo,
the annex and the checker agree. Sentences are gettext messages (English ids, catalogues per language).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from policy_kit import formatting as fmt
from policy_kit.memo.bind import bind, format_result, format_value
from policy_kit.memo.checker import check_or_raise
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
    Section,
    Table,
)
from policy_kit.memo.i18n import demo_banner, translator
from policy_kit.memo.render import render, render_annex
from policy_kit.notebook import Finding, Stage
from policy_kit.params.sourced import Sourced

MEMO_FILE, ANNEX_FILE = "memo.docx", "annex.docx"
def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; translated where it is used."""
    return message


KEY_FIGURE_LABELS = {
    "plan.recommended.bcr": N_("returned per euro invested"),
    "plan.recommended.cases_averted_plan_years": N_("incapacity cases averted"),
    "plan.recommended.annual_cost": N_("yearly cost at full scale"),
    "plan.recommended.net_cost_plan_years": N_("net budget impact"),
    "plan.recommended.p_npv_positive": N_("probability of paying back"),
}
SOURCES = {
    "pilot": "UCM Voice, « Bien-être des indépendants : c'est la fin », 15 septembre 2023 ; Trends/Le Vif (Belga), septembre 2022.",
    "survey": "UCM Voice, « Les indépendant.e.s ne trouvent plus le sommeil », 23 novembre 2022 ; La Libre Belgique, 2 décembre 2022.",
    "population": "INASTI, « Retour sur les grandes tendances 2023 du secteur indépendant », 23 mai 2024 ; SPF Economie, congés indemnisés des indépendants.",
    "incapacity": "SPF Economie (INAMI), incapacité primaire des indépendants 2022 ; AIM/INAMI via De Tijd, avril 2024.",
}


def _provenance(stage: Stage) -> dict:
    return json.loads((stage.run_dir / "provenance.json").read_text(encoding="utf-8"))


def _value(stage: Stage, key: str, exact: bool = False) -> str:
    return format_result(stage.inputs, key, stage.params.meta.language, exact=exact)


def _synthetic(stage: Stage) -> bool:
    return bool(stage.inputs.value("evidence.survey.synthetic")) or "synthetic" in stage.params.evidence.pilots.prepost


def _header(stage: Stage, _) -> Header:
    meta = stage.params.meta
    return Header(to=meta.addressee, from_=meta.author, date=fmt.date(meta.date, meta.language),
                  subject=meta.title, classification=meta.classification)


def _properties(stage: Stage, kind: str) -> tuple[DocumentProperties, Provenance]:
    meta, prov = stage.params.meta, _provenance(stage)
    props = DocumentProperties(title=f"{meta.title} — {kind}", author=meta.author, subject=meta.title,
                               keywords=["burn-out", "indépendants", "prévention", "Icarius"])
    provenance = Provenance(run_id=prov["run_id"], params_hash=prov["params_sha256"], data_hashes=prov["data_sha256"],
                            git_commit=prov["git_commit"], package_version=prov["package_version"])
    return props, provenance


def options_table(stage: Stage, _) -> pd.DataFrame:
    """One row per option, the columns a cabinet reads; every cell a recorded result."""
    lang = stage.params.meta.language
    res = stage.inputs
    first, last = res.value("plan.first_year"), res.value("plan.last_year")
    rows = []
    for name in res.value("plan.option_order").split(","):
        base = f"plan.option.{name}"
        rows.append({
            _("Option"): res.value(f"{base}.label"),
            _("Yearly cost at full scale"): format_result(res, f"{base}.annual_cost", lang),
            _("Self-employed reached per year"): format_result(res, f"{base}.reach", lang),
            _("Cases averted {first}-{last}").format(first=first, last=last): format_result(res, f"{base}.cases_averted_plan_years", lang),
            _("Net budget impact {first}-{last}").format(first=first, last=last): format_result(res, f"{base}.net_cost_plan_years", lang),
            _("Returned per euro"): format_result(res, f"{base}.bcr", lang),
            _("Probability of paying back"): format_result(res, f"{base}.p_npv_positive", lang),
        })
    return pd.DataFrame(rows)


def compose_memo(stage: Stage) -> MemoContent:
    lang = stage.params.meta.language
    _ = translator(lang)
    res = stage.inputs
    v = lambda key: _value(stage, key)  # noqa: E731
    rec_key = "plan.recommended"
    figures = []
    for key in stage.params.memo.key_figures:
        label = _(KEY_FIGURE_LABELS.get(key, res.entry(key).get("label") or key))
        note = ""
        if key.endswith("_plan_years"):
            note = _("from {first} to {last}").format(first=v("plan.first_year"), last=v("plan.last_year"))
        elif key.endswith("annual_cost"):
            note = _("today: {current} a year").format(current=v("plan.current_budget"))
        value = v(key) + ("\u00a0€" if res.entry(key).get("unit") == "ratio" else "")
        figures.append(KeyFigure(label, value, note))
    sentence = _(
        "We recommend that the 2024 memorandum ask for the option « {label} »: {cost} a year at full scale, "
        "{cases} cases of incapacity averted by {last}, {ratio} € returned per euro invested."
    ).format(label=res.value(f"{rec_key}.label"), cost=v(f"{rec_key}.annual_cost"), cases=v(f"{rec_key}.cases_averted_plan_years"),
             last=v("plan.last_year"), ratio=v(f"{rec_key}.bcr"))

    context = Paragraph(
        _("The Icarius pilot (September 2022 – August 2023), one of three pilots funded with {grant} each, reached about "
          "{reached} self-employed people: {events} workshops and webinars, {accompaniments} multidisciplinary accompaniments, "
          "a prevention app, a website and a newsletter. Its survey collected {respondents} answers.[^1]").format(
            grant=v("evidence.pilots.icarius.programme_cost"), reached=v("evidence.pilots.icarius.programme_reached"),
            events=v("evidence.pilots.icarius.events_sessions"), accompaniments=v("evidence.pilots.icarius.accompaniment_completed"),
            respondents=v("evidence.survey.respondents")),
        footnotes=[SOURCES["pilot"] + " " + SOURCES["survey"]],
    )
    low, high = res.ci("evidence.prevalence.burnout_risk")
    evidence = [
        Paragraph(
            _("Between {low} and {high} of the self-employed surveyed are at risk of burn-out (weighted to the INASTI population); "
              "{stress} are (extremely) stressed and {sleep} sleep badly. Long hours, poor sleep and work–family conflict go with "
              "a higher risk ([@fig:prevalence]).[^1]").format(
                low=fmt.percent(low, 0, lang), high=fmt.percent(high, 0, lang), stress=v("evidence.prevalence.stress_high"),
                sleep=v("evidence.prevalence.sleep_poor")),
            footnotes=[SOURCES["population"]],
        ),
        Figure(res.figure_path("evidence.prevalence.chart"), res.entry("evidence.prevalence.chart")["caption"],
               alt_text=res.entry("evidence.prevalence.chart")["alt"], key="fig:prevalence", width_cm=14),
        Paragraph(
            _("Across the three pilots, accompanied participants improved by an effect size of {effect} (confidence interval {low} to {high}); "
              "without a control group this is an upper bound. The model uses published effect sizes instead.").format(
                effect=fmt.number(res.value("evidence.pooled.effect"), 2, lang),
                low=fmt.number(res.ci("evidence.pooled.effect")[0], 2, lang),
                high=fmt.number(res.ci("evidence.pooled.effect")[1], 2, lang)),
        ),
    ]
    options = [
        Paragraph(_("{n} options for {first}-{last}, compared with the situation after the pilots ([@tab:options]). "
                    "Decision rule: {rule}; yearly cap {cap} (working assumption). The recommended option is the best one in "
                    "{p_best} of the probabilistic draws: the ranking is uncertain.").format(p_best=v("plan.recommended.p_best"),
                        n=len(res.value("plan.option_order").split(",")), first=v("plan.first_year"), last=v("plan.last_year"),
                        rule=res.value("plan.rule_text"), cap=v("plan.budget_cap"))),
        Table(options_table(stage, _), _("Plan options, {first}-{last}").format(first=v("plan.first_year"), last=v("plan.last_year")),
              key="tab:options", note=_("Costs and budget impact undiscounted; return per euro and probability of paying back "
                                        "from the discounted cost-benefit model ({draws} draws).").format(draws=v("economics.psa.draws"))),
        Figure(res.figure_path("plan.budget_chart"), res.entry("plan.budget_chart")["caption"],
               alt_text=res.entry("plan.budget_chart")["alt"], key="fig:budget", width_cm=14),
    ]
    change = [Paragraph(res.value(k)) for k in res.keys("plan.what_would_change.sentence_")[:3]]
    asks = NumberedList([bind(a, res, lang, where=f"memo.asks[{i}]") for i, a in enumerate(stage.params.memo.asks, 1)])
    assumptions = res.value("economics.inputs.assumptions_count")
    method = Paragraph(
        _("Survey weighted by raking; cohort model over {years} years, discounting: {schedule}; {assumptions} of the "
          "{parameters} model parameters are assumptions for want of a published source, each listed with its range in the annex.").format(
            years=v("economics.horizon.years"), schedule=res.value("economics.discounting.schedule"),
            assumptions=fmt.number(assumptions, 0, lang), parameters=v("economics.inputs.parameters_count")),
        footnotes=[SOURCES["incapacity"]],
    )
    props, provenance = _properties(stage, _("Memo"))
    return MemoContent(
        language=lang,
        organisation=stage.params.meta.organisation,
        logo=stage.data_path(stage.params.meta.logo) if stage.params.meta.logo else None,
        banner=demo_banner(lang) if _synthetic(stage) else None,
        header=_header(stage, _),
        key_message=KeyMessage(sentence, figures),
        sections=[
            Section(_("The pilot in figures"), 1, [context]),
            Section(_("What the evidence says"), 1, evidence),
            Section(_("Options for a federal plan"), 1, options),
            Section(_("What would change the decision"), 1, change),
            Section(_("Our asks for the memorandum"), 1, [asks]),
            Section(_("Sources and method"), 1, [method]),
        ],
        properties=props,
        provenance=provenance,
    )


def _display(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return fmt.number(value)
    if isinstance(value, float):
        a = abs(value)
        return fmt.number(value, 0 if a >= 100 else (2 if a >= 1 else 3))
    return str(value)


MAX_COLUMNS = 7


def _annex_table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.iloc[:, :MAX_COLUMNS].copy()
    for column in shown.columns:
        shown[column] = shown[column].map(_display)
    return shown


def assumptions_log(stage: Stage) -> pd.DataFrame:
    """Every sourced parameter of the run: value, range, source, vintage, quality; assumptions flagged."""
    rows = []

    def walk(node, path):
        if isinstance(node, Sourced):
            rows.append({
                "paramètre": path,
                "valeur": _display(node.value),
                "plage": f"{_display(node.low)} – {_display(node.high)}" if node.is_uncertain else fmt.MISSING,
                "source": node.source or "HYPOTHÈSE (aucune source)",
                "millésime": node.vintage or fmt.MISSING,
                "qualité": node.quality,
            })
        elif hasattr(node, "model_fields"):
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


def compose_annex(stage: Stage) -> MemoContent:
    lang = stage.params.meta.language
    _ = translator(lang)
    res = stage.inputs
    methods = Section(_("Methods"), 1, [
        Paragraph(_("Evidence: the survey is weighted by raking to INASTI margins (gender, region, activity, sector) with trimmed "
                    "weights; intervals are Wilson intervals on the Kish effective sample size. Risk factors come from a logistic "
                    "regression. The three pilots are pooled by a random-effects meta-analysis.")),
        Paragraph(_("Economics: a yearly cohort state-transition model (well, at risk, primary incapacity, invalidity, back at "
                    "work, left self-employment); effect sizes are converted to relative risks (Chinn 2000; Zhang and Yu 1998). "
                    "The probabilistic analysis draws every uncertain parameter from a distribution fitted to its value and range.")),
        Paragraph(_("Plan: options combine components with a coverage ramp-up by year; budget impact is undiscounted, as the "
                    "budget-impact convention asks.")),
    ])
    by_stage: dict[str, list] = {"evidence": [], "economics": [], "plan": []}
    for key in res.keys():
        entry = res.entry(key)
        stage_name = key.split(".")[0]
        if stage_name not in by_stage:
            continue
        if entry["kind"] == "table":
            frame = res.table(key)
            if frame.empty:
                continue
            by_stage[stage_name].append(Table(_annex_table(frame), entry.get("caption") or key, key=f"tab:{key}",
                                              note=_("Full table: {path}").format(path=entry["path"]) if frame.shape[1] > MAX_COLUMNS else None))
        elif entry["kind"] == "figure":
            by_stage[stage_name].append(Figure(res.figure_path(key), entry["caption"], alt_text=entry["alt"], key=f"fig:{key}", width_cm=15))
    titles = {"evidence": _("Evidence: tables and charts"), "economics": _("Cost-benefit: tables and charts"),
              "plan": _("Plan options: tables and charts")}
    log = assumptions_log(stage)
    n_assumptions = int((log["qualité"] == "assumption").sum() + (log["source"].str.startswith("HYPOTHÈSE") & (log["qualité"] != "assumption")).sum())
    quality = Section(_("Data quality"), 1, [
        Paragraph(_("Survey answers read: {read}; analysed: {analysed}; dropped as invalid: {dropped}. Subgroup cells suppressed "
                    "because they hold fewer than {min_cell} respondents: {suppressed}.").format(
                        read=_value(stage, "evidence.survey.respondents"), analysed=_value(stage, "evidence.survey.analysed"),
                        dropped=_value(stage, "evidence.survey.dropped"), min_cell=stage.params.evidence.min_cell,
                        suppressed=_value(stage, "evidence.subgroups.suppressed_cells"))),
    ])
    prov = _provenance(stage)
    provenance = Section(_("Provenance"), 1, [
        Table(pd.DataFrame({
            _("Item"): ["run id", "params", "params sha256", "git commit", "policy_kit", "date"]
            + [f"data: {name}" for name in sorted(prov["data_sha256"])]
            + list(prov["versions"]),
            _("Value"): [prov["run_id"], prov["params_file"], prov["params_sha256"], prov["git_commit"], prov["package_version"],
                         fmt.date(stage.params.meta.date, lang)]
            + [prov["data_sha256"][name] for name in sorted(prov["data_sha256"])]
            + list(prov["versions"].values()),
        }), _("Provenance of this run"), key="tab:provenance"),
    ], provenance=True)
    props, provenance_props = _properties(stage, _("Annex"))
    return MemoContent(
        language=lang,
        organisation=stage.params.meta.organisation,
        banner=demo_banner(lang) if _synthetic(stage) else None,
        header=_header(stage, _),
        sections=[
            methods,
            Section(titles["evidence"], 1, by_stage["evidence"]),
            Section(titles["economics"], 1, by_stage["economics"]),
            Section(titles["plan"], 1, by_stage["plan"]),
            Section(_("Assumptions log"), 1, [
                Paragraph(_("{n} of the {total} parameters are assumptions (no published source, or rated as assumption).").format(
                    n=fmt.number(n_assumptions, 0, lang), total=fmt.number(len(log), 0, lang))),
                Table(log, _("Every parameter of the run: value, range, source, vintage, quality"), key="tab:assumptions"),
            ]),
            quality,
            provenance,
        ],
        title=_("Technical annex"),
        properties=props,
        provenance=provenance_props,
    )


def _params_numbers(node) -> list:
    """Params are inputs of the run: their values, bounds and cited sources may be quoted."""
    if isinstance(node, Sourced):
        return [x for x in (node.value, node.low, node.high) if x is not None] + [t for t in (node.source, node.note) if t]
    if hasattr(node, "model_fields"):
        return [x for name in type(node).model_fields for x in _params_numbers(getattr(node, name))]
    if isinstance(node, dict):
        return [x for item in node.values() for x in _params_numbers(item)]
    if isinstance(node, list):
        return [x for item in node for x in _params_numbers(item)]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [node]
    return []


def recorded_numbers(stage: Stage) -> list:
    """Every number the run recorded (scalars, table cells) or took as input (params), for the checker."""
    numbers: list = _params_numbers(stage.params)
    res = stage.inputs
    for key in res.keys():
        entry = res.entry(key)
        if entry["kind"] == "scalar":
            for x in [entry.get("value")] + list(entry.get("ci") or []):
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    numbers.append(float(x))
        elif entry["kind"] == "table":
            frame = res.table(key)
            numbers += [float(x) for x in frame.select_dtypes("number").to_numpy().ravel() if pd.notna(x)]
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
    for name in (MEMO_FILE, ANNEX_FILE):
        check_or_raise(stage.run_dir / name, recorded_numbers=numbers, language=stage.params.meta.language,
                       min_cell=stage.params.evidence.min_cell)
    stage.rec.scalar("checks.passed", True)
    return Finding("Contrôle qualité", ["La note et l'annexe passent tous les contrôles."])
