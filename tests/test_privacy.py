"""Survey microdata never leave the run: no file of a run folder shows a respondent's row or id, or a
subgroup cell of fewer than `min_cell` respondents with a number."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from policy_kit.evidence import read_survey
from policy_kit.evidence.stage import HOURS_BANDS, HOURS_LABELS, SUBGROUPS
from policy_kit.runner import run

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "data" / "synthetic_survey_icarius_2022.csv"
PREPOST = ROOT / "data" / "pilots" / "synthetic_accompaniment_prepost.csv"
TEXT_SUFFIXES = {".ipynb", ".html", ".json", ".csv", ".txt", ".md", ".yaml", ".yml", ".xml", ".svg"}


def _texts(path: Path) -> list[str]:
    """Everything a reader of the file could see, decompressed: raw bytes, docx XML, parquet cells, PNG text chunks."""
    raw = path.read_bytes()
    out = [raw.decode("utf-8", errors="replace")]
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            out += [z.read(name).decode("utf-8", errors="replace") for name in z.namelist()]
    elif path.suffix == ".parquet":
        out.append(pd.read_parquet(path).to_csv(index=False))
    elif path.suffix == ".png":
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as image:
            out += [f"{k}={v}" for k, v in image.info.items() if isinstance(v, (str, bytes))]
    return out


def _ids(survey_path: Path) -> set[str]:
    survey = pd.read_csv(survey_path, comment="#", dtype=str)
    prepost = pd.read_csv(PREPOST, comment="#", dtype=str)
    return set(survey["respondent_id"]) | set(prepost["participant_id"])


def _small_groups(survey_path: Path, min_cell: int) -> dict[str, list[str]]:
    """Subgroups of the survey with fewer than min_cell respondents, counted here from the raw file."""
    frame = read_survey(survey_path).frame
    frame["hours_band"] = pd.cut(frame["hours_per_week"], HOURS_BANDS, right=False, labels=HOURS_LABELS).astype(str)
    return {by: [str(g) for g, n in frame[by].value_counts().items() if n < min_cell] for by in SUBGROUPS}


def _rows(path: Path) -> list[str]:
    """Table rows and lines of text, the units in which a group's label and its figure would sit together."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            xml = "".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist() if n.endswith(".xml"))
        return re.findall(r"<w:tr[ >].*?</w:tr>", xml, flags=re.S) + re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    if path.suffix == ".ipynb":
        texts = []
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                for value in [output.get("text", "")] + list(output.get("data", {}).values()):
                    texts.append("".join(value) if isinstance(value, list) else str(value))
    else:
        texts = [path.read_text(encoding="utf-8", errors="replace")]
    rows = []
    for text in texts:
        rows += re.findall(r"<tr.*?</tr>", text, flags=re.S) + text.splitlines()
    return rows


def check_run_is_private(run_dir: Path, min_cell: int, survey_path: Path = SURVEY) -> None:
    files = [p for p in run_dir.rglob("*") if p.is_file()]
    assert files
    ids = re.compile("|".join(sorted(map(re.escape, _ids(survey_path)), key=len, reverse=True)))
    n_survey = len(read_survey(survey_path).frame)
    for path in files:
        for text in _texts(path):
            found = ids.search(text)
            assert found is None, f"{path.relative_to(run_dir)} shows the respondent id {found.group(0)}"
    for table in (run_dir / "tables").glob("evidence.*.parquet"):
        assert len(pd.read_parquet(table)) < n_survey / 10, f"{table.name}: as many rows as respondents"

    subgroups = pd.read_parquet(run_dir / "tables" / "evidence.subgroups.burnout_risk.parquet")
    small = _small_groups(survey_path, min_cell)
    for by, groups in small.items():
        for group in groups:
            row = subgroups[(subgroups["by"] == by) & (subgroups["group"] == group)]
            assert len(row) == 1 and bool(row["suppressed"].iloc[0]), (by, group)
            assert row[["n", "cases", "estimate", "ci_low", "ci_high", "n_eff"]].isna().all(axis=None), (by, group)
    labels = [g for groups in small.values() for g in groups]
    for path in files:
        if path.suffix not in TEXT_SUFFIXES | {".docx"}:
            continue
        for row in _rows(path):
            plain = html.unescape(re.sub(r"<[^>]+>", " ", row))
            for label in labels:
                if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", plain):
                    # besides the label itself and the suppression marker, the row must hold no figure
                    rest = plain.replace(label, " ").replace(f"< {min_cell}", " ")
                    assert not re.search(r"\d", rest), (
                        f"{path.relative_to(run_dir)}: the small group {label!r} shown with a number: {plain.strip()[:300]}")


def test_default_run_shows_no_respondent(default_run):
    result, _ = default_run
    check_run_is_private(result.run_dir, min_cell=10)


def test_small_cells_suppressed_everywhere(project_copy, tmp_path):
    """A survey where few respondents work 70 hours or more: that group is shown nowhere with a number."""
    survey = project_copy / "data" / "synthetic_survey_icarius_2022.csv"
    lines = survey.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[1].strip().split(",")
    hours = header.index("hours_per_week")
    long_hours = 0
    for i, line in enumerate(lines[2:], 2):
        fields = line.rstrip("\n").split(",")
        if float(fields[hours]) >= 70:
            long_hours += 1
            if long_hours > 4:  # keep four: a cell below min_cell 10
                fields[hours] = "65"
                lines[i] = ",".join(fields) + "\n"
    survey.write_text("".join(lines), encoding="utf-8")
    assert _small_groups(survey, 10)["hours_band"] == ["70 h et plus"]

    result = run(project_copy / "params" / "memorandum-2024.yaml", tmp_path / "run", cache_dir=tmp_path / "cache")
    check_run_is_private(result.run_dir, 10, survey)
    recorded = json.loads((result.run_dir / "results.json").read_text(encoding="utf-8"))
    assert recorded["evidence.subgroups.suppressed_cells"]["value"] == 1
