"""The memo and annex of the default run: structure, PDF proofs, other languages, unknown placeholders.

Other languages are composed from the finished default run with `meta.language` changed, as the
memo step would do on a cached rerun: the records of the first three steps do not depend on it.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pydantic import BaseModel

from policy_kit import records
from policy_kit.errors import StepFailure
from policy_kit.memo import labels, page_count, pdf_text, read_custom_properties, to_pdf
from policy_kit.memo import stage as steps
from policy_kit.memo.bind import PlaceholderError
from policy_kit.memo import figures as F
from policy_kit.notebook import Stage
from policy_kit.params import load
from policy_kit.params.sourced import Sourced
from policy_kit.runner import run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARAMS = ROOT / "params" / "memorandum-2024.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KEY_FIGURES = ("memo.recommended.extra_annual_cost", "memo.recommended.bcr_social_security", "memo.recommended.bcr_society",
               "memo.recommended.cases_averted")


def key_figure(results, key: str) -> str:
    """The key a figure shows: the recommended option's, or the best extension's when the reference is recommended."""
    keeps = results.value("plan.recommended.name") == results.value("plan.baseline")
    return key.replace("memo.recommended.", "memo.alternative.", 1) if keeps else key

pytestmark = pytest.mark.slow
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice (soffice) and poppler-utils are needed for PDF proofs")


def plain(text: str) -> str:
    # pdftotext and python-docx readers compare more easily without the no-break spaces
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def results_of(folder: Path) -> records.Results:
    return records.Results(folder, json.loads((folder / "results.json").read_text(encoding="utf-8")))


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return plain("\n".join(parts))


def memo_stage(run_dir: Path, folder: Path, params_file: Path = DEFAULT_PARAMS, **meta) -> Stage:
    """The memo step's view of a copy of a finished run, with some `meta` params changed."""
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("memo.docx", "annex.docx", "html", "notebooks"))
    (folder / "records" / "memo.json").unlink(missing_ok=True)
    params = load(params_file, root=ROOT)
    params = params.model_copy(update={"meta": params.meta.model_copy(update=meta)})
    recorder = records.Recorder(folder, "memo")
    return Stage("memo", params, params_file, ROOT, folder, recorder, recorder.inputs())


@pytest.fixture(scope="module")
def pdfs(default_run, tmp_path_factory):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) and poppler-utils are needed for PDF proofs")
    out = tmp_path_factory.mktemp("pdf")
    result, _ = default_run
    return {name: to_pdf(result.run_dir / f"{name}.docx", out) for name in ("memo", "annex")}


# --------------------------------------------------------------------------- the French memo

def test_memo_has_every_section_of_the_brief(default_run):
    result, _ = default_run
    document = docx.Document(str(result.run_dir / "memo.docx"))
    assert [row.cells[0].text for row in document.tables[0].rows] == ["À", "De", "Date", "Objet", "Classification"]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "En bref", "Les options comparées", "Ce qui ferait changer la décision", "Les projets pilotes",
        "Ce que disent les données", "Nos demandes", "Sources et méthode"]
    key_box = plain(document.tables[1].rows[0].cells[0].text)
    assert key_box.startswith("Les projets pilotes ont pris fin")
    assert len(document.tables[1].rows[1].cells) == len(KEY_FIGURES)
    assert len(document.inline_shapes) == 1
    # page one: why now, the ask, what it returns, how sure, the evaluation, in that order
    leads = [p.runs[0].text for p in document.paragraphs if p.runs and p.runs[0].bold and p.style.name == "Normal"]
    assert leads[:5] == ["Pourquoi maintenant. ", "Ce que nous demandons. ", "Ce que cela rapporte. ",
                         "Quel degré de certitude. ", "L’évaluation qui l’accompagne. "]
    text = docx_text(result.run_dir / "memo.docx")
    assert re.search(r"dans \d cas sur 10", text)
    changes = [line for line in text.split("Ce qui ferait changer la décision")[1].split("Les projets pilotes")[0].splitlines() if line]
    assert 1 <= len(changes) <= 3
    assert all("deviendrait l’option recommandée si" in line or "aucun des" in line for line in changes)
    pilots = next(t for t in document.tables if t.rows[0].cells[0].text == "Projet et volet")
    rows = [plain(r.cells[0].text) + " | " + plain(r.cells[1].text) for r in pilots.rows[1:]]
    assert len(rows) == 9 and "879 réponses brutes ; près de 800 réponses dans le rapport final" in rows[1]
    assert rows[4].endswith("14 événements") and "près de 30" in rows[6] and rows[7].startswith("Liantis")


@needs_soffice
def test_memo_pdf_fits_three_pages_and_shows_the_key_figures(default_run, pdfs):
    result, _ = default_run
    results = results_of(result.run_dir)
    assert page_count(pdfs["memo"]) <= 3
    pages = plain(pdf_text(pdfs["memo"])).split("\f")
    for key in (key_figure(results, k) for k in KEY_FIGURES):
        assert plain(F.shown(results.entry(key).get("value"), results.entry(key)["unit"], "fr")) in pages[0], key
    assert results.value("plan.recommended.label") in plain(pdf_text(pdfs["memo"])).replace("\n", " ")
    total = page_count(pdfs["memo"])
    assert f"Page {total} / {total}" in pages[total - 1]


# --------------------------------------------------------------------------- the annex

def test_annex_sections_follow_the_brief(default_run):
    result, _ = default_run
    document = docx.Document(str(result.run_dir / "annex.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Méthodes", "Lexique", "Validation du modèle", "Les données", "Analyse coûts-bénéfices", "Options du plan 2025-2030", "Registre des hypothèses",
        "Qualité des données", "Provenance"]
    root = etree.fromstring(zipfile.ZipFile(result.run_dir / "annex.docx").read("word/document.xml"))
    instructions = [t.text.strip() for t in root.iter(f"{W}instrText")]
    assert instructions[0].startswith("TOC ")
    headings2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert {"Analyse de sensibilité", "Analyse probabiliste"} <= set(headings2)
    sections = document.sections
    assert any(s.page_width > s.page_height for s in sections) and sections[0].page_width < sections[0].page_height


def test_annex_validation_section_shows_calibration_and_replication(default_run):
    """ISPOR-SMDM framing, the engine's reproduction of a published model and every calibration target, within tolerance."""
    result, _ = default_run
    results = results_of(result.run_dir)
    document = docx.Document(str(result.run_dir / "annex.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Eddy et al. 2012" in text and "Chancellor et al. (1997)" in text
    calibration = results.table("economics.calibration")
    assert calibration["within"].all() and len(calibration) >= 3
    assert results.table("economics.validation.replication")["within"].all()
    plain_text = lambda t: t.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")  # noqa: E731
    captions = [plain_text(p.text) for p in document.paragraphs if p.style.name == "Caption"]
    for wanted in ("Calibrage : cibles publiées", "Vérification : le moteur reproduit", "Trajectoire sans programme",
                   "Distributions de l'analyse probabiliste"):
        assert any(wanted in c for c in captions), wanted
    states = results.table("economics.status_quo.states")
    assert set(states.columns) == {"year", "state", "persons"}
    start = states[states["year"] == states["year"].min()].set_index("state")["persons"]
    assert start["invalidity"] > 0  # today's state, not an empty cohort
    inputs = results.table("economics.psa.inputs")
    assert list(inputs.columns) == ["parameter", "distribution", "low", "high", "value", "q025", "q975", "mean"]


def test_annex_names_the_analysed_option_and_values_the_reference_against_no_programme(default_run):
    result, _ = default_run
    results = results_of(result.run_dir)
    analysed = results.value(f"plan.option.{results.value('plan.sensitivity.option')}.label")
    document = docx.Document(str(result.run_dir / "annex.docx"))
    text = plain("\n".join(p.text for p in document.paragraphs)).replace("\u2019", "'")
    sensitivity = [plain(p.text) for p in document.paragraphs
                   if "valeur actuelle nette de" in p.text.lower() and "par rapport à la situation de référence" in p.text]
    assert len(sensitivity) >= 3  # tornado figure, switching values note, two-way table
    assert all(f"« {analysed} »" in line and "option recommandée" not in line for line in sensitivity)
    for persp in ("society", "social_security"):
        for metric in ("npv", "bcr"):
            assert math.isfinite(results.value(f"plan.reference.vs_none.{persp}.{metric}"))
    assert "Par rapport à l'absence de tout programme, la situation de référence rend" in text
    bcr = plain(F.shown(results.value("plan.reference.vs_none.social_security.bcr"), "ratio", "fr"))
    assert f"rend {bcr} par euro au budget de la sécurité sociale" in text


def test_table_one_says_over_the_cap_and_reads_the_plan_yearly_cost(default_run):
    result, _ = default_run
    results = results_of(result.run_dir)
    names = results.value("plan.option_order").split(",")
    over = [n for n in names if not results.value(f"plan.option.{n}.within_cap")]
    assert over, "the default cap leaves an option out; the check needs one"
    memo = docx.Document(str(result.run_dir / "memo.docx"))
    table = next(t for t in memo.tables if t.rows[0].cells[0].text == "Option")
    best = [c.text for c in table.rows[0].cells].index("Meilleure option")
    cells = {plain(r.cells[0].text): plain(r.cells[best].text) for r in table.rows[1:]}
    for name in names:
        label = plain(results.value(f"plan.option.{name}.label"))
        if label in cells:
            assert (cells[label] == "hors plafond") == (name in over), name
        assert results.value(f"memo.option.{name}.annual_cost") == pytest.approx(results.value(f"plan.option.{name}.annual_cost"))


def test_annex_shows_every_recorded_table_and_chart_with_french_headers(default_run):
    result, _ = default_run
    results = results_of(result.run_dir)
    document = docx.Document(str(result.run_dir / "annex.docx"))
    xml = zipfile.ZipFile(result.run_dir / "annex.docx").read("word/document.xml").decode("utf-8")
    stages = ("evidence.", "economics.", "plan.")
    tables = [k for k in results.keys() if k.startswith(stages) and results.entry(k)["kind"] == "table"]
    figures = [k for k in results.keys() if k.startswith(stages) and results.entry(k)["kind"] == "figure"]
    for key in tables:
        if results.table(key).empty:
            continue
        name = "_Ref_tab_" + re.sub(r"[^A-Za-z0-9_]", "_", key)
        assert name[:40] in xml, key
    assert len(document.inline_shapes) == len(figures)
    for key in tables:  # every recorded column has a label, except columns that are data
        if key in labels.DATA_COLUMNS:
            continue
        unlabelled = [c for c in results.table(key).columns
                      if c not in labels.COLUMNS and c not in labels.TABLE_COLUMNS.get(key, {})]
        assert not unlabelled, (key, unlabelled)
    headers = {cell.text for table in document.tables for cell in table.rows[0].cells}
    assert {"Taux de participation", "Valeur actuelle nette", "Coût brut", "Répondants"} <= headers
    assert not {h for h in headers if re.fullmatch(r"[a-z]+(_[a-z0-9.]+)+", h)}  # no raw column name left


def test_assumptions_log_flags_every_unsourced_parameter(default_run):
    result, _ = default_run
    params = load(DEFAULT_PARAMS)
    sourced: list[Sourced] = []

    def walk(node):
        if isinstance(node, Sourced):
            sourced.append(node)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(params)
    root = etree.fromstring(zipfile.ZipFile(result.run_dir / "annex.docx").read("word/document.xml"))
    rows = []
    for table in root.iter(f"{W}tbl"):
        header = "".join(table.find(f"{W}tr").itertext())
        if "Millésime" in header and "Qualité" in header:
            for tr in table.findall(f"{W}tr")[1:]:
                rows.append(("".join(tr.itertext()), {s.get(f"{W}fill") for s in tr.iter(f"{W}shd")}))
    assert len(rows) == len(sourced)
    for (text, fills), node in zip(rows, sourced):
        assert (fills == {"FCE8C8"}) == node.is_assumption, text
        assert ("HYPOTHÈSE : aucune source publiée" in plain(text)) == (node.source is None), text


def test_provenance_properties_equal_the_manifest(default_run):
    result, _ = default_run
    manifest = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
    for name in ("memo.docx", "annex.docx"):
        props = read_custom_properties(result.run_dir / name)
        assert props["RunId"] == manifest["run_id"]
        assert props["ParamsHash"] == manifest["params_sha256"]
        assert props["GitCommit"] == manifest["git_commit"]
        assert props["PackageVersion"] == manifest["package_version"]
        assert {k.removeprefix("DataHash:"): v for k, v in props.items() if k.startswith("DataHash:")} == manifest["data_sha256"]
    text = docx_text(result.run_dir / "annex.docx")
    assert manifest["params_sha256"] in text and manifest["run_id"] in text


@needs_soffice
def test_annex_converts_to_pdf(pdfs):
    text = plain(pdf_text(pdfs["annex"]))
    assert page_count(pdfs["annex"]) > 10
    assert "Sommaire" in text and "Registre des hypothèses" in text and "Provenance de cette exécution" in text


# --------------------------------------------------------------------------- Dutch and English

LANGUAGES = {
    "nl": {"labels": ["Aan", "Van", "Datum", "Onderwerp", "Classificatie"],
           "headings": ["In het kort", "Wat de beslissing zou doen omslaan", "Onze vragen"],
           "sentence": "zou de aanbevolen optie worden als", "reached": "1.000", "percent": re.compile(r"\b\d+%"),
           "annex": ["Technische bijlage", "Register van aannames", "Respondenten", "Netto contante waarde"]},
    "en": {"labels": ["To", "From", "Date", "Subject", "Classification"],
           "headings": ["In short", "What would change the decision", "Our asks"],
           "sentence": "would become the recommended option if", "reached": "1,000", "percent": re.compile(r"\b\d+%"),
           "annex": ["Technical annex", "Assumptions log", "Respondents", "Net present value"]},
}


@pytest.fixture(scope="module")
def language_runs(tmp_path_factory):
    """The default scenario run whole in Dutch and in English: its texts, charts and documents in that language."""
    folder = tmp_path_factory.mktemp("languages")
    cache = folder / "cache"
    runs = {}
    for language in sorted(LANGUAGES):
        params = folder / f"memorandum-2024-{language}.yaml"
        params.write_text(DEFAULT_PARAMS.read_text(encoding="utf-8").replace("\n  language: fr\n", f"\n  language: {language}\n", 1),
                          encoding="utf-8")
        runs[language] = (params, run(params, folder / language, cache_dir=cache, root=ROOT))
    return runs


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_dutch_and_english_memos_come_from_the_catalogues(language_runs, default_run, tmp_path, language):
    expected = LANGUAGES[language]
    for chart in ("evidence.prevalence.chart", "plan.sensitivity.tornado", "plan.budget_chart"):
        recorded = language_runs[language][1].run_dir / "figures" / f"{chart}.png"
        assert recorded.read_bytes() != (default_run[0].run_dir / "figures" / f"{chart}.png").read_bytes(), chart
    params_file, result = language_runs[language]  # the run passed the checker, language purity included
    stage = memo_stage(result.run_dir, tmp_path / "run", params_file)
    shutil.copy(result.run_dir / "memo.docx", stage.run_dir / "memo.docx")
    shutil.copy(result.run_dir / "annex.docx", stage.run_dir / "annex.docx")
    steps.check(stage)  # no leftover placeholder, every number recorded, no sentence in another language

    memo = stage.run_dir / "memo.docx"
    document = docx.Document(str(memo))
    assert [row.cells[0].text for row in document.tables[0].rows] == expected["labels"]
    text = docx_text(memo)
    for heading in expected["headings"]:
        assert heading in text
    assert expected["sentence"] in text
    extra = stage.rec.entry(key_figure(stage.inputs, "memo.recommended.extra_annual_cost"))["value"]
    assert F.shown(extra, "EUR", language) in document.tables[1].rows[1].cells[0].text
    assert expected["reached"] in text and expected["percent"].search(text)
    for french in ("resterait la meilleure option", "Ce qui ferait changer", "Règle de décision", "Lignes directrices"):
        assert french not in text
    annex = docx_text(stage.run_dir / "annex.docx")
    for label in expected["annex"]:
        assert label in annex

    if shutil.which("soffice") and shutil.which("pdftotext"):
        pdf = to_pdf(memo, tmp_path / "pdf")
        assert page_count(pdf) <= 3
        first = plain(pdf_text(pdf)).split("\f")[0]
        for key in KEY_FIGURES:
            shown = document.tables[1].rows[1].cells[KEY_FIGURES.index(key)].paragraphs[0].text
            assert plain(shown) in first, key


# --------------------------------------------------------------------------- unknown placeholders

def test_unknown_placeholder_in_an_ask_is_named(default_run, tmp_path):
    result, _ = default_run
    stage = memo_stage(result.run_dir, tmp_path / "run")
    asks = [*stage.params.memo.asks, "Objectif : {plan.unknown.key} en 2030."]
    stage.params = stage.params.model_copy(update={"memo": stage.params.memo.model_copy(update={"asks": asks})})
    with pytest.raises(PlaceholderError) as info:
        steps.compose_memo(stage)
    assert "{plan.unknown.key}" in info.value.render() and f"memo.asks[{len(asks)}]" in info.value.render()


def test_unknown_placeholder_fails_the_run(default_run, project_copy):
    _, cache = default_run
    params = project_copy / "params" / "memorandum-2024.yaml"
    text = params.read_text(encoding="utf-8")
    assert "\n  asks:\n" in text
    params.write_text(text.replace("\n  asks:\n", '\n  asks:\n    - "Objectif : {plan.unknown.key} en 2030."\n', 1),
                      encoding="utf-8")
    with pytest.raises(StepFailure) as info:
        run(params, cache_dir=cache)  # the first three steps come from the cache
    assert info.value.notebook == "04_memo.ipynb"
    assert "{plan.unknown.key}" in info.value.render()
    assert not (project_copy / "briefings" / "memorandum-2024" / "memo.docx").exists()
