"""Errors a user can fix. The CLI prints them without a traceback and exits with code 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One thing wrong with an input: where, what was expected, what was found."""

    where: str  # "params/x.yaml:12" or "data/survey.csv, row 14, column 'sector'"
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class UserError(Exception):
    """Bad input or a failed step that the user must act on (exit code 2)."""

    exit_code = 2

    def __init__(self, summary: str, problems: list[Problem] | None = None):
        self.summary = summary
        self.problems = problems or []
        super().__init__(self.render())

    def render(self) -> str:
        lines = [self.summary]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ParamsError(UserError):
    """The params file is not valid."""


class DataError(UserError):
    """An input data file cannot be read or does not match its schema."""


class StepFailure(UserError):
    """A notebook failed during a run: which notebook, which cell, which error, where the partial copy is."""

    def __init__(self, notebook: str, cell: int | None, ename: str, evalue: str, kept_at: str | None = None, source: str = ""):
        self.notebook, self.cell, self.ename, self.evalue, self.kept_at = notebook, cell, ename, evalue, kept_at
        where = f"at cell {cell}" if cell is not None else "before its first cell ran"
        first_line = next((line for line in source.splitlines() if line.strip()), "")
        if first_line:
            where += f" ({first_line.strip()[:80]})"
        summary = f"Step {notebook} failed {where}: {ename}: {evalue}"
        if kept_at:
            summary += f"\nThe partly executed notebook is kept at {kept_at}"
        super().__init__(summary)
