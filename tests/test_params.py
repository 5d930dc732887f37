"""Params: the default file validates; bad files are refused with file, line, key, expected and found."""

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policy_kit.cli import app
from policy_kit.errors import ParamsError
from policy_kit.params import load

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "params" / "memorandum-2024.yaml"


@pytest.fixture
def project(tmp_path):
    """A copy of the project's params and data, so bad files can be written beside them."""
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def edit(project, old: str, new: str, name: str = "edited.yaml") -> Path:
    text = DEFAULT.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path = project / "params" / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_default_params_validate():
    params = load(DEFAULT)
    assert params.meta.language == "fr"
    assert set(params.plan.options) >= {"status_quo", "light", "targeted", "full"}
    assert params.evidence.min_cell == 10


def test_misspelt_key_names_line_and_closest_key(project):
    path = edit(project, "  min_cell: 10", "  min_cel: 10")
    with pytest.raises(ParamsError) as info:
        load(path)
    text = info.value.render()
    assert f"{path}:{line_of(path, 'min_cel:')}" in text
    assert "unknown key 'evidence.min_cel'" in text and "did you mean 'min_cell'?" in text


def test_wrong_type_and_out_of_range_reported_together(project):
    path = edit(project, "  step_timeout_s: 900", "  step_timeout_s: lots")
    text = path.read_text(encoding="utf-8").replace("  min_cell: 10", "  min_cell: 0", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as info:
        load(path)
    problems = info.value.problems
    assert len(problems) == 2
    assert any("run.step_timeout_s" in p.message and p.found == "'lots'" for p in problems)
    assert any("evidence.min_cell" in p.message and "min_cell 0 is below 10" in p.message for p in problems)


def test_value_outside_its_range_refused(project):
    path = edit(project, "    value: 61.77\n", "    value: 99.0\n")
    with pytest.raises(ParamsError, match=r"above its high bound 77.95"):
        load(path)


def test_option_naming_unknown_component_refused(project):
    path = edit(project, "        app: {coverage: [0.2, 0.5, 0.8, 1.0, 1.0, 1.0]}", "        apps: {coverage: [0.2, 0.5, 0.8, 1.0, 1.0, 1.0]}")
    with pytest.raises(ParamsError, match=r"component\(s\) \['apps'\]"):
        load(path)


def test_yaml_syntax_error_has_line_and_column(project):
    path = edit(project, "  min_cell: 10", "  min_cell: [10")
    with pytest.raises(ParamsError) as info:
        load(path)
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+", info.value.render())


def test_duplicate_key_refused(project):
    path = edit(project, "  min_cell: 10", "  min_cell: 10\n  min_cell: 12")
    with pytest.raises(ParamsError, match="duplicate key 'evidence.min_cell'"):
        load(path)


def test_missing_data_file_and_path_outside_data_refused(project):
    path = edit(project, "survey: data/synthetic_survey_icarius_2022.csv", "survey: data/nope.csv")
    with pytest.raises(ParamsError, match="data file not found"):
        load(path)
    path = edit(project, "survey: data/synthetic_survey_icarius_2022.csv", "survey: ../../etc/passwd")
    with pytest.raises(ParamsError, match="outside the project's data folders"):
        load(path)


def test_cli_validate_exit_codes_without_traceback(project):
    good = project / "params" / "memorandum-2024.yaml"
    bad = edit(project, "  min_cell: 10", "  min_cel: 10")
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(good)])
    assert ok.exit_code == 0, ok.output
    failed = runner.invoke(app, ["validate", str(bad)])
    assert failed.exit_code == 2
    assert "did you mean 'min_cell'" in failed.output
    assert "Traceback" not in failed.output
