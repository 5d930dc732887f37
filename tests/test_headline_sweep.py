"""Headline sweeps: the package's stage functions in-process, equal to a full run, on any executor."""

import json
import math
import os
import stat

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from policy_kit import headlines
from policy_kit.cli import app
from policy_kit.errors import ParamsError
from policy_kit.runs import headline
from policy_kit.sweep import CHART, PARQUET, TABLE, Variant, grid, read_variants, run_sweep

runner = CliRunner()


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _same(a, b) -> bool:
    if _missing(a) or _missing(b):  # results.json writes an undefined ratio as null, a table as NaN
        return _missing(a) and _missing(b)
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_headline_sweep_shares_the_evidence_stage_and_writes_table_chart_and_variants(project_copy, monkeypatch):
    params = project_copy / "params" / "memorandum-2024.yaml"
    calls = []
    real = headlines.evidence_entries
    monkeypatch.setattr(headlines, "evidence_entries", lambda p, root: calls.append(p) or real(p, root))
    variants = grid([("plan.budget_cap", [4e6, 7e6]), ("economics.components.app.uptake", [0.01, 0.05])])
    result = run_sweep(params, variants, headlines=True)
    assert result.failed == [] and len(calls) == 1  # no evidence key varies: computed once
    for name in (TABLE, PARQUET, CHART):
        assert (result.folder / name).is_file(), name
    assert [v.overrides for v in read_variants(result.folder / "variants.yaml")] == [v.overrides for v in variants]
    table = pd.read_parquet(result.folder / PARQUET)
    assert list(table["variant"]) == [v.name for v in variants]
    # the uptake of the app moves the light plan's NPV; the cap alone does not
    light = table["plan.option.light.npv"].tolist()
    assert light[0] == pytest.approx(light[2]) and light[0] != pytest.approx(light[1])
    assert result.units["plan.recommended.npv"] == "EUR" and result.language == "fr"
    assert "plan.recommended.p_npv_positive" not in table  # base case only without --psa

    calls.clear()
    evidence_varies = grid([("evidence.min_cell", [10, 12])])
    again = run_sweep(params, evidence_varies, headlines=True)
    assert again.failed == [] and len(calls) == 2 and again.folder != result.folder  # each sweep in its own folder


def test_bad_set_values_are_reported_at_the_argument(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    result = runner.invoke(app, ["sweep", "params/memorandum-2024.yaml", "--headlines", "--set", "plan.budget_cap=2e7,5e6",
                                 "--set", "economics.horizon_yers=5"])
    assert result.exit_code == 2
    assert "--set plan.budget_cap=20000000" in result.output and "above its high bound" in result.output
    assert "--set economics.horizon_yers=5" in result.output and "did you mean 'horizon_years'" in result.output
    assert "variants/" not in result.output and ".yaml:" not in result.output
    assert result.output.count("above its high bound") == 1  # once, not once per combination
    assert not list((project_copy / "briefings").glob("*-sweep-*"))  # nothing written


def test_cli_headline_table_fits_80_columns_in_the_run_language(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    result = runner.invoke(app, ["sweep", "params/memorandum-2024.yaml", "--headlines", "--set",
                                 "plan.budget_cap=4e6,7e6", "--set", "economics.components.accompaniment.uptake=0.01,0.05"],
                           env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    shown = result.output.replace("\u00a0", " ").replace("\u202f", " ")
    assert " €" in shown and "0,05" in shown and "4 000 000" in shown  # French by default
    assert "variations/s" in result.output


def test_chart_speaks_the_run_language_and_joins_only_neighbours(project_copy, monkeypatch):
    import matplotlib.figure

    figures = []
    real = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", lambda self, *a, **k: figures.append(self) or real(self, *a, **k))
    params = project_copy / "params" / "memorandum-2024.yaml"
    text = params.read_text(encoding="utf-8").replace("  language: fr", "  language: nl")
    dutch = project_copy / "params" / "nl.yaml"
    dutch.write_text(text if "language: nl" in text else text.replace("meta:\n", "meta:\n  language: nl\n", 1), encoding="utf-8")
    run_sweep(dutch, grid([("plan.budget_cap", [4e6, 7e6]), ("economics.components.app.uptake", [0.01, 0.05])]), headlines=True)
    top = figures[-1].axes[0]
    assert "NCW" in top.get_ylabel()
    legend = [t.get_text() for t in figures[-1].legends[0].get_texts()]
    from policy_kit.params import load

    labels = [o.label for o in load(dutch, check_data=False).plan.options.values()]
    assert set(labels) <= set(legend)
    assert all(line.get_linestyle() == "None" for line in top.get_lines() if len(line.get_xdata()) > 2)  # a grid: points only
    run_sweep(dutch, grid([("plan.budget_cap", [4e6, 5e6, 7e6])]), headlines=True)
    top = figures[-1].axes[0]
    assert any(line.get_linestyle() == "-" for line in top.get_lines() if len(line.get_xdata()) == 3)  # one numeric key: lines


def test_out_folder_must_be_new_or_empty(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    taken = project_copy / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["sweep", "params/memorandum-2024.yaml", "--headlines", "--set", "plan.budget_cap=5e6", "--out", "taken"])
    assert result.exit_code == 2 and (taken / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_headline_values_equal_results_json_of_a_full_run(default_run, tmp_path):
    """A variation run in full (`run --set`) and the same variation in a headline sweep with --psa give the same headlines."""
    from policy_kit.runner import run
    from tests.conftest import DEFAULT_PARAMS

    _, cache = default_run
    overrides = {"plan.budget_cap": 4e6, "economics.components.app.uptake": 0.05}
    full = run(DEFAULT_PARAMS, tmp_path / "variation", cache_dir=cache, overrides=overrides)
    recorded = json.loads((full.run_dir / "results.json").read_text(encoding="utf-8"))
    expected = headline(recorded)
    base_case = run_sweep(DEFAULT_PARAMS, [Variant("v", overrides)], headlines=True, folder=tmp_path / "sweep").table.iloc[0]
    with_psa = run_sweep(DEFAULT_PARAMS, [Variant("v", overrides)], headlines=True, psa=True, folder=tmp_path / "sweep-psa").table.iloc[0]
    probabilistic = {k for k in expected if ".p_" in k}
    assert probabilistic and {k for k in expected if k in base_case.index} == set(expected) - probabilistic
    for key, value in expected.items():
        assert _same(with_psa[key], value), key
        if key not in probabilistic:
            assert _same(base_case[key], value), key
    # run --set is recorded where a reader looks
    manifest = json.loads((full.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["overrides"] == overrides
    copy = (full.run_dir / "params.yaml").read_text(encoding="utf-8")
    assert "# --set plan.budget_cap=4000000.0" in copy and yaml.safe_load(copy)["plan"]["budget_cap"]["value"] == 4e6
    # the briefing folder opens for colleagues as any folder the user makes
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(full.run_dir.stat().st_mode) == 0o777 & ~umask


@pytest.mark.slow
def test_headline_sweep_on_a_local_dask_cluster(project_copy):
    distributed = pytest.importorskip("distributed")
    params = project_copy / "params" / "memorandum-2024.yaml"
    variants = grid([("plan.budget_cap", [4e6, 7e6]), ("economics.components.app.uptake", [0.01, 0.03, 0.05])])
    local = run_sweep(params, variants, headlines=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = run_sweep(params, variants, headlines=True, executor=client.get_executor())
    assert remote.failed == [] and len(remote.table) == len(variants)
    columns = [c for c in local.table.columns if c.startswith("plan.")]
    pd.testing.assert_frame_equal(remote.table[["variant", *columns]], local.table[["variant", *columns]])


def test_parallel_headline_sweep_equals_the_in_process_one(project_copy):
    params = project_copy / "params" / "memorandum-2024.yaml"
    variants = grid([("plan.budget_cap", [4e6, 7e6])])
    local = run_sweep(params, variants, headlines=True)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:  # any concurrent.futures executor
        other = run_sweep(params, variants, headlines=True, executor=pool)
    columns = [c for c in local.table.columns if c.startswith("plan.")]
    pd.testing.assert_frame_equal(other.table[columns], local.table[columns])


def test_variants_given_in_code_are_reported_by_name(project_copy):
    params = project_copy / "params" / "memorandum-2024.yaml"
    with pytest.raises(ParamsError) as info:
        run_sweep(params, [Variant("wide", {"plan.budget_cap": 2e7})], headlines=True)
    assert "variation wide: plan.budget_cap" in info.value.render()
