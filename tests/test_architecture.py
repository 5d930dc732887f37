"""The data flows one way: an import-linter layers contract, run with the suite."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_layers_contract_is_kept():
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_validating_params_never_imports_the_engine():
    code = (
        "import sys; from policy_kit.params import load; load(sys.argv[1]); "
        "bad = sorted(m for m in sys.modules if m.startswith(('policy_kit.economics', 'policy_kit.plan'))); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "params" / "memorandum-2024.yaml")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
