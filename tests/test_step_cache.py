"""The step cache: a step re-executes only when what it reads changed; a fully cached rerun stays light."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from policy_kit.cache import StepCache, changed_files, snapshot
from policy_kit.params import load
from policy_kit.runner import run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARAMS = ROOT / "params" / "memorandum-2024.yaml"
STEPS = ["01_pilot_evidence.ipynb", "02_cost_benefit.ipynb", "03_prevention_plan.ipynb", "04_memo.ipynb"]


def test_store_and_restore_exactly_the_files_a_step_produced(tmp_path):
    run = tmp_path / "run"
    (run / "records").mkdir(parents=True)
    (run / "provenance.json").write_text("{}")
    before = snapshot(run)
    (run / "records" / "evidence.json").write_text('{"entries": {}}')
    (run / "params.yaml").write_text("written by the runner\n")
    produced = changed_files(run, before)
    assert produced == ["records/evidence.json"]  # the runner's own files are never a step's output
    cache = StepCache(tmp_path / "cache")
    assert not cache.has("ab" * 32)
    cache.store("ab" * 32, run, produced + ["records/evidence.json"])
    assert cache.has("ab" * 32)
    again = tmp_path / "again"
    again.mkdir()
    assert cache.restore("ab" * 32, again)
    assert sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()) == ["records/evidence.json"]
    assert not cache.restore("cd" * 32, again)


def test_validating_params_imports_no_heavy_library():
    """A fully cached rerun validates the params and restores files: it must not pay for scipy or statsmodels."""
    code = (
        "import sys; from policy_kit.params import load; import policy_kit.runner, policy_kit.cli; "
        f"load({str(DEFAULT_PARAMS)!r}, check_data=False); "
        "print(sorted(m for m in ('scipy', 'statsmodels', 'pandas', 'matplotlib', 'papermill', 'nbformat') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


@pytest.mark.slow
def test_budget_cap_change_reruns_plan_and_memo_only(default_run, tmp_path):
    first, cache = default_run
    kept = yaml.safe_load((first.run_dir / "params.yaml").read_text(encoding="utf-8"))
    assert kept == load(DEFAULT_PARAMS).model_dump(mode="json")  # the run keeps the validated params it used

    text = DEFAULT_PARAMS.read_text(encoding="utf-8")
    assert text.count("value: 7000000") == 1
    cap = tmp_path / "cap.yaml"
    cap.write_text(text.replace("value: 7000000", "value: 6500000"), encoding="utf-8")
    changed = run(cap, tmp_path / "cap", cache_dir=cache, root=ROOT)
    assert changed.cached == STEPS[:2]  # evidence and economics do not read the plan section
    results = (changed.run_dir / "results.json").read_bytes()
    assert json.loads(results)["plan.budget_cap"]["value"] == 6_500_000

    assert run(cap, tmp_path / "cap", cache_dir=cache, root=ROOT).cached == STEPS
    forced = run(cap, tmp_path / "cap", cache_dir=cache, root=ROOT, force=True)
    assert forced.cached == []
    assert (forced.run_dir / "results.json").read_bytes() == results


@pytest.mark.slow
def test_cli_cached_rerun_restores_every_step_quickly(project_copy):
    import time

    params = project_copy / "params" / "memorandum-2024.yaml"
    cli = [str(Path(sys.executable).parent / "policy-kit"), "run", str(params)]
    subprocess.run(cli, capture_output=True, check=True)
    started = time.perf_counter()
    rerun = subprocess.run(cli, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    manifest = json.loads((project_copy / "briefings" / "memorandum-2024" / "manifest.json").read_text())
    assert manifest["cached_steps"] == STEPS
    assert rerun.stderr.count("(cached)") == 4
    assert seconds < 5, f"a cached rerun took {seconds:.1f} s (about 1 s expected; the benchmark measures it)"
