"""Every message the code marks or translates is in every language's catalogue, translated."""

import ast
from pathlib import Path

import pytest

from policy_kit.i18n import LANGUAGES, messages

SRC = Path(__file__).resolve().parents[1] / "src" / "policy_kit"
CALLS = {"_", "N_"}


def used_messages() -> dict[str, str]:
    """msgid → where it is used, for every literal `_("…")`, `N_("…")` and `self._("…")` in the package."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in CALLS and isinstance(node.args[0].value, str):
                found.setdefault(node.args[0].value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_the_scan_finds_the_charts_and_the_memo():
    used = used_messages()
    assert "Programme cost" in used and "Technical annex" in used and len(used) > 400


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_used_message_is_translated(language):
    catalogue = messages(language)
    missing = {m: where for m, where in used_messages().items() if not catalogue.get(m)}
    assert missing == {}
