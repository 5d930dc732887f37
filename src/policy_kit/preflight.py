"""Checks that need the data files or the Word layer, run before the first notebook starts.

`params.load` checks the params file and reads the data files; what it cannot see from there would
otherwise fail inside a notebook: a template Word cannot use, a logo that is not an image, a survey
that cannot be weighted to the margins, too few people at risk to publish a prevalence. All of it is
checked here, every problem reported at once (exit 2), before anything runs.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from policy_kit.errors import DataError, Problem, UserError
from policy_kit.params import Params
from policy_kit.params.loader import read_yaml


def check(params: Params, params_path: Path, *, root: Path | None = None) -> None:
    """Raise a UserError listing every problem found, each with the params line that leads to it."""
    from policy_kit.paths import project_root

    params_path = Path(params_path)
    root = Path(root).resolve() if root else project_root(params_path)
    lines = read_yaml(params_path).lines

    def where(*key: str) -> str:
        return f"{params_path}:{lines.get(key, '?')}"

    problems = []
    if params.meta.template:
        problems += _template_problems((root / params.meta.template).resolve(), where("meta", "template"))
    if params.meta.logo:
        problems += _logo_problems((root / params.meta.logo).resolve(), where("meta", "logo"))
    problems += _survey_problems(params, root, where)
    if problems:
        raise UserError(f"{params_path}: {len(problems)} problem(s) found before running", problems)


def _template_problems(path: Path, where: str) -> list[Problem]:
    import docx

    from policy_kit.memo.template_build import REQUIRED_STYLES

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - any reason python-docx cannot open it is the user's to fix
        text = str(exc)
        macro = "macroEnabled" in text
        return [Problem(where, "'meta.template': " + ("a macro-enabled document" if macro else "not a Word document python-docx can open"),
                        expected="a .docx saved by Word or LibreOffice" + (" without macros" if macro else ""),
                        found=f"{path.name}: {type(exc).__name__}: {text[:120]}",
                        hint="save it as « Document Word (.docx) »" if macro else None)]
    from policy_kit.memo.docx_kit import check_styles

    try:
        check_styles(document, REQUIRED_STYLES, source=str(path))
    except UserError as exc:
        missing = ", ".join(p.message.removeprefix("missing style ") for p in exc.problems)
        return [Problem(where, "'meta.template': the template lacks styles the memo uses", expected="every style of the packaged template",
                        found=f"missing {missing}", hint="start from the packaged template (src/policy_kit/memo/template.docx)")]
    return []


def _logo_problems(path: Path, where: str) -> list[Problem]:
    from docx.image.image import Image

    try:
        Image.from_file(str(path))
    except Exception as exc:  # noqa: BLE001 - not an image Word can place
        return [Problem(where, "'meta.logo': not an image Word can show", expected="a PNG, JPEG, GIF or BMP picture",
                        found=f"{path.name}: {type(exc).__name__}")]
    return []


def _survey_problems(params: Params, root: Path, where) -> list[Problem]:
    from policy_kit.evidence.io import read_survey
    from policy_kit.evidence.prevalence import add_indicators
    from policy_kit.evidence.weighting import rake

    ev = params.evidence
    try:
        survey = read_survey((root / ev.survey).resolve(), drop_invalid=ev.drop_invalid)
    except DataError:
        return []  # reported by params.load, with its rows
    problems = []
    margins = ev.margins.as_rake_margins()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # weights that cannot be trimmed are the run's to report, in the annex
            rake(survey.frame, margins, trim=ev.trim.as_tuple() if ev.trim else None)
    except UserError as exc:
        problems += [Problem(where("evidence", "margins"), f"'evidence.margins': the survey cannot be weighted to these margins: "
                             f"{p.where} {p.message}", p.expected, p.found, p.hint) for p in exc.problems]
    cutoffs = {"at_risk": ev.cutoffs.at_risk.value, "severe": ev.cutoffs.severe.value}
    risk = add_indicators(survey.frame, cutoffs)["burnout_risk"]
    at_risk, not_at_risk = int((risk == 1).sum()), int((risk == 0).sum())
    if at_risk < ev.min_cell or not_at_risk < ev.min_cell:
        problems.append(Problem(where("evidence", "cutoffs"), "too few respondents on one side of the burn-out risk cut-off",
                                expected=f"at least evidence.min_cell ({ev.min_cell}) at risk and as many not at risk, "
                                         "to publish a prevalence and fit the risk factors",
                                found=f"{at_risk} at risk, {not_at_risk} not at risk in {survey.path}"))
    return problems
