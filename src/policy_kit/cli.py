"""The policy-kit command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policy_kit.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn pilot statistics into decision-ready policy memos.")
out = Console()
err = Console(stderr=True)


def _fail(exc: UserError) -> None:
    err.print(f"[bold red]error:[/] {exc.render()}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


@app.command()
def validate(params_files: Annotated[list[Path], typer.Argument(help="params YAML file(s)")]) -> None:
    """Check params files without running anything."""
    from policy_kit.params import load

    failures: list[UserError] = []
    for path in params_files:
        try:
            load(path)
            out.print(f"[green]ok[/] {path}")
        except UserError as exc:
            failures.append(exc)
            err.print(f"[bold red]error:[/] {exc.render()}", highlight=False, soft_wrap=True)
    if failures:
        raise typer.Exit(2)


@app.command()
def run(
    params_file: Annotated[Path, typer.Argument(help="params YAML file")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="run folder (default: briefings/<params name>)")] = None,
    force: Annotated[bool, typer.Option("--force", help="re-execute every step, ignoring the step cache")] = False,
) -> None:
    """Validate the params, run every step, and write the briefing folder."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from policy_kit.runner import run as run_scenario

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=False) as progress:
        tasks: dict[str, int] = {}

        def on_step(step, state, seconds):
            if state == "start":
                tasks[step.notebook] = progress.add_task(step.notebook, total=1)
            else:
                note = " (cached)" if state == "cached" else ""
                progress.update(tasks[step.notebook], completed=1, description=f"{step.notebook}{note} [dim]{seconds:.1f} s[/]")

        try:
            result = run_scenario(params_file, out_dir, force=force, on_step=on_step)
        except UserError as exc:
            progress.stop()
            _fail(exc)
        except KeyboardInterrupt:
            progress.stop()
            err.print("interrupted: nothing was published; the last good briefing is unchanged")
            raise typer.Exit(130) from None
    out.print(f"[green]briefing written:[/] {result.run_dir}")


def main() -> None:  # pragma: no cover - console entry for `python -m policy_kit`
    sys.exit(app())
