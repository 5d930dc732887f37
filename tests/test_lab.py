"""What a notebook shows and checks when a person runs it: findings in the scenario's language, charts as their
recorded PNG, the notebooks in order, the project's kernel."""

import base64
import re
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest

from policy_kit import lab
from policy_kit.memo.i18n import translator
from policy_kit.notebook import Finding, localise
from policy_kit.runner import STEPS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _in_language(stage, language):
    stage.params = stage.params.model_copy(update={"meta": stage.params.meta.model_copy(update={"language": language})})
    return stage


def _margins():
    # codes as the evidence stage records them
    return pd.DataFrame({"variable": ["gender", "gender"], "modalité": ["homme", "femme"],
                         "échantillon": [0.56, 0.44], "pondéré": [0.644, 0.356], "population": [0.644, 0.356]})


def _chart():
    from policy_kit.figures import new_figure

    fig, ax = new_figure(4, 2)
    ax.bar([0, 1], [0.3, 0.5])
    return fig


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_finding_shows_recorded_tables_labelled_and_charts_as_their_png(project_copy, tmp_path, language):
    stage = _in_language(lab.open_stage("evidence", None, str(project_copy / "params" / "memorandum-2024.yaml"),
                                        str(tmp_path / "run")), language)
    view = lab.FindingView(stage)
    stage.rec.table("weights.margins", _margins(), caption="Marges")
    png = stage.rec.figure("prevalence.chart", _chart(), caption="Prévalence", alt="Barres")
    outputs = view.outputs(Finding("Redressement", ["Une ligne."], table=pd.DataFrame({"x": [1]})))

    images = [data["image/png"] for data, _ in outputs if "image/png" in data]
    assert [base64.b64decode(i) for i in images] == [png.read_bytes()]  # the very file in figures/
    width = next(meta["image/png"]["width"] for data, meta in outputs if "image/png" in data)
    from PIL import Image

    with Image.open(png) as image:  # recorded at 200 dpi, shown at the size it prints (96 CSS px an inch)
        assert width == round(image.width * 96 / 200) < image.width

    tables = [data["text/html"] for data, _ in outputs if "text/html" in data]
    assert len(tables) == 1, "the recorded table replaces the step's own"
    _ = translator(language)
    for label in (_("Gender"), _("Men"), _("Women"), _("Sample")):
        assert label in tables[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", tables[0])
    assert "gender" not in cells and "homme" not in cells, "codes stay in the parquet file"
    percent = {"fr": "56,0\u00a0%", "nl": "56,0%", "en": "56.0%"}[language]
    assert percent in cells
    assert pd.read_parquet(stage.run_dir / "tables" / "evidence.weights.margins.parquet")["modalité"].tolist() == ["homme", "femme"]


def test_each_finding_shows_only_what_its_own_step_recorded(project_copy, tmp_path):
    stage = lab.open_stage("evidence", None, str(project_copy / "params" / "memorandum-2024.yaml"), str(tmp_path / "run"))
    view = lab.FindingView(stage)
    stage.rec.figure("prevalence.chart", _chart(), caption="a", alt="a")
    first = view.outputs(Finding("Un"))
    stage.rec.figure("subgroups.chart", _chart(), caption="b", alt="b")
    stage.rec.figure("pooled.forest", _chart(), caption="c", alt="c")
    second = view.outputs(Finding("Deux"))
    third = view.outputs(Finding("Trois"))
    count = lambda outs: sum("image/png" in data for data, _ in outs)  # noqa: E731
    assert (count(first), count(second), count(third)) == (1, 2, 0)


def test_a_table_no_view_knows_is_labelled_by_its_column_names(project_copy, tmp_path):
    stage = lab.open_stage("evidence", None, str(project_copy / "params" / "memorandum-2024.yaml"), str(tmp_path / "run"))
    table = pd.DataFrame({"option": ["status_quo"], "year": [2026], "gross_cost": [1_450_000.0], "ratio x": [0.123456]})
    context = lab.annex_context(stage)
    shown = lab.labelled(table, context, context.model_options)
    assert list(shown.columns) == ["Option", "Année", "Coût brut", "ratio x"]
    assert shown.iloc[0].tolist() == ["Statu quo", "2026", "1,45\u00a0M€", "0,12"]
    plan_option = stage.params.plan.options["status_quo"].label
    assert lab.labelled(table, context, context.plan_options).iloc[0, 0] == plan_option


def test_a_notebook_run_out_of_order_names_the_one_to_run_first(project_copy, tmp_path):
    params = str(project_copy / "params" / "memorandum-2024.yaml")
    run = str(tmp_path / "by-hand")
    with pytest.raises(lab.OutOfOrder, match=r"Run notebooks/01_pilot_evidence\.ipynb first: 03_prevention_plan\.ipynb"):
        lab.open_stage("plan", None, params, run)
    lab.open_stage("evidence", None, params, run).rec.scalar("for_economics.x", 1.0)
    with pytest.raises(lab.OutOfOrder, match=r"Run notebooks/02_cost_benefit\.ipynb first") as raised:
        lab.open_stage("plan", None, params, run)
    # IPython shows the message alone, without a traceback
    assert raised.value._render_traceback_() == [f"OutOfOrder: {raised.value}"]
    lab.open_stage("economics", None, params, run).rec.scalar("inputs.x", 1.0)
    lab.open_stage("plan", None, params, run)  # in order: no complaint

    with open(params, "a", encoding="utf-8") as f:
        f.write("\n# edited after notebook 01 ran\n")
    with pytest.raises(lab.OutOfOrder, match=r"Run notebooks/01_pilot_evidence\.ipynb again first"):
        lab.open_stage("plan", None, params, run)


def test_rerunning_a_notebook_by_hand_sets_the_later_ones_to_run_again(project_copy, tmp_path):
    params = str(project_copy / "params" / "memorandum-2024.yaml")
    run = tmp_path / "by-hand"
    lab.open_stage("evidence", None, params, str(run)).rec.scalar("for_economics.x", 1.0)
    lab.open_stage("economics", None, params, str(run)).rec.scalar("inputs.x", 1.0)
    lab.open_stage("evidence", None, params, str(run))
    assert (run / "records" / "evidence.json").is_file()
    assert not (run / "records" / "economics.json").exists()
    with pytest.raises(lab.OutOfOrder, match="02_cost_benefit"):
        lab.open_stage("plan", None, params, str(run))


def test_run_by_policy_kit_a_notebook_trusts_the_runner(project_copy, tmp_path):
    """Injected params: the runner orders the steps and writes the provenance; nothing is checked or removed."""
    from policy_kit.params import load

    params_file = project_copy / "params" / "memorandum-2024.yaml"
    injected = load(params_file).model_dump(mode="json")
    stage = lab.open_stage("plan", injected, str(params_file), str(tmp_path / "staging"))
    assert stage.name == "plan" and not (tmp_path / "staging" / "provenance.json").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_markdown_reads_in_every_language(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(markdown) >= len([c for c in nb.cells if c.cell_type == "code"]) - 1, "each step explained"
    for language in ("nl", "en"):
        texts = [c.metadata.get("translations", {}).get(language, "") for c in markdown]
        assert all(t.strip() for t in texts), f"{path.name}: a markdown cell has no {language} text"
        assert len(set(texts)) == len(texts)
        localised = localise(nbformat.read(path, as_version=4), language)
        assert [c.source for c in localised.cells if c.cell_type == "markdown"] == texts
    assert localise(nbformat.read(path, as_version=4), "fr") == nb
    # the first cell says what the step shows and what it hands on (or, for the memo, what it produces)
    intro = markdown[0]
    assert re.search(r"\*\*(Transmis|Produit)", intro.source)
    assert re.search(r"\*\*(Doorgegeven|Resultaat)", intro.metadata["translations"]["nl"])
    assert re.search(r"\*\*(Handed|Produced)", intro.metadata["translations"]["en"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_french_markdown_follows_french_typography(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            prose = re.sub(r"`[^`]*`", "", cell.source)
            assert "'" not in prose, f"{path.name}: a straight apostrophe in {prose[:60]!r}"
            assert not re.search(r" [:;!?»]|« ", prose), f"{path.name}: a breakable space in {prose[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_on_the_projects_kernel_through_lab(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == lab.KERNEL_NAME
    assert nb.metadata.kernelspec.display_name == lab.KERNEL_DISPLAY_NAME
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from policy_kit.lab import open_stage" in code


def test_make_lab_registers_the_kernel_the_notebooks_name_and_roots_lab_at_the_project():
    makefile = (ROOT / "Makefile").read_text()
    assert f"kernels/{lab.KERNEL_NAME}/kernel.json" in makefile
    recipe = makefile.split("\nlab:")[1].split("\n\n")[0]
    assert 'root_dir="$(CURDIR)"' in recipe and "/lab/tree/notebooks" in recipe


def test_install_kernel_registers_this_python(tmp_path):
    import json

    folder = Path(lab.install_kernel(prefix=str(tmp_path)))
    spec = json.loads((folder / "kernel.json").read_text())
    assert folder.name == lab.KERNEL_NAME and spec["display_name"] == lab.KERNEL_DISPLAY_NAME
    import sys

    assert spec["argv"][0] == sys.executable


def test_charts_stay_out_of_pyplot():
    """A chart made through pyplot would be shown a second time by the kernel's inline backend."""
    import numpy as np
    import matplotlib.pyplot as plt

    from policy_kit.economics import charts

    before = plt.get_fignums()
    grid = np.linspace(0, 50_000, 6)
    fig = charts.ceac(pd.DataFrame({"status_quo": np.linspace(1, 0, 6), "plan": np.linspace(0, 1, 6)}, index=grid))
    assert plt.get_fignums() == before
    assert isinstance(fig, matplotlib.figure.Figure) and fig.axes


def test_steps_are_in_the_order_of_the_notebooks():
    assert [s.notebook for s in STEPS] == [p.name for p in NOTEBOOKS]


def test_a_run_in_another_language_runs_every_notebook_again():
    """The notebooks' text and tables read in the scenario's language, so no step is reused across languages."""
    from conftest import default_params
    from policy_kit.runner import _step_keys

    params = default_params()
    provenance = {"data_sha256": {"data/x.csv": "0" * 64}}
    keys = {language: _step_keys(ROOT, params.model_copy(update={"meta": params.meta.model_copy(update={"language": language})}),
                                 provenance) for language in ("fr", "nl", "en")}
    assert all(len({keys[lang][i] for lang in keys}) == 3 for i in range(len(STEPS)))
    assert _step_keys(ROOT, params, provenance) == keys["fr"]
