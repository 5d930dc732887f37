import os
import shutil
import subprocess
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


@pytest.fixture(scope="session")
def project_kernel(tmp_path_factory):
    """The kernel the notebooks name (as `make lab` registers it), for this Python, ahead of any other of that name."""
    from policy_kit.lab import install_kernel

    prefix = tmp_path_factory.mktemp("kernel")
    install_kernel(prefix=str(prefix))
    data = str(prefix / "share" / "jupyter")
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([data, before] if before else [data])
    yield data
    if before is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = before


@pytest.fixture
def fresh_checkout(tmp_path):
    """The project's files as a fresh clone has them (ignored ones, such as briefings/, left out)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path / "checkout"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is listed too
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy
