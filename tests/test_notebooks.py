"""The committed notebooks: stored clean, and each runs top to bottom on its own defaults (as in JupyterLab)."""

import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


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


@pytest.mark.slow
def test_first_notebook_runs_on_its_defaults(tmp_path):
    """As in JupyterLab: no injected parameters, working folder notebooks/."""
    import papermill as pm

    scratch = ROOT / "briefings" / "by-hand"
    kept = None
    if scratch.exists():  # someone's own by-hand run: set aside, put back afterwards
        kept = tmp_path / "kept-by-hand"
        shutil.move(scratch, kept)
    try:
        out = tmp_path / "01_executed.ipynb"
        pm.execute_notebook(str(NOTEBOOKS[0]), str(out), cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
        executed = nbformat.read(out, as_version=4)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors
        assert (scratch / "records" / "evidence.json").is_file()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if kept is not None:
            shutil.move(kept, scratch)
