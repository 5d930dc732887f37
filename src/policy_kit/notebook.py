"""What the stage modules share: a stage's view of the run, the finding a step returns, notebook text by language.

Findings are shown by `policy_kit.lab`, which the notebooks import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from policy_kit import params as params_mod
from policy_kit import records
from policy_kit.errors import ParamsError
from policy_kit.paths import project_root


@dataclass
class Stage:
    """A stage's view of the run: validated params, where to record, what earlier stages recorded."""

    name: str
    params: params_mod.Params
    params_file: Path
    root: Path
    run_dir: Path
    rec: records.Recorder
    inputs: records.Results

    def data_path(self, relative: str) -> Path:
        return (self.root / relative).resolve()


def open_stage(name: str, injected: dict | None, params_file: str, run_dir: str) -> Stage:
    """Open a stage from a notebook's parameters cell (injected params when run by policy-kit, else the file)."""
    params_path = Path(params_file).resolve()
    params = params_mod.from_notebook(injected, params_path)
    run = Path(run_dir).resolve()
    run.mkdir(parents=True, exist_ok=True)
    rec = records.Recorder(run, name)
    return Stage(name, params, params_path, _root(params_path), run, rec, rec.inputs())


def _root(params_path: Path) -> Path:
    try:
        return project_root(params_path)
    except ParamsError:  # a params file kept outside the project: the kernel works in its notebooks/ folder
        return project_root()


@dataclass
class Finding:
    """One step's result as a reader sees it: two lines of commentary, a table, a chart.

    A notebook shows it through `policy_kit.lab`: the commentary, then every table and chart the step
    recorded, in the scenario's language; `table` and `figure` only when the step recorded none.
    """

    title: str
    commentary: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    figure: Any = None
    data: Any = None  # the computed object, for the next step


# Markdown cells are written in French; a cell's metadata holds the same text in the other languages.
TRANSLATIONS = "translations"
SOURCE_LANGUAGE = "fr"


def localise(notebook, language: str):
    """The notebook (an nbformat node) with its markdown in `language`, for a run in that language."""
    if language == SOURCE_LANGUAGE:
        return notebook
    for cell in notebook.cells:
        text = cell.metadata.get(TRANSLATIONS, {}).get(language) if cell.cell_type == "markdown" else None
        if text:
            cell.source = text
    return notebook
