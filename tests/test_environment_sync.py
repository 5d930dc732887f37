"""environment.yml and pyproject.toml must list the same dependencies with the same ranges."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(spec: str) -> tuple[str, str]:
    name, rest = re.match(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(.*)$", spec).groups()
    return name.lower().replace("_", "-"), rest.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_norm(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    # dask[distributed] is one pip requirement but two conda packages
    if "dask" in wanted:
        wanted["distributed"] = wanted["dask"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = dict(_norm(s) for s in env["dependencies"] if isinstance(s, str) and _norm(s)[0] not in ("python", "pip"))
    assert listed == wanted


def test_environment_python_matches_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pythons = [s for s in env["dependencies"] if isinstance(s, str) and _norm(s)[0] == "python"]
    assert pythons == ["python" + project["requires-python"]]
