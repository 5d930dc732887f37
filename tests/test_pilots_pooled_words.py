"""The memo's words follow the pilots actually pooled: with one pilot's before/after data missing, it names the
two that were pooled instead of speaking of « les trois projets pilotes »."""

from __future__ import annotations

import json

import docx
import pytest

from policy_kit.runner import run

pytestmark = pytest.mark.slow


def _text(path) -> str:
    document = docx.Document(path)
    return "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_memo_names_the_pilots_pooled(project_copy):
    prepost = project_copy / "data" / "pilots" / "synthetic_accompaniment_prepost.csv"
    lines = prepost.read_text(encoding="utf-8").splitlines(keepends=True)
    prepost.write_text("".join(line for line in lines if ",acerta," not in line), encoding="utf-8")
    result = run(project_copy / "params" / "memorandum-2024.yaml", cache_dir=project_copy / "cache")
    results = json.loads((result.run_dir / "results.json").read_text(encoding="utf-8"))
    assert results["evidence.pooled.pilots"]["value"] == 2 and results["evidence.pilots.count"]["value"] == 3
    memo, annex = _text(result.run_dir / "memo.docx"), _text(result.run_dir / "annex.docx")
    for text in (memo, annex):
        assert "Sur les trois projets pilotes" not in text and "sur les trois projets pilotes" not in text
    assert "Sur les projets pilotes qui ont mesuré l'avant et l'après (Icarius (UCM) et Liantis)" in memo
    assert "sur les projets pilotes qui ont mesuré l'avant et l'après (Icarius (UCM) et Liantis" in annex
