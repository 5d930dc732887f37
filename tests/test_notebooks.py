"""The committed notebooks: stored clean, and each runs top to bottom on its own defaults (as in JupyterLab)."""

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest

from policy_kit.runner import STEPS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# codes the stages record (survey categories, pilots, option codes): a table cell shows their label instead
CODES = {"homme", "femme", "main", "complementary", "flandre", "icarius", "accompaniment", "burnout_risk", "full", "light",
         "status_quo", "published"}


def test_there_are_four_stage_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_pilot_evidence.ipynb", "02_cost_benefit.ipynb", "03_prevention_plan.ipynb", "04_memo.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
        assert "papermill" not in cell.metadata, f"{path.name} cell {i} carries papermill metadata (an executed copy?)"
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_parameters_cell_with_by_hand_defaults(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    source = tagged[0].source
    # run by hand, a notebook reads the default scenario and writes to the git-ignored scratch folder
    assert 'params_file = "../params/memorandum-2024.yaml"' in source
    assert 'run_dir = "../briefings/by-hand"' in source
    assert "params = None" in source
    assert tagged[0].cell_type == "code"
    assert nb.cells.index(tagged[0]) < next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c is not tagged[0])


def _outputs(nb, mime):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if mime in o.get("data", {})]


def _recorded_figures(run: Path, stage: str) -> list[bytes]:
    entries = json.loads((run / "records" / f"{stage}.json").read_text(encoding="utf-8"))["entries"]
    return sorted((run / e["path"]).read_bytes() for e in entries.values() if e["kind"] == "figure")


@pytest.mark.slow
def test_every_recorded_chart_is_shown_in_its_notebook_and_web_page(default_run):
    """The executed notebook and its html/ page show each chart the step recorded, as the very PNG in figures/."""
    run = default_run[0].run_dir
    counts = {}
    for step in STEPS:
        recorded = _recorded_figures(run, step.stage)
        executed = nbformat.read(run / "notebooks" / step.notebook, as_version=4)
        shown = sorted(base64.b64decode(o["data"]["image/png"]) for o in _outputs(executed, "image/png"))
        assert shown == recorded, f"{step.notebook}: {len(shown)} charts shown, {len(recorded)} recorded"
        assert not [o for o in _outputs(executed, "text/plain") if "<Figure size" in o["data"]["text/plain"]]
        page = (run / "html" / f"{Path(step.notebook).stem}.html").read_text(encoding="utf-8")
        images = re.findall(r'<img ([^>]*)src="data:image/png;base64,([^"]+)"', page)
        drawn = sorted(base64.b64decode(data) for _, data in images)
        assert drawn == recorded, f"html/{Path(step.notebook).stem}.html: {len(drawn)} images, {len(recorded)} charts"
        assert all('alt="' in attributes and "No description" not in attributes for attributes, _ in images)
        counts[step.stage] = len(recorded)
    assert counts["evidence"] and counts["plan"]


@pytest.mark.slow
def test_notebooks_run_by_hand_in_order_in_a_fresh_checkout(fresh_checkout, project_kernel):
    """As a person runs them in JupyterLab: working folder notebooks/, the defaults of their parameters cell, the
    kernel they name. Run out of order, a notebook says which one to run first."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    folder = fresh_checkout / "notebooks"
    scratch = fresh_checkout / "briefings" / "by-hand"

    def run(name):
        nb = nbformat.read(folder / name, as_version=4)
        NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
        return nb

    with pytest.raises(CellExecutionError) as raised:
        run("03_prevention_plan.ipynb")
    assert raised.value.ename == "OutOfOrder"
    assert "Run notebooks/01_pilot_evidence.ipynb first" in raised.value.evalue

    for step in STEPS:
        executed = run(step.notebook)
        assert executed.metadata.kernelspec.name == "policy-kit"
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{step.notebook}: {errors[:1]}"
        shown = sorted(base64.b64decode(o["data"]["image/png"]) for o in _outputs(executed, "image/png"))
        assert shown == _recorded_figures(scratch, step.stage)
        tables = [o["data"]["text/html"] for o in _outputs(executed, "text/html")]
        assert step.stage == "memo" or tables, f"{step.notebook} shows no table"
        cells = {cell for table in tables for cell in re.findall(r"<td[^>]*>([^<]*)</td>", table)}
        assert not cells & CODES, f"{step.notebook} shows codes: {sorted(cells & CODES)}"
    assert (scratch / "memo.docx").is_file() and (scratch / "annex.docx").is_file()
