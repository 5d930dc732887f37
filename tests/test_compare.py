"""`policy-kit compare`: the params that differ and the headline results that moved, as a table and a docx."""

import json
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from typer.testing import CliRunner

from policy_kit.cli import app
from policy_kit.compare import compare, show_delta, write_docx
from policy_kit.runs import flatten, headline_keys

runner = CliRunner()
DEFAULT_PARAMS = Path(__file__).resolve().parents[1] / "params" / "memorandum-2024.yaml"


def _params(cap: float, draws: int = 10_000) -> dict:
    from policy_kit.params.loader import read_yaml

    data = read_yaml(DEFAULT_PARAMS).data
    data["plan"]["budget_cap"]["value"] = cap
    data["economics"]["psa"]["draws"] = draws
    return data


def _run(folder: Path, params: dict, *, recommended: str, npv_full: float, cases: float, prevalence: float,
         run_id: str, survey_hash: str = "aaa") -> Path:
    folder.mkdir(parents=True)
    (folder / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    results = {
        "plan.option_order": {"kind": "scalar", "value": "status_quo,light,full", "unit": ""},
        "plan.recommended.name": {"kind": "scalar", "value": recommended, "unit": ""},
        "plan.recommended.npv": {"kind": "scalar", "value": npv_full if recommended == "full" else 2e6, "unit": "EUR"},
        "plan.recommended.cases_averted_plan_years": {"kind": "scalar", "value": cases, "unit": "cases"},
        "plan.recommended.p_npv_positive": {"kind": "scalar", "value": 0.5, "unit": "probability"},
        "evidence.prevalence.burnout_risk": {"kind": "scalar", "value": prevalence, "unit": "share", "ci": [0.2, 0.3]},
        "plan.option.status_quo.npv": {"kind": "scalar", "value": 0.0, "unit": "EUR"},
        "plan.option.light.npv": {"kind": "scalar", "value": 2e6, "unit": "EUR"},
        "plan.option.full.npv": {"kind": "scalar", "value": npv_full, "unit": "EUR"},
        "economics.options.app.cost": {"kind": "scalar", "value": npv_full / 3, "unit": "EUR"},
        "memo.check.passed": {"kind": "scalar", "value": True, "unit": ""},
    }
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    manifest = {"run_id": run_id, "git_commit": "abc123", "package_version": "0.1.0",
                "data_sha256": {"data/survey.csv": survey_hash}, "versions": {"pandas": "2.2"}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def two_runs(tmp_path):
    a = _run(tmp_path / "briefings" / "base", _params(7e6), recommended="full", npv_full=3e6, cases=500.0,
             prevalence=0.25, run_id="aaaa")
    b = _run(tmp_path / "briefings" / "tight", _params(5e6, draws=2000), recommended="light", npv_full=3e6, cases=250.0,
             prevalence=0.25, run_id="bbbb", survey_hash="bbb")
    return a, b


def test_params_that_differ_by_dotted_key(two_runs):
    comparison = compare(*two_runs)
    assert [(c.key, c.a, c.b) for c in comparison.params] == [
        ("economics.psa.draws", 10_000, 2000), ("plan.budget_cap.value", 7e6, 5e6)]


def test_headline_results_that_moved_and_by_how_much(two_runs):
    comparison = compare(*two_runs)
    moved = {c.key: c for c in comparison.moved}
    assert set(moved) == {"plan.recommended.name", "plan.recommended.npv", "plan.recommended.cases_averted_plan_years"}
    cases = moved["plan.recommended.cases_averted_plan_years"]
    assert cases.delta == -250.0 and cases.relative == -0.5
    assert show_delta(cases, "en") == ("−250", "−50.0%")
    assert show_delta(moved["plan.recommended.name"], "en") == ("changed", "")
    unchanged = next(c for c in comparison.results if c.key == "plan.option.full.npv")
    assert show_delta(unchanged, "en") == ("=", "")
    assert comparison.other_moved == 0  # economics.options.app.cost did not move; a boolean is no number
    assert comparison.inputs == ["data data/survey.csv"]


def test_headline_order_and_flatten():
    results = {k: {"value": 1} for k in ("plan.option.full.npv", "plan.option.light.npv", "plan.recommended.npv",
                                          "plan.option.light.cases_averted_plan_years", "evidence.prevalence.burnout_risk")}
    results["plan.option_order"] = {"value": "light,full"}
    assert headline_keys(results) == ["plan.recommended.npv", "evidence.prevalence.burnout_risk", "plan.option.light.npv",
                                      "plan.option.full.npv", "plan.option.light.cases_averted_plan_years"]
    assert flatten({"a": {"b": 1, "c": [1, 2], "d": [{"e": 1}]}}) == {"a.b": 1, "a.c": [1, 2], "a.d.0.e": 1}


def test_compare_docx_is_the_comparison_on_the_house_template(two_runs, tmp_path):
    out = write_docx(compare(*two_runs), tmp_path / "compare.docx")
    document = docx.Document(out)
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    text = text.replace("\u202f", " ")  # French typography groups thousands with a narrow no-break space
    assert "Comparaison de deux exécutions" in text
    # parameters by their labels, values as the locale writes them
    assert "plan.budget_cap.value" not in text and "Le plafond budgétaire annuel" in text
    assert "7\u202f000\u202f000" in text.replace(" ", "\u202f") and "10\u202f000" in text.replace(" ", "\u202f")
    assert "plan.recommended.cases_averted_plan_years" in text and "−50,0" in text
    # the same headline results as the terminal, moved or not
    assert "plan.option.full.npv" in text
    assert len(document.tables) >= 2
    # the params' author signs it; no banner without synthetic data
    assert "Service d’études UCM" in text  # French typography: the apostrophe is ’
    assert "Données de démonstration" not in text
    import zipfile

    with zipfile.ZipFile(out) as package:  # opens in Word without the "update fields?" prompt
        assert b"updateFields" not in package.read("word/settings.xml")


def test_compare_docx_carries_the_demo_banner_when_a_run_used_synthetic_data(two_runs, tmp_path):
    a, b = two_runs
    results = json.loads((a / "results.json").read_text(encoding="utf-8"))
    results["evidence.survey.synthetic"] = {"kind": "scalar", "value": True, "unit": ""}
    (a / "results.json").write_text(json.dumps(results), encoding="utf-8")
    document = docx.Document(write_docx(compare(a, b), tmp_path / "compare.docx"))
    assert any("Données de démonstration" in p.text for p in document.paragraphs)


def test_compare_cli_prints_tables_and_writes_the_docx_next_to_run_b(two_runs, monkeypatch):
    a, b = two_runs
    result = runner.invoke(app, ["compare", str(a), str(b)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "plan.budget_cap.value" in result.output and "7 000 000" in result.output
    assert "3 of" in result.output and "moved" in result.output
    assert (b / "compare.docx").is_file()
    # run folders can be named by their folder under briefings/ when run inside the project
    (a.parent.parent / "params").mkdir()
    (a.parent.parent / "notebooks").mkdir()
    monkeypatch.chdir(a.parent.parent)
    out = a.parent.parent / "cmp.docx"
    assert runner.invoke(app, ["compare", "base", "tight", "--out", str(out)]).exit_code == 0
    assert out.is_file()


def test_compare_refuses_what_is_not_a_run_folder(tmp_path):
    (tmp_path / "half").mkdir()
    for target in (tmp_path / "missing", tmp_path / "half"):
        result = runner.invoke(app, ["compare", str(target), str(target)])
        assert result.exit_code == 2


def test_compare_without_params_copy_still_compares_results(two_runs):
    a, b = two_runs
    (a / "params.yaml").unlink()
    comparison = compare(a, b)
    assert comparison.params == [] and comparison.a.params is None
    assert len(comparison.moved) == 3


@pytest.mark.slow
def test_compare_docx_fits_one_page(two_runs, tmp_path):
    from policy_kit.memo import pdf

    if pdf.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    comparison = compare(*two_runs)
    # many differences: the document still fits one page, the rest is left to the console
    comparison.params = comparison.params * 20
    comparison.results = comparison.results * 4
    out = write_docx(comparison, tmp_path / "compare.docx")
    assert pdf.page_count(pdf.to_pdf(out, tmp_path)) == 1
    shutil.rmtree(tmp_path / "compare.docx", ignore_errors=True)
