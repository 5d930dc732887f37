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
    from policy_kit import preflight
    from policy_kit.params import load

    failures: list[UserError] = []
    for path in params_files:
        try:
            preflight.check(load(path), path)
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
        except OSError as exc:  # disk full, a file-size limit, a folder made read-only during the run
            progress.stop()
            err.print(f"[bold red]error:[/] cannot write {exc.filename or 'a file of the run'}: {exc.strerror or exc}; "
                      "nothing was published, the last good briefing is unchanged", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    out.print(f"[green]briefing written:[/] {result.run_dir}")


DEFAULT_PARAMS = Path("params") / "memorandum-2024.yaml"


def _default_params() -> Path:
    from policy_kit.paths import project_root

    try:
        return project_root() / DEFAULT_PARAMS
    except UserError as exc:
        _fail(exc)
        raise  # not reached


@app.command()
def describe(
    params_file: Annotated[Path | None, typer.Argument(help="params YAML file (default: the default scenario)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or markdown")] = "table",
) -> None:
    """List every parameter: type, unit, default, this file's value, range and source."""
    from policy_kit.describe import describe as describe_params
    from policy_kit.describe import to_csv, to_markdown
    from policy_kit.params import load

    if fmt not in ("table", "csv", "markdown"):
        err.print(f"[bold red]error:[/] --format must be table, csv or markdown; found {fmt!r}")
        raise typer.Exit(2)
    path = params_file or _default_params()
    try:
        rows = describe_params(load(path, check_data=False))
    except UserError as exc:
        _fail(exc)
    if fmt == "csv":
        sys.stdout.write(to_csv(rows))
        return
    if fmt == "markdown":
        sys.stdout.write(to_markdown(rows))
        return
    from rich.table import Table

    from rich.markup import escape

    columns = [("parameter", "bold", None), ("type", "dim", 24), ("unit", "", 16), ("default", "dim", 14),
               ("value", "cyan", 28), ("range", "", 24), ("source (vintage; quality)", "", 60)]
    if out.width < 150:  # a narrow terminal keeps what matters most
        columns = [c for c in columns if c[0] in ("parameter", "unit", "value", "range")]
    table = Table(title=f"{path}: {len(rows)} parameters", show_lines=False, expand=False,
                  caption="long cells are cut" + ("" if len(columns) == 7 else ", some columns left out (narrow terminal)")
                  + ": --format csv or markdown gives everything")
    # one line per parameter: long texts are cut rather than wrapped, so the table stays scannable
    for column, style, width in columns:
        table.add_column(column, style=style, no_wrap=True, overflow="ellipsis", max_width=width,
                         min_width=23 if column == "range" else None)
    for row in rows:
        detail = "; ".join(x for x in (row.vintage, row.quality) if x)
        cells = {"parameter": row.parameter, "type": row.type, "unit": row.unit, "default": row.default, "value": row.value,
                 "range": row.range, "source (vintage; quality)": (row.source or ("no source" if row.quality else "")) + (f" ({detail})" if detail else "")}
        table.add_row(*(escape(cells[c[0]]) for c in columns))
    out.print(table)


_NEW_HEADER = """\
# Scenario {name}: a copy of {source} made by `policy-kit new` on {today}.
#
# Edit the values below: every number carries value, low, high (its plausible range), kind, unit,
# source, vintage and quality; a number without a source, or with quality: assumption, is printed
# as an assumption in the memo. Change meta.title so the memo says what this scenario is.
#   policy-kit describe params/{name}.yaml   every parameter with its type, unit, default, range and source
#   policy-kit validate params/{name}.yaml   checks without running: file, line, key, expected, found
#   policy-kit run params/{name}.yaml        writes briefings/{name}/
#   policy-kit compare briefings/{base} briefings/{name}   what changed against the default
"""


MAX_NAME = 100  # a params name becomes file and folder names: file systems stop at 255 bytes


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="scenario name: letters, digits, '.', '_' or '-'")],
    source: Annotated[Path | None, typer.Option("--from", help="params file to copy (default: the default scenario)")] = None,
) -> None:
    """Write params/NAME.yaml, a commented copy of the default params to edit."""
    import datetime as dt

    from policy_kit.paths import safe_name

    stem = name[:-5] if name.endswith(".yaml") else name
    if not stem or safe_name(stem) != stem or len(stem) > MAX_NAME:
        example = safe_name(stem)[:MAX_NAME]
        err.print(f"[bold red]error:[/] bad scenario name {name[:80]!r}{'…' if len(name) > 80 else ''}: use at most {MAX_NAME} letters, "
                  f"digits, '.', '_' or '-' (for example {example!r})", highlight=False)
        raise typer.Exit(2)
    default = _default_params()
    source = source or default
    if not source.is_file():
        err.print(f"[bold red]error:[/] params file to copy not found: {source}", highlight=False)
        raise typer.Exit(2)
    # the copy goes to the project's params/, wherever the file copied from lies
    target = default.parent / f"{stem}.yaml"
    if target.exists():
        err.print(f"[bold red]error:[/] {target} already exists; choose another name or edit that file", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    try:
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    except (UnicodeDecodeError, OSError) as exc:
        err.print(f"[bold red]error:[/] cannot copy {source}: not a UTF-8 params file ({type(exc).__name__})", highlight=False)
        raise typer.Exit(2) from None
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)  # the source's own header: replaced by one about this copy
    header = _NEW_HEADER.format(name=stem, source=source.name, today=dt.date.today().isoformat(), base=source.stem)
    with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite, even if created meanwhile
        handle.write(header + "\n" + "".join(lines))
    out.print(f"[green]written:[/] {target}\nnext: edit it, then [bold]policy-kit validate {target}[/] and [bold]policy-kit run {target}[/]",
              highlight=False)


@app.command()
def sweep(
    params_file: Annotated[Path, typer.Argument(help="params YAML file the variations start from")],
    sets: Annotated[list[str] | None, typer.Option("--set", help="KEY=V1,V2,...: a dotted params key and its values; several --set make a grid")] = None,
    variants_file: Annotated[Path | None, typer.Option("--variants", help="YAML list of variations, each {key: value, ...}")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256, help="parallel processes (default: one per core)")] = None,
    executor_kind: Annotated[str, typer.Option("--executor", help="process (a local process pool) or dask-local (a local Dask cluster)")] = "process",
    force: Annotated[bool, typer.Option("--force", help="re-execute every step, ignoring the step cache")] = False,
) -> None:
    """Run variations of a params file in parallel; gather headline results in one table and one chart."""
    import time

    from policy_kit.sweep import default_workers, grid, parse_set, read_variants, run_sweep

    if executor_kind not in ("process", "dask-local"):
        err.print(f"[bold red]error:[/] --executor must be process or dask-local; found {executor_kind!r}")
        raise typer.Exit(2)
    if bool(sets) == bool(variants_file):
        err.print("[bold red]error:[/] give either --set KEY=V1,V2 (one or more) or --variants FILE")
        raise typer.Exit(2)
    try:
        variants = grid([parse_set(s) for s in sets]) if sets else read_variants(variants_file)
    except UserError as exc:
        _fail(exc)
    workers = workers or default_workers()
    started = time.perf_counter()
    where = "this process" if workers == 1 and executor_kind == "process" else \
        f"{workers} {'local Dask workers' if executor_kind == 'dask-local' else 'processes'}"
    err.print(f"{len(variants)} variation(s) of {params_file} on {where}")

    def on_done(outcome) -> None:
        if outcome.ok:
            err.print(f"  [green]ok[/] {outcome.name} [dim]{outcome.seconds:.1f} s, {len(outcome.cached)} step(s) reused[/]", highlight=False)
        else:
            first = (outcome.error or "").splitlines()[0] if outcome.error else ""
            err.print(f"  [bold red]failed[/] {outcome.name}: {first}", highlight=False)

    client = cluster = None
    try:
        executor = None
        if executor_kind == "dask-local":
            try:
                from distributed import Client, LocalCluster
            except ImportError:
                err.print("[bold red]error:[/] --executor dask-local needs dask[distributed]: pip install 'dask[distributed]'")
                raise typer.Exit(2) from None
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            executor = client.get_executor()
        result = run_sweep(params_file, variants, executor=executor, workers=workers, force=force, on_done=on_done)
    except UserError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("interrupted: variations already finished keep their run folders")
        raise typer.Exit(130) from None
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    _print_sweep(result)
    out.print(f"[green]sweep written:[/] {result.folder} [dim]({time.perf_counter() - started:.1f} s)[/]\n"
              f"  table {result.csv.name}, {result.parquet.name}" + (f"; chart {result.chart.name}" if result.chart else ""), highlight=False)
    if result.failed:
        raise typer.Exit(max(o.exit_code for o in result.failed) or 1)


def _print_sweep(result) -> None:
    from rich.table import Table

    from policy_kit.memo.bind import format_value

    frame = result.table
    units = {}
    if result.outcomes and any(o.ok for o in result.outcomes):
        from policy_kit.runs import read_run

        first = next(o for o in result.outcomes if o.ok)
        units = {k: (e.get("unit") or "") for k, e in read_run(first.run_dir).results.items()}
    shown = [c for c in frame.columns if c.startswith("set:")] + ["status", "seconds"]
    shown += [c for c in ("plan.recommended.name", "plan.recommended.npv", "plan.recommended.annual_cost",
                          "plan.recommended.cases_averted_plan_years") if c in frame.columns]
    if out.width >= 150:
        shown += [c for c in frame.columns if c.startswith("plan.option.") and c.endswith(".npv")]
    table = Table(title="headline results (every column in sweep.csv)")
    table.add_column("variant", style="bold", no_wrap=True)
    for column in shown:
        label = column.removeprefix("set:").removeprefix("plan.").replace("recommended.", "rec. ").replace("option.", "")
        table.add_column(label, justify="right" if column not in ("status", "plan.recommended.name") else "left", overflow="fold")
    for _, row in frame.iterrows():
        cells = []
        for column in shown:
            value = row.get(column)
            if column in units and value is not None and value == value:
                cells.append(format_value(value, units[column], "en"))
            else:
                cells.append("" if value is None or value != value else str(value))
        table.add_row(str(row["variant"]), *cells)
    out.print(table)


@app.command()
def compare(
    run_a: Annotated[str, typer.Argument(help="first run folder (or its name under briefings/, or its params file)")],
    run_b: Annotated[str, typer.Argument(help="second run folder")],
    out_file: Annotated[Path | None, typer.Option("--out", help="where to write the one-page docx (default: RUN_B/compare.docx)")] = None,
) -> None:
    """Show which params differ between two runs and which headline results moved; write compare.docx."""
    from rich.table import Table

    from policy_kit.compare import COMPARE_FILE, compare as compare_runs, resolve_run, show_delta, show_param, show_result, write_docx
    from policy_kit.paths import project_root

    try:
        root = project_root()
    except UserError:
        root = None
    try:
        comparison = compare_runs(resolve_run(run_a, root), resolve_run(run_b, root))
    except UserError as exc:
        _fail(exc)
    a, b = comparison.a.name, comparison.b.name
    if comparison.a.params is None or comparison.b.params is None:
        err.print("[yellow]params.yaml is missing from a run folder (made before runs kept their params): rerun it to compare params[/]")
    else:
        params = Table(title=f"params: {len(comparison.params)} differ")
        for column in ("key", a, b):
            params.add_column(column, overflow="fold")
        for change in comparison.params:
            params.add_row(change.key, show_param(change.a), show_param(change.b))
        out.print(params)
    results = Table(title=f"headline results: {len(comparison.moved)} of {len(comparison.results)} moved")
    for column, justify in (("result", "left"), (a, "right"), (b, "right"), ("change", "right"), ("relative", "right")):
        results.add_column(column, justify=justify, overflow="fold")
    for change in comparison.results:
        absolute, relative = show_delta(change, "en")
        style = "" if absolute == "=" else "bold"
        results.add_row(change.key, show_result(change.a, change.unit, "en"), show_result(change.b, change.unit, "en"), absolute, relative, style=style)
    out.print(results)
    if comparison.other_moved:
        out.print(f"{comparison.other_moved} other numeric result(s) moved (see results.json)")
    for line in comparison.inputs:
        out.print(f"[yellow]input changed:[/] {line}", highlight=False)
    target = out_file or comparison.b.path / COMPARE_FILE
    if target.is_dir() or target.suffix.lower() != ".docx":
        err.print(f"[bold red]error:[/] --out {target}: expected the path of a .docx file to write, found "
                  + ("a folder" if target.is_dir() else f"a '{target.suffix or 'no'}' extension"), highlight=False)
        raise typer.Exit(2)
    try:
        write_docx(comparison, target)
    except UserError as exc:
        _fail(exc)
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot write {target}: {exc.strerror or exc}", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"[green]comparison written:[/] {target}")


def main() -> None:  # pragma: no cover - console entry for `python -m policy_kit`
    sys.exit(app())
