"""Labels, sentences and layout helpers of the memo stage, without a run."""

from __future__ import annotations

import math
import zipfile

import docx
import pandas as pd
import pytest
from lxml import etree

from policy_kit.memo import Section, Table, check_document, labels, render_annex, translator
from policy_kit.memo import docx_kit
from policy_kit.memo.i18n import LANGUAGES, messages
from policy_kit.memo.sample import annex_content
from policy_kit.memo.sample import recorded_numbers as sample_numbers
from policy_kit.memo.stage import change_sentence

NB, NN = "\u00a0", "\u202f"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROW = {"parameter": "component.accompaniment.uptake", "label_fr": "l'adhésion (accompagnement pluridisciplinaire)",
       "base": 0.02, "low": 0.005, "high": 0.1, "value": 0.028493, "within_range": True, "direction": "below",
       "new_recommended": "light"}
OPTIONS = {"light": "Plan léger", "full": "Plan complet"}


def _sentence(language: str, **changes) -> str:
    _ = translator(language)
    row = {**ROW, **changes}
    label = labels.parameter_label(row["parameter"], _, components={"accompaniment": "accompagnement"})
    return change_sentence(row, label=label, kind="share", recommended="Plan complet", options=OPTIONS,
                           language=language, _=_)


def test_every_label_is_in_every_catalogue():
    for language in LANGUAGES:
        catalogue = messages(language)
        missing = [m for m in labels.messages() if m not in catalogue]
        assert not missing, (language, missing[:5])


@pytest.mark.parametrize("language, expected", [
    ("fr", f"«{NB}Plan léger{NB}» deviendrait l’option recommandée si la part des assurés qui y recourent (accompagnement) dépassait 2,8{NB}% "
           f"(hypothèse de base{NB}: 2,0{NB}%)."),
    ("nl", "‘Plan léger’ zou de aanbevolen optie worden als de waarde van de deelname (accompagnement) boven 2,8% uitkwam "
           "(basiswaarde: 2,0%)."),
    ("en", "‘Plan léger’ would become the recommended option if the share of the insured who use it (accompagnement) rose above 2.8% "
           "(base case: 2.0%)."),
])
def test_what_would_change_is_composed_in_the_memo_language(language, expected):
    from policy_kit.formatting import typography

    assert typography(_sentence(language), language) == expected


def test_what_would_change_says_when_the_value_lies_outside_the_range():
    text = _sentence("en", value=0.79, within_range=False, direction="above", base=0.104)
    assert "fell below 79%" in text and "(base case: 10%)" in text
    assert "outside the plausible range (0% to 10%)" in text or "outside the plausible range (1% to 10%)" in text
    assert "stays the recommended option" in _sentence("en", value=math.nan)


def test_parameter_labels_are_translated_from_their_names():
    nl, en = translator("nl"), translator("en")
    assert labels.parameter_label("transition.at_risk->incapacity", nl) == (
        "de jaarlijkse kans om van ‘risico op burn-out’ naar ‘primaire arbeidsongeschiktheid (eerste jaar)’ over te gaan")
    assert labels.parameter_label("component.app.effect.at_risk->incapacity", en, components={"app": "the app"},
                                  effect_types={"component.app.effect.at_risk->incapacity": "rr"}) == (
        "the relative risk of ‘at risk of burn-out’ → ‘primary incapacity (first year)’ (the app)")
    assert labels.parameter_label("budget_cap", translator("fr")) == "le plafond budgétaire annuel"
    assert labels.parameter_label("something.new", en, fallback="as recorded") == "as recorded"


def test_cells_are_formatted_by_meaning_in_each_locale():
    fr, nl, en = (translator(language) for language in ("fr", "nl", "en"))
    assert labels.format_cell(0.1234, "share", "fr", fr) == f"12,3{NB}%"
    assert labels.format_cell(0.1234, "share", "nl", nl) == "12,3%"
    assert labels.format_cell(7_722_424, "money", "en", en, scale="million") == "€7.72m"
    assert labels.format_cell(418_587, "money", "fr", fr, scale="million") == f"0,42{NB}M€"
    assert labels.format_cell(24_310.6, "money", "nl", nl) == f"€{NB}24.311"  # CLDR nl-BE: the sign first
    assert labels.format_cell(1568.0, "count", "fr", fr) == f"1{NN}568"
    assert labels.format_cell(1.8e-8, "pvalue", "fr", fr) == "< 0,001"
    assert labels.format_cell(True, "bool", "nl", nl) == "ja"
    assert labels.format_cell("ED", "code", "fr", fr) == "dominance étendue"
    assert labels.format_cell("light", "code", "en", en, codes=OPTIONS) == "Plan léger"
    assert labels.format_cell(None, "money", "fr", fr) == "–"
    assert labels.header("plan.summary", "net_cost_plan_years", fr, first=2025, last=2030) == "Coût net 2025-2030"
    assert labels.column("evidence.risk_factors.odds_ratios", "ci_low").kind == "ratio"


def test_a_landscape_section_swaps_the_page_and_keeps_the_page_number_right(tmp_path):
    content = annex_content(tmp_path)
    wide = pd.DataFrame({f"Colonne {i}": [f"{i},5{NB}%"] for i in range(14)})
    content.sections.append(Section("Tableau large", 1, [Table(wide, "Quatorze colonnes", key="tab:wide")], landscape=True))
    content.sections.append(Section("Retour", 1, []))
    path = render_annex(content, tmp_path / "annex.docx")
    sections = docx.Document(str(path)).sections
    shapes = [(s.page_width > s.page_height, s.orientation) for s in sections]
    assert shapes[0][0] is False and shapes[-2][0] is True and shapes[-1][0] is False
    landscape = sections[-2]
    text_width = landscape.page_width - landscape.left_margin - landscape.right_margin
    stops = [t.position for t in landscape.footer.paragraphs[0].paragraph_format.tab_stops
             if t.alignment != docx.enum.text.WD_TAB_ALIGNMENT.CLEAR]
    assert max(stops) == text_width
    assert check_document(path, recorded_numbers=None) == []


def test_header_words_stay_whole_when_the_page_allows():
    frame = pd.DataFrame({"Participants": ["12"], "Taux de participation": [f"35,0{NB}%"], "Volet": ["Application"]})
    widths = docx_kit.fit_widths(frame, int(docx_kit.Cm(16)))
    for width, header in zip(widths, frame.columns):
        longest = max(docx_kit.text_cm(w, bold=True) for w in header.split())
        assert width / 360000 >= longest + 0.3


def test_intervals_and_stacked_cells_align_as_numbers():
    assert docx_kit.looks_numeric(f"23,1{NB}% – 31,1{NB}%")
    assert docx_kit.looks_numeric(f"7,76{NB}M€\n3,32{NB}M€ – 14,76{NB}M€")
    assert docx_kit.looks_numeric("-€13.50m") and docx_kit.looks_numeric("< 0,001")
    assert not docx_kit.looks_numeric("synthétique")


def test_flagged_rows_are_shaded(tmp_path):
    content = annex_content(tmp_path)
    log = pd.DataFrame({"Paramètre": ["a", "b"], "Source": ["Revue 2020", "HYPOTHÈSE"]})
    content.sections.append(Section("Registre", 1, [Table(log, "Registre", key="tab:log", flagged_rows=[1])]))
    path = render_annex(content, tmp_path / "annex.docx")
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    table = root.findall(f".//{W}tbl")[-1]
    fills = [[shd.get(f"{W}fill") for shd in row.iter(f"{W}shd")] for row in table.findall(f"{W}tr")]
    assert fills[2] and set(fills[2]) == {"FCE8C8"} and not fills[1]


def test_a_threshold_cell_is_not_a_result_and_count_headers_ignore_case(tmp_path):
    content = annex_content(tmp_path)
    frame = pd.DataFrame({"Groupe": ["A", "B"], "Répondants": ["< 10", "120"], "Estimation": ["–", f"24,4{NB}%"],
                          "Valeur p": ["< 0,001", "0,037"]})
    content.sections.append(Section("Sous-groupes", 1, [Table(frame, "Sous-groupes", key="tab:groups")]))
    path = render_annex(content, tmp_path / "annex.docx")
    recorded = [*sample_numbers(), 120, 0.244, 0.037]
    assert check_document(path, recorded_numbers=recorded, min_cell=10) == []
    frame.loc[0, "Estimation"] = f"30,0{NB}%"
    content.sections[-1].blocks[0] = Table(frame, "Sous-groupes", key="tab:groups")
    path = render_annex(content, tmp_path / "annex2.docx")
    problems = check_document(path, recorded_numbers=[*recorded, 0.3], min_cell=10)
    assert [p.kind for p in problems] == ["suppressed-cell"]
