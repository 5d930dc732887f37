"""The workbench around the runs: command line, project folder, overrides, permissions, step cache, make."""

import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policy_kit import __version__
from policy_kit.cache import StepCache
from policy_kit.cli import app
from policy_kit.errors import ParamsError
from policy_kit.params.overrides import load_with_overrides, parse_assignments
from policy_kit.paths import find_project, normal_permissions

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
COMMANDS = ("run", "validate", "describe", "new", "sweep", "compare")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_with_h_and_no_python_type_names(command):
    result = runner.invoke(app, [command, "-h"], terminal_width=100)
    assert result.exit_code == 0, result.output
    assert result.output == runner.invoke(app, [command, "--help"], terminal_width=100).output
    assert not re.search(r"<(bool|int|str|float)>|list\[|NoneType|Optional", result.output), result.output


def test_version_and_listed_choices():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"policy-kit {__version__}"
    assert "process|dask-local" in runner.invoke(app, ["sweep", "-h"], terminal_width=120).output
    assert "table|csv|xlsx|markdown" in runner.invoke(app, ["describe", "-h"], terminal_width=120).output
    bad = runner.invoke(app, ["sweep", "params/x.yaml", "--set", "a=1", "--executor", "threads"])
    assert bad.exit_code == 2 and "dask-local" in bad.output


def test_params_anywhere_with_the_project_from_the_working_folder_or_project(project_copy, monkeypatch, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("shared-drive")
    params = scratch / "my-scenario.yaml"
    shutil.copy(project_copy / "params" / "memorandum-2024.yaml", params)
    monkeypatch.chdir(project_copy / "notebooks")  # anywhere inside the project
    assert find_project(params) == project_copy
    assert runner.invoke(app, ["validate", str(params)]).exit_code == 0
    monkeypatch.chdir(scratch)  # outside any project
    refused = runner.invoke(app, ["validate", str(params)])
    assert refused.exit_code == 2 and "--project" in refused.output
    accepted = runner.invoke(app, ["validate", str(params), "--project", str(project_copy)])
    assert accepted.exit_code == 0, accepted.output
    wrong = runner.invoke(app, ["validate", str(params), "--project", str(scratch)])
    assert wrong.exit_code == 2 and "not a project folder" in wrong.output
    sweep = runner.invoke(app, ["sweep", str(params), "--headlines", "--set", "plan.budget_cap=5e6", "--project", str(project_copy)])
    assert sweep.exit_code == 0, sweep.output
    assert list((project_copy / "briefings").glob("my-scenario-sweep-*/sweep.csv"))


def test_run_set_is_validated_like_sweep_set_and_reported_at_the_argument(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    params = project_copy / "params" / "memorandum-2024.yaml"
    assert parse_assignments(["plan.budget_cap=5e6", "meta.language=nl"]) == {"plan.budget_cap": 5e6, "meta.language": "nl"}
    with pytest.raises(ParamsError):
        parse_assignments(["plan.budget_cap=4e6,5e6"])  # one value per key on run
    with pytest.raises(ParamsError):
        parse_assignments(["plan.budget_cap=4e6", "plan.budget_cap=5e6"])
    assert load_with_overrides(params, {"meta.language": "nl"}, check_data=False).meta.language == "nl"
    for argument, message in (("plan.budget_cap=2e7", "above its high bound"), ("meta.language=de", "meta.language"),
                              ("plan.budjet_cap=5e6", "did you mean 'budget_cap'")):
        result = runner.invoke(app, ["run", "params/memorandum-2024.yaml", "--set", argument])
        assert result.exit_code == 2, argument
        assert "--set " + argument.split("=")[0] in result.output and message in result.output, result.output
        assert "Traceback" not in result.output
        assert result.output.index("checking memorandum-2024.yaml") < result.output.index("error")  # shown from the start
    assert not (project_copy / "briefings").exists()  # nothing ran


def test_folders_get_the_users_normal_permissions():
    umask = os.umask(0o027)
    try:
        folder = Path(tempfile.mkdtemp())
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        normal_permissions(folder)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750
        folder.rmdir()
    finally:
        os.umask(umask)


def _entry(cache: StepCache, tmp_path: Path, key: str, size: int, used: float) -> None:
    run = tmp_path / f"run-{key}"
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "t.bin").write_bytes(b"x" * size)
    cache.store(key, run, ["tables/t.bin"])
    os.utime(cache.entry(key) / "files.json", (used, used))


def test_cache_prunes_the_entries_unused_longest(tmp_path):
    cache = StepCache(tmp_path / "cache")
    now = time.time()
    for i, key in enumerate(("aa" + "1" * 62, "bb" + "2" * 62, "cc" + "3" * 62, "dd" + "4" * 62)):
        _entry(cache, tmp_path, key, 400_000, now - 3600 * (4 - i))  # aa… unused longest
    recent = "ee" + "5" * 62
    _entry(cache, tmp_path, recent, 400_000, now)
    assert cache.size() > 2_000_000
    removed = cache.prune(1_000_000, keep=["bb" + "2" * 62])
    assert removed == ["aa" + "1" * 62, "cc" + "3" * 62, "dd" + "4" * 62]  # kept: the run's own and the one in use
    assert cache.has("bb" + "2" * 62) and cache.has(recent) and not cache.has("aa" + "1" * 62)
    assert cache.size() <= 1_000_000
    # restoring an entry counts as using it
    run = tmp_path / "restore"
    run.mkdir()
    os.utime(cache.entry(recent) / "files.json", (now - 7200, now - 7200))
    assert cache.restore(recent, run) and time.time() - (cache.entry(recent) / "files.json").stat().st_mtime < 60


def test_make_clean_clears_the_step_cache_and_install_shows_progress():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    clean = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "briefings/.cache" in clean
    install = subprocess.run(["make", "-n", "-W", "pyproject.toml", "install"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pip install" in install and "--quiet" not in install and "--progress-bar on" in install


def test_readme_gives_the_conda_route_and_the_field_prompt():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "conda env create -f environment.yml" in readme
    assert "about a minute" not in readme


@pytest.mark.slow
def test_step_timeout_limits_the_whole_step(project_copy):
    """Three cells of 1.5 s each, under a 3 s limit per step: the step stops, named, the last good briefing untouched."""
    import nbformat

    from policy_kit.errors import StepFailure
    from policy_kit.runner import run

    notebook = project_copy / "notebooks" / "01_pilot_evidence.ipynb"
    node = nbformat.read(notebook, as_version=4)
    node.cells[1:1] = [nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)") for _ in range(3)]
    nbformat.write(node, notebook)
    params = project_copy / "params" / "memorandum-2024.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(re.sub(r"step_timeout_s: \d+", "step_timeout_s: 3", text), encoding="utf-8")
    assert "step_timeout_s: 3" in params.read_text(encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(StepFailure) as info:
        run(params, project_copy / "briefings" / "t", cache_dir=project_copy / "cache")
    assert time.perf_counter() - started < 60
    assert info.value.notebook == "01_pilot_evidence.ipynb" and "run.step_timeout_s" in info.value.render()
    assert not (project_copy / "briefings" / "t").exists()


def test_benchmark_table_is_generated_from_its_json():
    import importlib.util

    spec = importlib.util.spec_from_file_location("report", ROOT / "benchmarks" / "report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    record = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    assert report.render(record) in (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert set(record["ratios"]) == set(report.GOALS)
    for moment in ("before", "after"):
        conditions = record["conditions"][moment]
        assert conditions["cpus"] >= 1 and len(conditions["load_average"]) == 3
    assert record["variations_per_s"]["h1000"] > 0
