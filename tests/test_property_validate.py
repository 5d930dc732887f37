"""Property: whatever params document or survey file it is given, `validate` exits 0 or 2 with a message, never
a traceback; and when `validate` accepts, the run does not fail (slow: a few examples, each a real run)."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from policy_kit.cli import app
from policy_kit.params.loader import read_yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "params" / "memorandum-2024.yaml"
BASE = read_yaml(DEFAULT).data
SURVEY = ROOT / "data" / "synthetic_survey_icarius_2022.csv"
# few examples in the fast suite; PROPERTY_EXAMPLES=500 for a long hunt
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "12"))


def _leaves(data, path=()):
    """Every key path of the document (mappings and lists), leaves and inner nodes alike."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, path + (i,))


PATHS = [p for p in _leaves(BASE) if p]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["", "nan", ".inf", "1e999", "0,5", "data/../../etc/passwd", "data/synthetic_survey_icarius_2022.csv", "{plan.x}"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


@st.composite
def documents(draw):
    """The default params with a few edits: a value replaced, a key removed, or an unknown key added."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(values)
            elif action == "delete" and isinstance(parent, dict):
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=12))] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced that path
    return data


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 2), result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("property")
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=documents())
def test_generated_params_are_accepted_or_refused_with_a_message(project, document):
    path = project / "params" / "generated.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, output = _validate(path)
    if code == 2:
        assert "error:" in output


SURVEY_FRAME = pd.read_csv(SURVEY, comment="#", dtype=str, keep_default_na=False)
cells = st.one_of(st.text(max_size=12), st.sampled_from(["", "nan", "inf", "-1", "6", "2,5", "1e9", "NA", "brussel", "IC22-0001"]))


@st.composite
def survey_frames(draw):
    """A sample of the synthetic survey with some cells replaced, rows duplicated or a column dropped."""
    n = draw(st.integers(0, 120))
    frame = SURVEY_FRAME.sample(n=n, random_state=draw(st.integers(0, 2**16)), replace=False).reset_index(drop=True)
    for _ in range(draw(st.integers(0, 4))):
        if len(frame):
            frame.iat[draw(st.integers(0, len(frame) - 1)), draw(st.integers(0, frame.shape[1] - 1))] = draw(cells)
    if len(frame) and draw(st.booleans()):
        frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    if draw(st.integers(0, 5)) == 0:
        frame = frame.drop(columns=[draw(st.sampled_from(list(frame.columns)))])
    return frame


@settings(max_examples=max(EXAMPLES * 2 // 3, 1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(frame=survey_frames(), separator=st.sampled_from([",", ";"]))
def test_generated_surveys_are_accepted_or_refused_with_a_message(project, frame, separator):
    survey = project / "data" / "generated_survey.csv"
    survey.write_text(frame.to_csv(index=False, sep=separator), encoding="utf-8")
    params = project / "params" / "generated-survey.yaml"
    params.write_text(DEFAULT.read_text(encoding="utf-8").replace(
        "survey: data/synthetic_survey_icarius_2022.csv", "survey: data/generated_survey.csv", 1), encoding="utf-8")
    _validate(params)


# --- accepted means it runs --------------------------------------------------------------------------

def _sourced_numbers(data, path=()):
    if isinstance(data, dict):
        if {"value", "low", "high"} <= data.keys() and all(isinstance(data[k], (int, float)) for k in ("value", "low", "high")):
            yield path, data
        for key, value in data.items():
            yield from _sourced_numbers(value, path + (key,))


NUMBERS = list(_sourced_numbers(BASE))


@st.composite
def plausible_documents(draw):
    """Documents validate may well accept: sourced numbers moved within their range, texts changed."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path, original = draw(st.sampled_from(NUMBERS))
        node = data
        for part in path:
            node = node[part]
        node["value"] = draw(st.floats(original["low"], original["high"], allow_nan=False))
    if draw(st.booleans()):
        data["meta"]["title"] = draw(st.text(min_size=1, max_size=60))
    return data


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=plausible_documents())
def test_what_validate_accepts_runs(project, document, tmp_path_factory):
    from policy_kit.runner import run

    path = project / "params" / "accepted.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, output = _validate(path)
    if code != 0:
        return  # refused with a message: the first property covers it
    out = tmp_path_factory.mktemp("accepted") / "run"
    result = run(path, out, cache_dir=project / "cache")
    assert (result.run_dir / "memo.docx").is_file()
