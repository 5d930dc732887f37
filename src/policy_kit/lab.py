"""What the stage notebooks call: open a stage, and show its findings the way the memo would.

Run by `policy-kit run`, a notebook gets the validated params injected. Run by hand in JupyterLab,
it reads the params file and works in a scratch run folder: the first notebook writes the run's
provenance there, as `policy-kit run` does, and each later one first checks that the notebooks
before it recorded their results there, from the same params and data, and names the one to run
first when they did not.

A finding shows as its commentary, then every table and chart its step recorded: tables through
the annex's views (the labels and number formats of the memo, in the scenario's language; the codes
stay in the parquet files), charts as the very PNG files in figures/.

`python -m policy_kit.lab` registers the project's Python as a Jupyter kernel (what `make lab` does).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pandas as pd

from policy_kit import records
from policy_kit.errors import UserError
from policy_kit.notebook import Finding, Stage
from policy_kit.notebook import open_stage as _open

KERNEL_NAME = "policy-kit"
KERNEL_DISPLAY_NAME = "Python (policy_kit)"
SCREEN_DPI = 96  # CSS pixels per inch: a chart shows at the size it prints
ALT = "alt"  # key of a chart's alternative text in its output metadata (see runner.export_html)


class OutOfOrder(UserError):
    """A notebook run by hand before the ones whose results it reads."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the message is the whole story
        return [f"{type(self).__name__}: {self}"]


def open_stage(name: str, injected: dict | None, params_file: str, run_dir: str) -> Stage:
    """The stage a notebook works in; its findings then display in the scenario's language."""
    stage = _open(name, injected, params_file, run_dir)
    if injected is None:
        _prepare_by_hand(stage)
    _show_findings(stage)
    return stage


# --------------------------------------------------------------------------- run by hand

def _steps():
    from policy_kit.runner import STEPS  # the order of the notebooks and the stage each one records

    return STEPS


def _inputs_changed(provenance: dict, stage: Stage) -> bool:
    from policy_kit.params import file_hash

    data = {str(p.relative_to(stage.root)): file_hash(p) for p in stage.params.data_files(stage.root)}
    return provenance.get("params_sha256") != file_hash(stage.params_file) or provenance.get("data_sha256") != data


def _prepare_by_hand(stage: Stage) -> None:
    """First notebook: write the provenance. Later ones: check the earlier ones ran here, on these inputs."""
    from policy_kit.runner import provenance, write_params_copy

    steps = _steps()
    position = [s.stage for s in steps].index(stage.name)
    this, before = steps[position], steps[:position]
    provenance_file = stage.run_dir / "provenance.json"
    if not before:
        prov = provenance(stage.params_file, stage.params, stage.root)
        provenance_file.write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        write_params_copy(stage.params, stage.run_dir)
    else:
        missing = [s for s in before if not (stage.run_dir / "records" / f"{s.stage}.json").is_file()]
        if missing or not provenance_file.is_file():
            first = (missing or before)[0]
            raise OutOfOrder(
                f"Run notebooks/{first.notebook} first: {this.notebook} reads what "
                + ", ".join(s.notebook for s in before)
                + f" recorded in {_shown(stage.run_dir, stage.root)}, and {first.notebook} has not run there yet.")
        if _inputs_changed(json.loads(provenance_file.read_text(encoding="utf-8")), stage):
            raise OutOfOrder(
                f"Run notebooks/{before[0].notebook} again first: the params file or the data changed since it ran, "
                f"and {this.notebook} must read results of the same inputs.")
    # the results of the notebooks after this one no longer follow from it: they must run again
    for later in steps[position + 1:]:
        (stage.run_dir / "records" / f"{later.stage}.json").unlink(missing_ok=True)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- showing a finding

def _show_findings(stage: Stage) -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.ipython_display_formatter.for_type(Finding, FindingView(stage))


class FindingView:
    """Displays a stage's findings; each one with what its step recorded since the last one shown."""

    def __init__(self, stage: Stage):
        self.stage = stage
        self.shown = len(stage.rec.recorded)

    def __call__(self, finding: Finding) -> None:
        from IPython.display import display

        for data, metadata in self.outputs(finding):
            display(data, raw=True, metadata=metadata)

    def outputs(self, finding: Finding) -> list[tuple[dict, dict]]:
        """The finding as Jupyter display outputs (mime bundle, metadata), in reading order."""
        new = list(dict.fromkeys(self.stage.rec.recorded[self.shown:]))
        self.shown = len(self.stage.rec.recorded)
        entries = {key: self.stage.rec.entry(key) for key in new}
        tables = [k for k in new if entries[k]["kind"] == "table"]
        figures = [k for k in new if entries[k]["kind"] == "figure"]
        # the notebook's own heading, in the scenario's language, names the finding: no second title
        out = [_markdown("\n\n".join(finding.commentary))] if finding.commentary else []
        context = annex_context(self.stage) if tables or figures or finding.table is not None else None
        shown_tables = [t for key in tables for t in _views(context, key)]
        for table in shown_tables:
            out += _table(table.data, table.caption, table.note)
        if not shown_tables and isinstance(finding.table, pd.DataFrame):
            # before the plan stage, an option is one of the cost-benefit model's; from it on, one of the plan's
            plan_on = self.stage.name in ("plan", "memo")
            codes = {**context.model_options, **(context.plan_options if plan_on else {})}
            out += _table(labelled(finding.table, context, codes), None, None)
        for key in figures:
            out += _chart(self.stage.run_dir / entries[key]["path"], _caption(context, key, entries[key]),
                          _alt(context, key, entries[key], self.stage.params.evidence.min_cell))
        if not figures and finding.figure is not None:
            for fig in finding.figure if isinstance(finding.figure, (list, tuple)) else [finding.figure]:
                out += _chart(_png(fig), None)
        return out


def annex_context(stage: Stage):
    """The annex's view of what the run recorded so far, labelled from params in the scenario's language."""
    from policy_kit.memo import labels as L
    from policy_kit.memo.annex import AnnexContext
    from policy_kit.memo.i18n import translator

    names = [s.stage for s in _steps()]
    following = names[names.index(stage.name) + 1:]
    results = records.read(stage.run_dir, before=following[0] if following else None)
    params, language = stage.params, stage.params.meta.language
    _ = translator(language)
    eco, plan = params.economics, params.plan
    model_options = {key.split(".")[2]: results.value(key) for key in results.keys("economics.options.") if key.endswith(".label")}
    kinds = {}
    if "plan.sensitivity.one_way" in results:  # the kind of each parameter, as the sensitivity analysis recorded it
        one_way = results.table("plan.sensitivity.one_way")
        kinds = {**dict(zip(one_way["parameter"], one_way["kind"])), "budget_cap": "cost"}
    return AnnexContext(
        results=results, language=language, _=_,
        years={"first": plan.first_year, "last": plan.last_year},
        plan_options={name: option.label for name, option in plan.options.items()},
        model_options={"status_quo": _(L.CODES["status_quo"]), **model_options},
        components={name: c.label_fr for name, c in eco.components.items()},
        effect_types={f"component.{name}.effect.{e.transition}": e.type for name, c in eco.components.items() for e in c.effects},
        min_cell=params.evidence.min_cell, parameter_kinds=kinds,
    )


def _views(context, key: str):
    from policy_kit.memo.annex import tables_for

    return tables_for(context, key)


def _caption(context, key: str, entry: dict) -> str:
    from policy_kit.memo import labels as L

    return L.caption(key, entry, context._, **_option(context))


def _alt(context, key: str, entry: dict, min_cell: int) -> str:
    from policy_kit.memo import labels as L

    return L.alt_text(key, entry, context._, min_cell=min_cell, **_option(context))


def _option(context) -> dict[str, str]:
    """The option the sensitivity captions name, once the plan step has recorded it."""
    return {"option": context.analysed_option()} if "plan.sensitivity.option" in context.results else {}


def labelled(frame: pd.DataFrame, context, codes: dict[str, str] | None = None) -> pd.DataFrame:
    """A table no view knows, labelled and formatted by its column names as the annex does.

    `codes` labels the option codes in its cells (the cost-benefit model's or the plan's options)."""
    from policy_kit.memo import labels as L

    out = {}
    for name in frame.columns:
        column = L.column("", str(name))
        kind = column.kind
        if str(name) not in L.COLUMNS and pd.api.types.is_numeric_dtype(frame[name]) and not pd.api.types.is_bool_dtype(frame[name]):
            kind = "number"
        values = frame[name].tolist()
        scale = L.money_scale(values) if kind == "money" else "unit"
        # a name no label knows is shown as it is (the step's own French header, or none)
        header = L.header("", str(name), context._, **context.years) if str(name) in L.COLUMNS else str(name)
        out[header] = [L.format_cell(v, kind, context.language, context._, scale=scale, codes=codes) for v in values]
    return pd.DataFrame(out)


def _markdown(text: str) -> tuple[dict, dict]:
    return {"text/markdown": text, "text/plain": text}, {}


def _table(data: pd.DataFrame, caption: str | None, note: str | None) -> list[tuple[dict, dict]]:
    from policy_kit.memo.docx_kit import numeric_columns

    styler = data.style.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    # as in the Word tables: numbers right-aligned, header included, text left
    styles = [{"selector": "caption", "props": [("text-align", "left"), ("font-weight", "bold")]}]
    for i, numeric in enumerate(numeric_columns(data)):
        align = [("text-align", "right" if numeric else "left")]
        styles += [{"selector": f"td.col{i}", "props": align}, {"selector": f"th.col_heading.col{i}", "props": align}]
    styler = styler.set_table_styles(styles)
    out = [({"text/html": styler.to_html(), "text/plain": data.to_string(index=False)}, {})]
    if note:
        out.append(_markdown(f"<small>{note}</small>"))
    return out


def _chart(png: Path | bytes, caption: str | None, alt: str | None = None) -> list[tuple[dict, dict]]:
    """The PNG itself (the recorded file's bytes), shown at its printed width; the web page gives it `alt`."""
    from PIL import Image

    data = png.read_bytes() if isinstance(png, Path) else png
    with Image.open(io.BytesIO(data)) as image:
        dpi = image.info.get("dpi", (SCREEN_DPI, SCREEN_DPI))[0]
        width = round(image.width * SCREEN_DPI / dpi)
    bundle = {"image/png": base64.b64encode(data).decode("ascii"), "text/plain": caption or ""}
    out = [(bundle, {"image/png": {"width": width, **({ALT: alt} if alt else {})}})]
    if caption:
        out.append(_markdown(f"*{caption}*"))
    return out


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------- the kernel

def install_kernel(prefix: str | None = None) -> str:
    """Register this Python (the project's environment) as the Jupyter kernel the notebooks name."""
    import sys

    from ipykernel.kernelspec import install

    return install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME, prefix=prefix or sys.prefix)


if __name__ == "__main__":
    print(f"Kernel « {KERNEL_DISPLAY_NAME} » registered in {install_kernel()}")
