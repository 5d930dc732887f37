"""The policy-kit command line."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policy_kit.errors import UserError

# Plain help (rich_markup_mode=None): metavars say what to type, with no Python type names beside them.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Turn pilot statistics into decision-ready policy memos.")
out = Console()
err = Console(stderr=True)
# An argument's metavar (PARAMS, RUN_A…) says what to give; typer would print a Python type name beside it.
if hasattr(typer.core, "TyperArgument"):
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None


class DescribeFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    markdown = "markdown"


class ExecutorKind(str, enum.Enum):
    process = "process"
    dask_local = "dask-local"


PARAMS_HELP = "params YAML file (anywhere: data paths are relative to the project)"
Project = Annotated[Path | None, typer.Option("--project", metavar="DIR", show_default=False,
                                              help="project folder (default: the one holding the params file, else the working folder)")]
Force = Annotated[bool, typer.Option("--force", metavar="", help="re-execute every step, ignoring the step cache")]


def _version(value: bool) -> None:
    if value:
        from policy_kit import __version__

        out.print(f"policy-kit {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", metavar="", is_eager=True, callback=_version,
                                          help="print the version and exit")] = False,
) -> None:
    """Turn pilot statistics into decision-ready policy memos."""


def _root(params_file: Path | None, project: Path | None) -> Path:
    from policy_kit.paths import find_project

    try:
        return find_project(params_file, project)
    except UserError as exc:
        _fail(exc)
        raise  # not reached


def _fail(exc: UserError) -> None:
    err.print(f"[bold red]error:[/] {exc.render()}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


@app.command()
def validate(
    params_files: Annotated[list[Path], typer.Argument(help="params YAML file(s)", metavar="PARAMS...", show_default=False)],
    project: Project = None,
) -> None:
    """Check params files (and the data they name) without running anything."""
    from policy_kit import preflight
    from policy_kit.params import load

    failures: list[UserError] = []
    for path in params_files:
        try:
            root = _root(path, project)
            preflight.check(load(path, root=root), path, root=root)
            out.print(f"[green]ok[/] {path}")
        except UserError as exc:
            failures.append(exc)
            err.print(f"[bold red]error:[/] {exc.render()}", highlight=False, soft_wrap=True)
    if failures:
        raise typer.Exit(2)


@app.command()
def run(
    params_file: Annotated[Path, typer.Argument(help=PARAMS_HELP, metavar="PARAMS", show_default=False)],
    sets: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", show_default=False,
                                                   help="override one params value for this run (dotted key, as `describe` lists); repeatable")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", metavar="DIR", show_default=False, help="run folder (default: briefings/<params name>)")] = None,
    force: Force = False,
    project: Project = None,
) -> None:
    """Validate the params, run every step, and write the briefing folder."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=False) as progress:
        # shown from the first second: validating and reading the data take a moment before the first step
        checking = progress.add_task(f"checking {params_file.name} and its data files", total=1)
        tasks: dict[str, int] = {}

        def on_step(step, state, seconds):
            if state == "start":
                if not progress.tasks[checking].finished:
                    progress.update(checking, completed=1)
                tasks[step.notebook] = progress.add_task(step.notebook, total=1)
            else:
                note = " (cached)" if state == "cached" else ""
                progress.update(tasks[step.notebook], completed=1, description=f"{step.notebook}{note} [dim]{seconds:.1f} s[/]")

        try:
            from policy_kit.params.overrides import parse_assignments
            from policy_kit.runner import run as run_scenario

            overrides = parse_assignments(sets or [])
            root = _root(params_file, project)
            result = run_scenario(params_file, out_dir, force=force, on_step=on_step, root=root, overrides=overrides,
                                  on_status=lambda text: progress.update(checking, description=text))
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
    out.print(f"[green]briefing written:[/] {result.run_dir}", highlight=False)


DEFAULT_PARAMS = Path("params") / "memorandum-2024.yaml"


def _default_params(project: Path | None = None) -> Path:
    return _root(None, project) / DEFAULT_PARAMS


@app.command()
def describe(
    params_file: Annotated[Path | None, typer.Argument(help="params YAML file (default: the default scenario)", metavar="[PARAMS]",
                                                       show_default=False)] = None,
    fmt: Annotated[DescribeFormat, typer.Option("--format", help="table on the terminal; csv for Excel (';', decimal comma); "
                                                "xlsx (a workbook, written to --out); markdown")] = DescribeFormat.table,
    out_file: Annotated[Path | None, typer.Option("--out", metavar="FILE", show_default=False,
                                                  help="where --format xlsx writes (default: <params name>-parameters.xlsx here)")] = None,
    project: Project = None,
) -> None:
    """List every parameter: type, unit, the default scenario's value, this file's value, range and source."""
    from policy_kit.describe import describe as describe_params
    from policy_kit.describe import to_csv, to_markdown, to_xlsx
    from policy_kit.params import load

    root = _root(params_file, project)
    path = params_file or root / DEFAULT_PARAMS
    try:
        params = load(path, root=root, check_data=False)
        default_path = root / DEFAULT_PARAMS
        defaults = load(default_path, root=root, check_data=False) if default_path.is_file() else None
    except UserError as exc:
        _fail(exc)
    rows = describe_params(params, defaults)
    if fmt is DescribeFormat.csv:
        sys.stdout.write(to_csv(rows, excel=True))
        return
    if fmt is DescribeFormat.markdown:
        sys.stdout.write(to_markdown(rows))
        return
    if fmt is DescribeFormat.xlsx:
        target = out_file or Path(f"{path.stem}-parameters.xlsx")
        if target.exists():
            err.print(f"[bold red]error:[/] {target} already exists: give another --out, or remove it", highlight=False)
            raise typer.Exit(2)
        to_xlsx(rows, target)
        out.print(f"[green]written:[/] {target}", highlight=False)
        return
    from rich.markup import escape
    from rich.table import Table

    columns = [("parameter", "bold", None), ("type", "dim", 24), ("unit", "", 16), ("default", "dim", 14),
               ("value", "cyan", 28), ("range", "", 24), ("source (vintage; quality)", "", 60)]
    if out.width < 150:  # a narrow terminal keeps what matters most
        columns = [c for c in columns if c[0] in ("parameter", "unit", "value", "range")]
    if out.width < 100:
        columns = [c for c in columns if c[0] in ("parameter", "value", "range")]
    from rich import box

    narrow = out.width < 100
    table = Table(title=f"{path.name}: {len(rows)} parameters", show_lines=False, expand=False, box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD,
                  caption="long cells are cut" + ("" if len(columns) == 7 else ", some columns left out (narrow terminal)")
                  + ": --format csv, xlsx or markdown gives everything")
    # one line per parameter: long texts are cut rather than wrapped, so the table stays scannable
    for column, style, width in columns:
        if narrow and column == "parameter":  # the dotted key is what --set takes: wrapped, never cut
            table.add_column(column, style=style, overflow="fold", max_width=out.width - 14 - 22 - 8)
            continue
        table.add_column(column, style=style, no_wrap=True, overflow="ellipsis", max_width=14 if narrow and column == "value" else width,
                         min_width=22 if column == "range" else None)
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
    name: Annotated[str, typer.Argument(help="scenario name: letters, digits, '.', '_' or '-'", metavar="NAME", show_default=False)],
    source: Annotated[Path | None, typer.Option("--from", metavar="FILE", show_default=False,
                                                help="params file to copy (default: the default scenario)")] = None,
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
    params_file: Annotated[Path, typer.Argument(help="params YAML file the variations start from", metavar="PARAMS", show_default=False)],
    sets: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=V1,V2,...", show_default=False,
                                                   help="a dotted params key and its values; several --set make a grid")] = None,
    variants_file: Annotated[Path | None, typer.Option("--variants", metavar="FILE", show_default=False,
                                                       help="YAML list of variations, each {key: value, ...}")] = None,
    headlines: Annotated[bool, typer.Option("--headlines", metavar="",
                                            help="headline results only, computed in this process: no notebook, no document (fast)")] = False,
    psa: Annotated[bool, typer.Option("--psa", metavar="", help="with --headlines: add the probabilistic analysis (P(NPV>0))")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", metavar="DIR", show_default=False,
                                                 help="sweep folder (default: briefings/<params name>-sweep-<date-time>)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", metavar="N", show_default=False, min=1, max=256,
                                                help="parallel processes (default: one per core; with --headlines, this process up to 100 variations)")] = None,
    executor_kind: Annotated[ExecutorKind, typer.Option("--executor", help="a local process pool, or a local Dask cluster")] = ExecutorKind.process,
    force: Force = False,
    project: Project = None,
) -> None:
    """Run variations of a params file; gather headline results in one table and one chart."""
    import time

    from policy_kit.sweep import default_workers, grid, parse_set, read_variants, run_sweep

    if bool(sets) == bool(variants_file):
        err.print("[bold red]error:[/] give either --set KEY=V1,V2 (one or more) or --variants FILE")
        raise typer.Exit(2)
    if psa and not headlines:
        err.print("[bold red]error:[/] --psa goes with --headlines (a full sweep runs the probabilistic analysis anyway)")
        raise typer.Exit(2)
    if out_dir is not None and out_dir.exists() and any(out_dir.iterdir()):
        err.print(f"[bold red]error:[/] --out {out_dir} is not empty: a sweep writes into a folder of its own", highlight=False)
        raise typer.Exit(2)
    root = _root(params_file, project)
    try:
        variants = grid([parse_set(s) for s in sets]) if sets else read_variants(variants_file)
    except UserError as exc:
        _fail(exc)
    dask = executor_kind is ExecutorKind.dask_local
    started = time.perf_counter()
    if headlines and workers is None and not dask:
        where = "this process (one process per core above 100 variations)"
    else:
        workers = workers or default_workers()
        where = "this process" if workers == 1 and not dask else f"{workers} {'local Dask workers' if dask else 'processes'}"
    err.print(f"{len(variants)} variation(s) of {params_file}{', headline results' if headlines else ''} on {where}", highlight=False)

    def on_done(outcome) -> None:
        if headlines and outcome.ok:
            return  # hundreds of lines would hide the table
        if outcome.ok:
            err.print(f"  [green]ok[/] {outcome.name} [dim]{outcome.seconds:.1f} s, {len(outcome.cached)} step(s) reused[/]", highlight=False)
        else:
            first = (outcome.error or "").splitlines()[0] if outcome.error else ""
            err.print(f"  [bold red]failed[/] {outcome.name}: {first}", highlight=False)

    client = cluster = None
    try:
        executor = None
        if dask:
            try:
                from distributed import Client, LocalCluster
            except ImportError:
                err.print("[bold red]error:[/] --executor dask-local needs dask[distributed]: pip install 'dask[distributed]'")
                raise typer.Exit(2) from None
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            executor = client.get_executor()
        result = run_sweep(params_file, variants, executor=executor, workers=workers, force=force, on_done=on_done,
                           headlines=headlines, psa=psa, folder=out_dir, root=root)
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
    seconds = time.perf_counter() - started
    rate = f", {len(variants) / seconds:.3g} variations/s" if headlines and seconds > 0 else ""
    out.print(f"[green]sweep written:[/] {result.folder} [dim]({seconds:.1f} s{rate})[/]\n"
              f"  table {result.csv.name}, {result.parquet.name}" + (f"; chart {result.chart.name}" if result.chart else ""), highlight=False)
    if result.failed:
        raise typer.Exit(max(o.exit_code for o in result.failed) or 1)


def _print_sweep(result) -> None:
    """The headline table, values written by unit in the run's language; readable at 80 columns."""
    from rich import box
    from rich.table import Table

    from policy_kit.memo.bind import format_value

    frame, units, lang = result.table, result.units, result.language
    keys = [c for c in frame.columns if c.startswith("set:")]
    shown = [c for c in ("plan.recommended.name", "plan.recommended.npv", "plan.recommended.cases_averted_plan_years") if c in frame.columns]
    if out.width >= 120:
        shown += [c for c in ("plan.recommended.annual_cost", "plan.recommended.p_npv_positive") if c in frame.columns]
        shown += [c for c in frame.columns if c.startswith("plan.option.") and c.endswith(".npv") and c.count(".") == 3]
    headers = {"plan.recommended.name": "recommended", "plan.recommended.npv": "NPV", "plan.recommended.annual_cost": "cost/year",
               "plan.recommended.cases_averted_plan_years": "cases averted", "plan.recommended.p_npv_positive": "P(NPV>0)"}
    failed = (frame["status"] != "ok").any()
    table = Table(title=f"headline results, {len(frame)} variation(s) (every column in {result.csv.name})",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    for column in keys:  # the key's last part as header: the full key is in the title of the chart and in sweep.csv
        table.add_column(column.removeprefix("set:").split(".")[-1], justify="right", overflow="fold")
    for column in shown:
        label = headers.get(column) or column.removeprefix("plan.option.").removesuffix(".npv") + " NPV"
        table.add_column(label, justify="left" if column.endswith(".name") else "right", overflow="fold")
    if failed:
        table.add_column("status", overflow="fold")
    limit = 30  # more rows than a screen: sweep.csv has them all
    for i, (_, row) in enumerate(frame.head(limit).iterrows(), 1):
        cells = [str(i)]
        cells += [_cell_text(row[c], lang) for c in keys]
        for column in shown:
            value = row.get(column)
            missing = value is None or (isinstance(value, float) and value != value)
            cells.append("" if missing else format_value(value, units.get(column, ""), lang) if column in units else str(value))
        if failed:
            cells.append(row["status"])
        table.add_row(*cells)
    out.print(table)
    if len(frame) > limit:
        out.print(f"  … and {len(frame) - limit} more row(s) in {result.csv.name}", highlight=False)
    if keys:
        out.print("  [dim]" + "; ".join(k.removeprefix("set:") for k in keys) + "[/]", highlight=False)


def _cell_text(value, language: str) -> str:
    """A swept value as the run's locale writes it (4 000 000 and 0,05 in French)."""
    from policy_kit import formatting as fmt
    from policy_kit.sweep import _decimals

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt.number(value, _decimals(float(value)), language)
    return str(value)


@app.command()
def compare(
    run_a: Annotated[str, typer.Argument(help="first run folder (or its name under briefings/, or its params file)", metavar="RUN_A",
                                         show_default=False)],
    run_b: Annotated[str, typer.Argument(help="second run folder", metavar="RUN_B", show_default=False)],
    out_file: Annotated[Path | None, typer.Option("--out", metavar="FILE", show_default=False,
                                                  help="where to write the one-page docx (default: RUN_B/compare.docx)")] = None,
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
