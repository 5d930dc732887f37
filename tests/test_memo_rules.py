"""The memo's own rules: typography, plain words, key figures that agree with Table 1, counts that agree
with the annex, odds in words, one rounding rule, the memo date."""

from __future__ import annotations

import datetime as dt
import warnings
from types import SimpleNamespace

import docx
import pandas as pd
import pytest

from policy_kit import formatting as fmt
from policy_kit.memo import Paragraph, Section, Table, check_document, render, render_annex
from policy_kit.memo import figures as F
from policy_kit.memo import jargon
from policy_kit.memo.checker import check_counts, find_numbers
from policy_kit.memo.i18n import translator
from policy_kit.memo.sample import annex_content, recorded_numbers, sample_content
from policy_kit.memo.stage import MemoDateWarning, memo_date
from policy_kit.records import Results

FR = jargon.patterns("fr")


def kinds(problems):
    return {p.kind for p in problems}


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    out = tmp_path_factory.mktemp("good")
    return render(sample_content(out), out / "memo.docx")


def with_paragraph(path, text, tmp_path, name="bad.docx"):
    """The document with one paragraph added as typed, past the renderer's typography."""
    document = docx.Document(str(path))
    document.add_paragraph(text)
    out = tmp_path / name
    document.save(out)
    return out


# --------------------------------------------------------------------------- typography

def test_french_typography_is_applied_by_the_renderer(good):
    assert kinds(check_document(good, recorded_numbers=None)) == set()


def test_straight_apostrophe_fails(good, tmp_path):
    problems = check_document(with_paragraph(good, "L'option recommandée.", tmp_path), recorded_numbers=None)
    assert kinds(problems) == {"straight-apostrophe"}


def test_hyphen_used_as_minus_fails_but_periods_do_not(good, tmp_path):
    bad = with_paragraph(good, "Solde de -3,2 M€ sur 2025-2030 (soit −1 M€ par an).", tmp_path)
    problems = check_document(bad, recorded_numbers=None)
    assert [(p.kind, p.found) for p in problems] == [("hyphen-minus", "-3,2 M€")]


def test_typography_turns_params_text_french():
    text = fmt.typography("L'Avenir : -0,5 ; 650 000–700 000 € en 2025-2030")
    assert text == "L’Avenir\u00a0: \u22120,5\u202f; 650\u202f000–700\u202f000\u00a0€ en 2025-2030"
    assert fmt.number(-1234.5, 1, "fr") == "\u22121\u202f234,5" and fmt.money(-2.5e6, language="en") == "\u2212€2.5m"


# --------------------------------------------------------------------------- plain words

def test_jargon_fails_the_memo(good, tmp_path):
    assert check_document(good, recorded_numbers=None, jargon=FR) == []
    bad = with_paragraph(good, "La valeur actuelle nette est positive dans 60 % des tirages.", tmp_path)
    problems = check_document(bad, recorded_numbers=None, jargon=FR)
    assert kinds(problems) == {"jargon"} and {p.found for p in problems} == {"valeur actuelle nette", "tirages"}


def test_params_extend_the_jargon_list(good, tmp_path):
    bad = with_paragraph(good, "Le QALY gagné est faible.", tmp_path)
    assert check_document(bad, recorded_numbers=None, jargon=FR) == []
    problems = check_document(bad, recorded_numbers=None, jargon=jargon.patterns("fr", {"QALY": "année de vie en bonne santé"}))
    assert [p.found for p in problems] == ["QALY"]


def _annex(tmp_path, glossary_rows):
    content = annex_content(tmp_path)  # says « Borne basse », « Borne haute » and « actualisation »
    if glossary_rows is not None:
        frame = pd.DataFrame({"Terme": [t for t, _d in glossary_rows], "Définition": [d for _t, d in glossary_rows]})
        content.sections.append(Section("Lexique", 1, [Table(frame, "Termes techniques", key="tab:glossary")]))
    return render_annex(content, tmp_path / "annex.docx")


def test_the_annex_uses_a_term_only_once_its_glossary_defines_it(tmp_path):
    undefined = check_document(_annex(tmp_path, [("Borne haute", "La valeur la plus haute.")]), recorded_numbers=None,
                               jargon=FR, glossary_key="tab:glossary")
    assert [p.found.casefold() for p in undefined] == ["actualisation"]
    defined = _annex(tmp_path, [("Borne haute", "La valeur la plus haute."), ("Actualisation", "Euros d’aujourd’hui.")])
    assert check_document(defined, recorded_numbers=None, jargon=FR, glossary_key="tab:glossary") == []
    twice = _annex(tmp_path, [("Borne haute", "a"), ("Actualisation", "b"), ("Actualisation", "c")])
    problems = check_document(twice, recorded_numbers=None, jargon=FR, glossary_key="tab:glossary")
    assert [(p.kind, p.message) for p in problems] == [("jargon", "term defined more than once")]


def test_every_package_term_has_a_definition_in_every_language():
    for language in ("fr", "nl", "en"):
        rows = jargon.glossary(language, translator(language))
        assert len(rows) == len(jargon.TERMS) and all(d and d != t for t, d in rows)
        for (term, _d), (_t, pattern) in zip(rows, jargon.patterns(language)):
            assert pattern.fullmatch(term), (language, term)


# --------------------------------------------------------------------------- key figures and Table 1

def _memo_with_table(tmp_path, figures, rows, name):
    content = sample_content(tmp_path)
    for figure, value in zip(content.key_message.figures, figures):
        figure.value_text = value
    frame = pd.DataFrame(rows, columns=["Option", "Coût", "Cas évités", "Rendu par euro"])
    content.sections[2].blocks[1] = Table(frame, "Options", key="tab:options")
    return render(content, tmp_path / name)


def test_key_figures_must_be_one_row_of_table_one(tmp_path):
    rows = [["A", "1,5\u00a0M€", "250", "1,2\u00a0€"], ["B", "2,8\u00a0M€", "260", "0,7\u00a0€"]]
    agree = _memo_with_table(tmp_path, ["1,2\u00a0€", "250", "1,5\u00a0M€"], rows, "agree.docx")
    assert check_document(agree, recorded_numbers=None, key_table="tab:options") == []
    rounded = _memo_with_table(tmp_path, ["1,2\u00a0€", "250", "2\u00a0M€"], rows, "rounded.docx")  # 1,5 shown as 2
    assert check_document(rounded, recorded_numbers=None, key_table="tab:options") == []
    contradicts = _memo_with_table(tmp_path, ["1,2\u00a0€", "250", "3,1\u00a0M€"], rows, "contradicts.docx")
    problems = check_document(contradicts, recorded_numbers=None, key_table="tab:options")
    assert [(p.kind, p.found) for p in problems] == [("key-figure-vs-table", "3,1")]
    mixed = _memo_with_table(tmp_path, ["0,7\u00a0€", "250", "1,5\u00a0M€"], rows, "mixed.docx")  # B's return, A's cost
    assert kinds(check_document(mixed, recorded_numbers=None, key_table="tab:options")) == {"key-figure-vs-table"}


# --------------------------------------------------------------------------- memo and annex counts

def test_memo_and_annex_must_state_the_same_counts(tmp_path):
    def doc(text, name):
        content = sample_content(tmp_path)
        content.sections = [Section("Méthode", 1, [Paragraph(text)])]
        return render(content, tmp_path / name)

    memo = doc("37 des 48 paramètres sont des hypothèses ; 879 réponses.", "memo.docx")
    same = doc("Registre : 37 des 48 paramètres sont des hypothèses.", "same.docx")
    other = doc("40 des 56 paramètres sont des hypothèses.", "other.docx")
    assert check_counts(memo, same) == []
    problems = check_counts(memo, other)
    assert [p.kind for p in problems] == ["count-disagreement"] and "40 des 56 paramètres" in problems[0].expected


# --------------------------------------------------------------------------- figures

def test_odds_read_in_words():
    _ = translator("fr")
    assert [F.in_ten(p, _) for p in (0.41, 0.4937, 0.02, 0.97)] == [
        "dans 4 cas sur 10", "dans 5 cas sur 10", "presque jamais", "presque toujours"]
    assert F.odds_comment(0.4937, _) == "aussi probable que non" and F.odds_comment(0.8, _) == "plus probable que non"
    assert F.in_ten(0.41, translator("en")) == "4 times in 10"
    found = find_numbers("le plan se rembourse dans 4\u00a0cas sur 10", "fr")
    assert [(n.value, n.precision) for n in found] == [(0.4, 0.1)]


def test_one_rounding_rule():
    assert [F.shown(x, "EUR", "fr") for x in (1.46e6, 14.3e6, -2.04e5)] == ["1,5\u00a0M€", "14,3\u00a0M€", "\u22120,2\u00a0M€"]
    assert [F.shown(x, "cases", "fr") for x in (252.0, 36_432.0, 12.4)] == ["250", "36\u202f000", "12"]
    assert F.shown(1.1644, "ratio", "fr") == "1,2\u00a0€" and F.shown(None, "ratio", "fr") == fmt.MISSING


def _results(tmp_path, perspectives: bool) -> Results:
    yearly = pd.DataFrame({
        "option": ["ref", "ref", "ref", "plan", "plan", "plan"],
        "year": [2029, 2030, 2030, 2029, 2030, 2030],
        "payer": ["funds", "funds", "INASTI", "funds", "funds", "INASTI"],
        "gross_cost": [1.0e6, 1.0e6, 0.4e6, 1.5e6, 1.5e6, 2.0e6],
        "participants": [100.0, 100.0, 0.0, 150.0, 150.0, 50.0],
        "net_cost": [0.9e6, 0.8e6, 0.4e6, 1.0e6, 1.0e6, 1.5e6],
    })
    (tmp_path / "tables").mkdir(exist_ok=True)
    yearly.to_parquet(tmp_path / "tables" / "plan.yearly.parquet")
    entries = {"plan.yearly": {"kind": "table", "path": "tables/plan.yearly.parquet"},
               "plan.last_year": {"kind": "scalar", "value": 2030}, "plan.baseline": {"kind": "scalar", "value": "ref"},
               "plan.option_order": {"kind": "scalar", "value": "ref,plan"}}
    for name, cases, best, bcr in (("ref", 0.0, 0.46, None), ("plan", 250.0, 0.41, 1.16)):
        entries[f"plan.option.{name}.label"] = {"kind": "scalar", "value": name.upper()}
        entries[f"plan.option.{name}.cases_averted_plan_years"] = {"kind": "scalar", "value": cases}
        entries[f"plan.option.{name}.p_best"] = {"kind": "scalar", "value": best}
        entries[f"plan.option.{name}.bcr"] = {"kind": "scalar", "value": bcr}
        if perspectives:
            entries[f"plan.option.{name}.social_security.bcr"] = {"kind": "scalar", "value": bcr and bcr / 4}
    return Results(tmp_path, entries)


def test_options_are_read_against_the_reference(tmp_path):
    frame = F.options_vs_reference(_results(tmp_path, perspectives=True)).set_index("option")
    assert frame.loc["plan", "annual_cost"] == pytest.approx(3.5e6)  # both payers, last plan year
    assert frame.loc["plan", "extra_annual_cost"] == pytest.approx(2.1e6)
    assert frame.loc["plan", "extra_reach"] == pytest.approx(100.0)
    assert frame.loc["plan", "extra_net_cost"] == pytest.approx(3.5e6 - 2.1e6)
    assert frame.loc["ref", "extra_annual_cost"] == 0.0
    assert frame.loc["plan", "bcr_society"] == pytest.approx(1.16)
    assert frame.loc["plan", "bcr_social_security"] == pytest.approx(0.29)


def test_a_return_the_model_did_not_compute_stays_absent(tmp_path):
    frame = F.options_vs_reference(_results(tmp_path, perspectives=False)).set_index("option")
    assert frame.loc["plan", "bcr_social_security"] is None
    assert frame.loc["plan", "bcr_society"] == pytest.approx(1.16)
    other = F.options_vs_reference(_results(tmp_path, perspectives=False), model_perspective="social_security")
    assert other.set_index("option").loc["plan", "bcr_society"] is None


# --------------------------------------------------------------------------- the memo date

def _stage(date, first_year=2025):
    meta = SimpleNamespace(date=date)
    return SimpleNamespace(params=SimpleNamespace(meta=meta, plan=SimpleNamespace(first_year=first_year)))


def test_memo_date_is_the_params_date_or_the_run_date():
    assert memo_date(_stage(dt.date(2025, 6, 30))) == dt.date(2025, 6, 30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert memo_date(_stage(None), today=dt.date(2025, 3, 1)) == dt.date(2025, 3, 1)
    with pytest.warns(MemoDateWarning, match="after the plan's first year"):
        assert memo_date(_stage(None), today=dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)
