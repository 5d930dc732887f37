"""Sweeps: variations parsed and validated before anything runs, results gathered, any executor (Dask too)."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from policy_kit.errors import ParamsError
from policy_kit.sweep import (
    CHART,
    Variant,
    VariantOutcome,
    apply_overrides,
    gather,
    grid,
    parse_set,
    parse_value,
    read_variants,
    run_sweep,
    write_chart,
    write_variants,
)


def test_values_on_the_command_line():
    assert parse_value("4e6") == 4_000_000.0 and parse_value("10") == 10 and parse_value("0.02") == 0.02
    assert parse_value("true") is True and parse_value("kce-2012") == "kce-2012" and parse_value("[0.5, 1]") == [0.5, 1]
    assert parse_set("plan.budget_cap=4e6,7e6") == ("plan.budget_cap", [4e6, 7e6])
    assert parse_set("plan.options.full.components.app.coverage=[0.1,0.2],[1,1]")[1] == [[0.1, 0.2], [1, 1]]
    for bad in ("plan.budget_cap", "=1,2", "plan.budget_cap="):
        with pytest.raises(ParamsError):
            parse_set(bad)


def test_grid_is_every_combination_with_readable_names():
    variants = grid([("plan.budget_cap", [4e6, 7e6]), ("economics.horizon_years", [5, 10, 15])])
    assert len(variants) == 6
    assert variants[0].overrides == {"plan.budget_cap": 4e6, "economics.horizon_years": 5}
    assert variants[-1].overrides == {"plan.budget_cap": 7e6, "economics.horizon_years": 15}
    assert variants[0].name == "01-plan.budget_cap-4000000_economics.horizon_years-5"  # the whole key
    same_tail = grid([("economics.components.app.uptake", [0.06]), ("economics.components.accompaniment.uptake", [0.06])])
    assert "components.app.uptake-0.06" in same_tail[0].name and "accompaniment.uptake-0.06" in same_tail[0].name
    assert len({v.name for v in variants}) == 6
    with pytest.raises(ParamsError):
        grid([("a.b", [1]), ("a.b", [2])])


def test_variants_file(tmp_path):
    path = tmp_path / "variants.yaml"
    path.write_text(yaml.safe_dump([{"plan.budget_cap": 5e6}, {"name": "long horizon", "set": {"economics.horizon_years": 20}}]))
    first, second = read_variants(path)
    assert first.overrides == {"plan.budget_cap": 5e6} and first.name.startswith("01-")
    assert second.name == "long-horizon" and second.overrides == {"economics.horizon_years": 20}
    path.write_text(yaml.safe_dump({"not": "a list"}))
    with pytest.raises(ParamsError):
        read_variants(path)


def test_overrides_set_a_sourced_value_keep_its_source_and_reach_list_items():
    data = {"plan": {"budget_cap": {"value": 7e6, "low": 4e6, "high": 1e7, "source": "x"},
                     "options": {"full": {"components": {"app": {"coverage": [0.2, 0.5]}}}}}}
    out = apply_overrides(data, {"plan.budget_cap": 5e6, "plan.budget_cap.high": 2e7,
                                 "plan.options.full.components.app.coverage.1": 0.9})
    assert out["plan"]["budget_cap"] == {"value": 5e6, "low": 4e6, "high": 2e7, "source": "x"}
    assert out["plan"]["options"]["full"]["components"]["app"]["coverage"] == [0.2, 0.9]
    assert data["plan"]["budget_cap"]["value"] == 7e6  # the base is left alone
    with pytest.raises(ParamsError) as info:
        apply_overrides(data, {"plan.budjet_cap.value": 1, "plan.options.full.components.app.coverage.7": 1})
    text = info.value.render()
    assert "did you mean 'budget_cap'" in text and "no item 7" in text


def test_every_variation_is_validated_before_anything_runs(project_copy):
    params = project_copy / "params" / "memorandum-2024.yaml"
    folder = project_copy / "briefings" / "memorandum-2024-sweep"
    good = write_variants(params, [Variant("cap", {"plan.budget_cap": 5e6})], folder, project_copy)
    assert good == [folder / "variants" / "cap.yaml"]
    written = yaml.safe_load(good[0].read_text(encoding="utf-8"))
    assert written["plan"]["budget_cap"]["value"] == 5e6
    assert good[0].read_text(encoding="utf-8").startswith("# Variation cap of memorandum-2024.yaml: plan.budget_cap=5000000")

    bad = [Variant("above-range", {"plan.budget_cap": 2e7}), Variant("typo", {"economics.horizon_yers": 5}),
           Variant("fine", {"economics.horizon_years": 12})]
    with pytest.raises(ParamsError) as info:
        run_sweep(params, bad, workers=1)
    text = info.value.render()
    assert "variation above-range: plan.budget_cap" in text and "above its high bound" in text
    assert "variation typo: economics.horizon_yers" in text
    assert "variation fine" not in text
    assert not (folder / "fine").exists()  # nothing ran


def _fake_run(folder: Path, cap: float, recommended: str, npv: dict[str, float]) -> Path:
    folder.mkdir(parents=True)
    results = {
        "plan.option_order": {"kind": "scalar", "value": ",".join(npv), "unit": ""},
        "plan.recommended.name": {"kind": "scalar", "value": recommended, "unit": ""},
        "plan.recommended.npv": {"kind": "scalar", "value": npv[recommended], "unit": "EUR"},
        "plan.recommended.cases_averted_plan_years": {"kind": "scalar", "value": 250.0, "unit": "cases"},
        "plan.budget_cap": {"kind": "scalar", "value": cap, "unit": "EUR"},
    }
    for option, value in npv.items():
        results[f"plan.option.{option}.npv"] = {"kind": "scalar", "value": value, "unit": "EUR"}
        results[f"plan.option.{option}.cases_averted_plan_years"] = {"kind": "scalar", "value": 100.0, "unit": "cases"}
    (folder / "results.json").write_text(json.dumps(results))
    (folder / "manifest.json").write_text(json.dumps({"run_id": "x"}))
    return folder


def test_headline_results_gathered_in_one_table_and_one_chart(tmp_path):
    variants = [Variant("01-cap-5", {"plan.budget_cap": 5e6}), Variant("02-cap-7", {"plan.budget_cap": 7e6}),
                Variant("03-cap-9", {"plan.budget_cap": 9e6})]
    outcomes = [
        VariantOutcome("01-cap-5", _fake_run(tmp_path / "a", 5e6, "light", {"status_quo": 0.0, "light": 2e6, "full": 1e6}), True, 3.2, ["x"]),
        VariantOutcome("02-cap-7", _fake_run(tmp_path / "b", 7e6, "full", {"status_quo": 0.0, "light": 2e6, "full": 3e6}), True, 2.1),
        VariantOutcome("03-cap-9", tmp_path / "c", False, 0.5, error="StepFailure: boom", exit_code=1),
    ]
    table = gather(variants, outcomes)
    assert list(table["variant"]) == ["01-cap-5", "02-cap-7", "03-cap-9"]
    assert list(table["status"]) == ["ok", "ok", "failed"]
    assert list(table["set:plan.budget_cap"]) == [5e6, 7e6, 9e6]
    assert table.loc[0, "plan.recommended.name"] == "light" and table.loc[1, "plan.option.full.npv"] == 3e6
    assert table.loc[0, "steps_cached"] == 1 and table.loc[2, "error"] == "StepFailure: boom"
    columns = list(table.columns)
    assert columns.index("plan.option.status_quo.npv") < columns.index("plan.option.light.npv") < columns.index("plan.option.full.npv")
    table.to_parquet(tmp_path / "t.parquet", index=False)
    assert pd.read_parquet(tmp_path / "t.parquet").shape == table.shape
    chart = write_chart(table, variants, tmp_path / CHART)
    assert chart is not None and chart.stat().st_size > 10_000
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_sweep_on_a_local_dask_cluster(project_copy):
    """Three variations on two Dask worker processes, through Client.get_executor()."""
    distributed = pytest.importorskip("distributed")
    params = project_copy / "params" / "memorandum-2024.yaml"
    variants = grid([("plan.budget_cap", [4e6, 6e6, 9e6])])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = run_sweep(params, variants, executor=client.get_executor())
    assert result.failed == []
    folder = result.folder
    assert folder.parent == project_copy / "briefings" and folder.name.startswith("memorandum-2024-sweep-")
    for name in ("sweep.csv", "sweep.parquet", "sweep.png"):
        assert (folder / name).is_file(), name
    table = pd.read_csv(folder / "sweep.csv")
    assert list(table["variant"]) == [v.name for v in variants]
    for variant, outcome in zip(variants, result.outcomes):
        recorded = json.loads((outcome.run_dir / "results.json").read_text())
        assert recorded["plan.budget_cap"]["value"] == variant.overrides["plan.budget_cap"]
        assert (outcome.run_dir / "memo.docx").is_file()
        assert yaml.safe_load((outcome.run_dir / "params.yaml").read_text())["plan"]["budget_cap"]["value"] == variant.overrides["plan.budget_cap"]
    # evidence and economics do not read the budget cap: computed for the first variations, reused after
    assert sum(len(o.cached) for o in result.outcomes) >= 2
