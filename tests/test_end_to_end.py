"""The whole path on real components: params → papermill notebooks → recorded results → Word memo."""

import json
from pathlib import Path

import docx
import nbformat
import pytest

from policy_kit import formatting as fmt
from policy_kit import records
from policy_kit.errors import ParamsError, StepFailure
from policy_kit.memo.bind import format_result
from policy_kit.runner import run

DEFAULT_PARAMS = Path(__file__).resolve().parents[1] / "params" / "memorandum-2024.yaml"

pytestmark = pytest.mark.slow


def _memo_text(path: Path) -> str:
    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_run_folder_has_every_artefact(default_run):
    result, _ = default_run
    folder = result.run_dir
    for name in ("memo.docx", "annex.docx", "results.json", "manifest.json"):
        assert (folder / name).is_file(), name
    assert sorted(p.name for p in (folder / "notebooks").glob("*.ipynb")) == [
        "01_pilot_evidence.ipynb", "02_cost_benefit.ipynb", "03_prevention_plan.ipynb", "04_memo.ipynb"]
    assert len(list((folder / "html").glob("*.html"))) == 4
    assert list((folder / "figures").glob("*.png"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["params_sha256"]) == 64
    assert set(manifest["data_sha256"]) == {"data/synthetic_survey_icarius_2022.csv", "data/pilots/pilot_activity.csv",
                                             "data/pilots/synthetic_accompaniment_prepost.csv"}
    assert set(manifest["timings_s"]) >= {"01_pilot_evidence.ipynb", "04_memo.ipynb"}
    assert manifest["versions"]["papermill"] != "not installed"


def test_memo_headline_figures_equal_results_json(default_run):
    result, _ = default_run
    results = records.Results(result.run_dir, json.loads((result.run_dir / "results.json").read_text()))
    text = _memo_text(result.run_dir / "memo.docx")
    document = docx.Document(result.run_dir / "memo.docx")
    key_box = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for key in ("plan.recommended.bcr", "plan.recommended.cases_averted_plan_years", "plan.recommended.annual_cost"):
        assert format_result(results, key) in key_box, key
    assert fmt.typography(results.value("plan.recommended.label")) in text  # French spacing: « léger : » has a no-break space
    low, high = results.ci("evidence.prevalence.burnout_risk")
    assert f"Entre {fmt.percent(low)} et {fmt.percent(high)}" in text
    assert "Données de démonstration" in text  # synthetic survey ⇒ banner on page 1
    assert "{" not in text  # every placeholder bound


def test_same_inputs_give_identical_results_and_documents(default_run, tmp_path):
    first, cache = default_run
    second = run(DEFAULT_PARAMS, tmp_path / "again", cache_dir=tmp_path / "fresh-cache", force=True)
    assert second.cached == []
    for name in ("results.json", "memo.docx", "annex.docx"):
        assert (first.run_dir / name).read_bytes() == (second.run_dir / name).read_bytes(), name


def test_cached_rerun_reuses_every_step(default_run, tmp_path):
    first, cache = default_run
    again = run(DEFAULT_PARAMS, tmp_path / "cached", cache_dir=cache)
    assert len(again.cached) == 4
    assert (again.run_dir / "memo.docx").read_bytes() == (first.run_dir / "memo.docx").read_bytes()


def test_bad_params_stop_before_any_notebook(project_copy):
    params = project_copy / "params" / "memorandum-2024.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("  min_cell: 10", "  min_cel: 10"), encoding="utf-8")
    with pytest.raises(ParamsError, match="min_cel"):
        run(params)
    assert not (project_copy / "briefings").exists() or not any((project_copy / "briefings").iterdir())


def test_failing_notebook_keeps_last_good_briefing(project_copy):
    params = project_copy / "params" / "memorandum-2024.yaml"
    good = project_copy / "briefings" / "memorandum-2024"
    good.mkdir(parents=True)
    (good / "memo.docx").write_bytes(b"last good memo")
    manifest = {"run_id": "0" * 12, "params_file": "memorandum-2024.yaml", "params_sha256": "0" * 64, "steps": [], "timings_s": {}}
    (good / "manifest.json").write_text(json.dumps(manifest) + "\n")
    before = sorted((p.relative_to(good).as_posix(), p.read_bytes()) for p in good.rglob("*") if p.is_file())

    notebook = project_copy / "notebooks" / "02_cost_benefit.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    results_cell = next(i for i, c in enumerate(nb.cells) if "results_step" in c.source)
    nb.cells[results_cell].source = "raise RuntimeError('model exploded')"
    nbformat.write(nb, notebook)

    with pytest.raises(StepFailure) as info:
        run(params)
    failure = info.value
    # counted in the kept notebook, where papermill inserted the injected-parameters cell
    assert failure.notebook == "02_cost_benefit.ipynb" and failure.cell == results_cell + 2
    assert "RuntimeError" in failure.render() and "model exploded" in failure.render()
    after = sorted((p.relative_to(good).as_posix(), p.read_bytes()) for p in good.rglob("*") if p.is_file())
    assert after == before
    kept = project_copy / "briefings" / "memorandum-2024.failed" / "02_cost_benefit.ipynb"
    assert kept.is_file() and "model exploded" in kept.read_text()
    assert not [p for p in (project_copy / "briefings").iterdir() if ".partial-" in p.name]


def test_tight_budget_scenario_writes_a_memo(tmp_path):
    """Under a 4,5 M€ cap the status quo is recommended; its return per euro is undefined and shown as « – »."""
    params = DEFAULT_PARAMS.with_name("memorandum-2024-tight-budget.yaml")
    result = run(params, tmp_path / "tight", cache_dir=tmp_path / "cache")
    results = json.loads((result.run_dir / "results.json").read_text())
    assert results["plan.recommended.name"]["value"] == "status_quo"
    assert "Situation après les projets pilotes" in _memo_text(result.run_dir / "memo.docx")
