"""`policy-kit describe` lists every parameter; `policy-kit new` writes a commented copy of the default params."""

import csv
import io

import pytest
from typer.testing import CliRunner

from policy_kit.cli import app
from policy_kit.describe import describe
from policy_kit.params import Sourced, load

runner = CliRunner()


def _sourced_paths(node, prefix=""):
    """Dotted paths of every Sourced in a validated model, found independently of policy_kit.describe."""
    from pydantic import BaseModel

    if isinstance(node, Sourced):
        yield prefix.rstrip(".")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _sourced_paths(getattr(node, name), f"{prefix}{name}.")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _sourced_paths(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _sourced_paths(value, f"{prefix}{i}.")


def test_describe_lists_every_sourced_number_with_range_and_source(project_copy):
    params = load(project_copy / "params" / "memorandum-2024.yaml", check_data=False)
    rows = {r.parameter: r for r in describe(params)}
    expected = set(_sourced_paths(params))
    assert expected and expected <= set(rows)
    cap = rows["plan.budget_cap"]
    assert (cap.value, cap.low, cap.high, cap.unit, cap.quality) == ("7 000 000", "4 000 000", "10 000 000", "€/an", "assumption")
    assert cap.type == "sourced number (cost)" and cap.default == "required"
    population = rows["economics.population"]
    assert population.source.startswith("SPF Economie") and population.vintage == "2022-12-31"


def test_describe_gives_types_and_model_defaults_of_plain_values(project_copy):
    rows = {r.parameter: r for r in describe(load(project_copy / "params" / "memorandum-2024.yaml", check_data=False))}
    assert (rows["run.step_timeout_s"].type, rows["run.step_timeout_s"].default) == ("int", "900")
    assert rows["meta.language"].type == "one of fr | nl | en" and rows["meta.language"].default == "fr"
    assert rows["economics.psa.draws"].default == "10000"
    # mappings the file fills in are listed key by key, with the same dotted keys `sweep --set` takes
    assert "economics.transitions.well->at_risk" in rows
    assert rows["plan.options.full.components.app.coverage"].type == "list of float"
    assert "economics.components.app.effects.0.value" in rows


def test_describe_cli_table_csv_and_markdown(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    table = runner.invoke(app, ["describe"], env={"COLUMNS": "220"})
    assert table.exit_code == 0, table.output
    assert "plan.budget_cap" in table.output and "4 000 000 – 10 000 000" in table.output

    as_csv = runner.invoke(app, ["describe", "params/memorandum-2024.yaml", "--format", "csv"])
    assert as_csv.exit_code == 0
    # what Excel in Belgium opens as numbers: a byte-order mark, ';' between fields, decimal commas
    assert as_csv.output.startswith("\ufeffparameter;type;")
    rows = list(csv.DictReader(io.StringIO(as_csv.output.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0].keys() >= {"parameter", "type", "unit", "default", "value", "low", "high", "source", "vintage", "quality"}
    cap = next(r for r in rows if r["parameter"] == "plan.budget_cap")
    assert (cap["low"], cap["value"], cap["default"], cap["quality"]) == ("4000000", "7000000", "7000000", "assumption")
    prevalence = next(r for r in rows if r["parameter"] == "economics.risk_prevalence")
    assert "," in prevalence["value"] and "." not in prevalence["value"]
    assert float(prevalence["value"].replace(",", ".")) == load(project_copy / "params" / "memorandum-2024.yaml",
                                                                 check_data=False).economics.risk_prevalence.value

    markdown = runner.invoke(app, ["describe", "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.output.startswith("| parameter | type |")

    bad = runner.invoke(app, ["describe", "--format", "xml"])
    assert bad.exit_code == 2 and "table" in bad.output and "xlsx" in bad.output  # the choices are listed


def test_describe_xlsx_has_numbers_and_the_default_scenario_values(project_copy, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.chdir(project_copy)
    tight = project_copy / "params" / "memorandum-2024-tight-budget.yaml"
    result = runner.invoke(app, ["describe", str(tight), "--format", "xlsx", "--out", "tight.xlsx"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(project_copy / "tight.xlsx").active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    cap = rows["plan.budget_cap"]
    own = load(tight, check_data=False).plan.budget_cap.value
    default = load(project_copy / "params" / "memorandum-2024.yaml", check_data=False).plan.budget_cap.value
    assert own != default
    low = load(tight, check_data=False).plan.budget_cap.low
    assert (cap["value"], cap["default"], cap["low"]) == (own, default, low)  # numbers, not text
    again = runner.invoke(app, ["describe", str(tight), "--format", "xlsx", "--out", "tight.xlsx"])
    assert again.exit_code == 2  # never overwrites a file


def test_describe_table_stays_within_80_columns(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    result = runner.invoke(app, ["describe"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "plan.budget_cap" in result.output and "4 000 000 – 10 000 000" in result.output


def test_describe_refuses_a_bad_params_file(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    (project_copy / "params" / "broken.yaml").write_text("meta: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["describe", "params/broken.yaml"])
    assert result.exit_code == 2


def test_new_writes_a_commented_valid_copy(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    result = runner.invoke(app, ["new", "my-scenario"])
    assert result.exit_code == 0, result.output
    written = project_copy / "params" / "my-scenario.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Scenario my-scenario: a copy of memorandum-2024.yaml")
    for command in ("policy-kit validate params/my-scenario.yaml", "policy-kit run params/my-scenario.yaml", "policy-kit describe"):
        assert command in text
    assert text.count("policy-kit new") == 1  # the source's own header is replaced, its other comments kept
    assert "# Economics stage" in text
    original = load(project_copy / "params" / "memorandum-2024.yaml", check_data=False)
    assert load(written, check_data=False).model_dump() == original.model_dump()


@pytest.mark.parametrize("name", ["../escape", "with space", "a/b", "", ".hidden", "é"])
def test_new_refuses_a_bad_name(project_copy, monkeypatch, name):
    monkeypatch.chdir(project_copy)
    before = sorted(p.name for p in (project_copy / "params").iterdir())
    result = runner.invoke(app, ["new", name])
    assert result.exit_code == 2
    assert "bad scenario name" in result.output
    assert sorted(p.name for p in (project_copy / "params").iterdir()) == before


def test_new_refuses_an_existing_file(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    target = project_copy / "params" / "taken.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "taken"])
    # the message may wrap where a long temporary path pushes it past the terminal width
    assert result.exit_code == 2 and "already exists" in " ".join(result.output.split())
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert runner.invoke(app, ["new", "memorandum-2024.yaml"]).exit_code == 2
