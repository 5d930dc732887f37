import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARAMS = ROOT / "params" / "memorandum-2024.yaml"


def default_params():
    """The default scenario, validated: the one place where default values live."""
    from policy_kit.params import load

    return load(DEFAULT_PARAMS)


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """One full run of the default params, shared by the end-to-end tests (it takes about 25 s)."""
    from policy_kit.runner import run

    out = tmp_path_factory.mktemp("runs") / "memorandum-2024"
    cache = tmp_path_factory.mktemp("cache")
    return run(DEFAULT_PARAMS, out, cache_dir=cache), cache


@pytest.fixture
def project_copy(tmp_path):
    """A scratch copy of the project (params, data, notebooks) that a test may break."""
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path
