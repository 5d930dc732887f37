"""Words in params: a plain string, or one text per language resolved to the run's language."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policy_kit.cli import app
from policy_kit.params import load

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "params").glob("memorandum-2024*.yaml"))


@pytest.fixture
def project(tmp_path):
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def in_language(path: Path, language: str, out: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    assert "\n  language: fr\n" in text
    out.write_text(text.replace("\n  language: fr\n", f"\n  language: {language}\n", 1), encoding="utf-8")
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_default_scenarios_carry_every_shown_text_in_every_language(scenario, language, project):
    params = load(in_language(scenario, language, project / "params" / "lang.yaml"), check_data=False)
    texts = {
        "title": params.meta.title, "author": params.meta.author, "addressee": params.meta.addressee,
        "classification": params.meta.classification,
        **{f"option {n}": o.label for n, o in params.plan.options.items()},
        **{f"payer {n}": o.payer for n, o in params.plan.options.items()},
        **{f"component {n}": c.label_fr for n, c in params.economics.components.items()},
        **{f"ask {i}": a for i, a in enumerate(params.memo.asks)},
    }
    assert all(isinstance(t, str) and t for t in texts.values())
    # each language gets its own words, not the French ones
    french = load(scenario, check_data=False)
    if language != "fr":
        assert params.meta.title != french.meta.title
        assert params.plan.options["full"].label != french.plan.options["full"].label
        assert params.economics.population.source != french.economics.population.source
        assert params.economics.population.unit != french.economics.population.unit


def test_a_plain_string_stays_valid_in_any_language(project):
    path = in_language(ROOT / "params" / "memorandum-2024.yaml", "en", project / "params" / "plain.yaml")
    text = path.read_text(encoding="utf-8")
    start = text.index("  title:\n")
    end = text.index("  organisation:")
    path.write_text(text[:start] + '  title: "One language only"\n' + text[end:], encoding="utf-8")
    assert load(path, check_data=False).meta.title == "One language only"


def test_a_run_in_a_language_a_text_lacks_is_refused_before_any_notebook(project):
    path = in_language(ROOT / "params" / "memorandum-2024.yaml", "nl", project / "params" / "no-dutch.yaml")
    text = path.read_text(encoding="utf-8")
    old = '    nl: "Uitvoerend Bureau van UCM"\n'
    assert old in text
    path.write_text(text.replace(old, "", 1), encoding="utf-8")
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("  addressee:"))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "meta.addressee" in result.output and "'nl'" in result.output
    assert f"no-dutch.yaml:{line}" in result.output
    assert "Traceback" not in result.output
    assert not (project / "briefings").exists()


def test_an_unknown_language_code_in_a_text_is_named(project):
    path = ROOT / "params" / "memorandum-2024.yaml"
    text = path.read_text(encoding="utf-8").replace('    en: "UCM Executive Board"\n', '    de: "UCM-Vorstand"\n', 1)
    bad = project / "params" / "german.yaml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "meta.addressee" in result.output and "de" in result.output


def test_params_built_in_code_take_the_language_from_meta():
    import yaml

    from policy_kit.params.schema import Params

    data = yaml.safe_load((ROOT / "params" / "memorandum-2024.yaml").read_text(encoding="utf-8"))
    data["meta"]["language"] = "en"
    assert Params.model_validate(data).plan.options["full"].label == "Full plan: an app for everyone and support for self-employed people at risk"
    data["meta"]["language"] = "nl"
    assert Params.model_validate(data).plan.options["full"].label == "Volledig plan: een app voor iedereen en begeleiding van zelfstandigen met een risico"
