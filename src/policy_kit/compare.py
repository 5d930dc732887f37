"""What changed between two runs: the params that differ and the headline results that moved.

Reads each run folder's params.yaml (the validated params the runner keeps), results.json and
manifest.json. The comparison prints as a table and is written as a one-page Word document through
the memo renderer.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policy_kit.params.text import text_in
from policy_kit.runs import RunFolder, flatten, headline_keys, read_run

COMPARE_FILE = "compare.docx"
MAX_DOC_ROWS = 10  # rows per table that still fit one page; the console shows them all


@dataclass
class ParamChange:
    key: str
    a: Any
    b: Any


@dataclass
class ResultChange:
    key: str
    unit: str
    label: str
    a: Any
    b: Any

    @property
    def delta(self) -> float | None:
        if _number(self.a) and _number(self.b):
            return self.b - self.a
        return None

    @property
    def relative(self) -> float | None:
        if self.delta is None or not self.a:
            return None
        return self.delta / abs(self.a)


@dataclass
class Comparison:
    a: RunFolder
    b: RunFolder
    params: list[ParamChange]
    results: list[ResultChange]  # headline results, moved or not
    other_moved: int  # non-headline numeric results that moved
    inputs: list[str] = field(default_factory=list)  # data files, code and versions that differ

    @property
    def moved(self) -> list[ResultChange]:
        return [r for r in self.results if _moved(r.a, r.b)]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _moved(a: Any, b: Any) -> bool:
    if _number(a) and _number(b):
        return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a != b


def resolve_run(text: str | Path, root: Path | None = None) -> Path:
    """A run folder given as a path, a folder name under briefings/, or the params file that made it."""
    path = Path(text)
    if path.is_dir():
        return path
    if path.suffix in (".yaml", ".yml") and path.is_file():
        from policy_kit.paths import briefing_name, project_root

        return project_root(path) / "briefings" / briefing_name(path.stem)
    if root is not None and (root / "briefings" / str(text)).is_dir():
        return root / "briefings" / str(text)
    return path


def compare(run_a: str | Path, run_b: str | Path) -> Comparison:
    a, b = read_run(run_a), read_run(run_b)
    params: list[ParamChange] = []
    if a.params is not None and b.params is not None:
        flat_a, flat_b = flatten(a.params), flatten(b.params)
        for key in list(flat_a) + [k for k in flat_b if k not in flat_a]:
            va, vb = flat_a.get(key), flat_b.get(key)
            if va != vb:
                params.append(ParamChange(key, va, vb))
    keys = headline_keys(b.results) + [k for k in headline_keys(a.results) if k not in b.results]
    results = []
    for key in keys:
        entry = b.results.get(key) or a.results.get(key) or {}
        results.append(ResultChange(key, entry.get("unit") or "", entry.get("label") or "", a.value(key), b.value(key)))
    headline = set(keys)
    other = sum(
        1 for key in set(a.results) | set(b.results)
        if key not in headline and (_number(a.value(key)) or _number(b.value(key))) and _moved(a.value(key), b.value(key))
    )
    inputs = []
    for name in sorted(set(a.manifest.get("data_sha256", {})) | set(b.manifest.get("data_sha256", {}))):
        if a.manifest.get("data_sha256", {}).get(name) != b.manifest.get("data_sha256", {}).get(name):
            inputs.append(f"data {name}")
    for label, key in (("git commit", "git_commit"), ("policy_kit version", "package_version")):
        if a.manifest.get(key) != b.manifest.get(key):
            inputs.append(f"{label}: {a.manifest.get(key)} → {b.manifest.get(key)}")
    versions_a, versions_b = a.manifest.get("versions", {}), b.manifest.get("versions", {})
    for name in sorted(set(versions_a) | set(versions_b)):
        if name != "policy_kit" and versions_a.get(name) != versions_b.get(name):
            inputs.append(f"{name}: {versions_a.get(name)} → {versions_b.get(name)}")
    return Comparison(a, b, params, results, other, inputs)


# ---------------------------------------------------------------------------------------------- text
def show_param(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", " ")
    text = str(value)
    return text if len(text) <= 70 else text[:67] + "…"


def param_label(key: str, params: dict | None, language: str) -> str:
    """« L'adhésion (application) » for economics.components.app.uptake.value; the dotted key when no label is known."""
    from policy_kit.memo.i18n import translator
    from policy_kit.memo.labels import capitalise, parameter_label

    parts = key.split(".")
    bound = parts.pop() if parts[-1] in ("value", "low", "high") else None
    if bound in ("low", "high"):
        return key  # a range bound: the key says which
    components = {name: text_in((c or {}).get("label_fr"), language) or name
                  for name, c in (((params or {}).get("economics") or {}).get("components") or {}).items()}
    name = None
    if parts[:1] == ["economics"] and len(parts) >= 2:
        rest = parts[1:]
        if rest[0] == "transitions" and len(rest) == 2:
            name = f"transition.{rest[1]}"
        elif rest[0] == "allowances" and len(rest) == 2:
            name = f"allowance.{rest[1]}"
        elif rest[0] == "components" and len(rest) == 3:
            name = f"component.{rest[1]}.{rest[2]}"
        else:
            name = ".".join(rest)
    elif parts == ["plan", "budget_cap"]:
        name = "budget_cap"
    if name is None:
        return key
    label = parameter_label(name, translator(language), components=components, fallback="")
    return capitalise(label) if label else key


def show_value(value: Any, language: str) -> str:
    """A params value as the locale writes it: 7 000 000, 0,05 in French."""
    from policy_kit import formatting as fmt

    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        text = f"{float(value):.6f}".rstrip("0")
        decimals = len(text.split(".")[1]) if "." in text else 0
        return fmt.number(value, decimals, language)
    return show_param(value)


def synthetic(run: RunFolder) -> bool:
    return bool(run.value("evidence.survey.synthetic"))


def show_result(value: Any, unit: str, language: str) -> str:
    from policy_kit.memo.bind import format_value

    return format_value(value, unit, language, exact=True) if value is not None else "—"


def show_delta(change: ResultChange, language: str) -> tuple[str, str]:
    """(absolute change, relative change) as text; '=' when it did not move."""
    from policy_kit import formatting as fmt

    if not _moved(change.a, change.b):
        return "=", ""
    delta = change.delta
    if delta is None:
        return "changed", ""
    sign = "+" if delta > 0 else "−"
    if change.unit in ("share", "probability"):
        absolute = f"{sign}{fmt.number(abs(delta) * 100, 1, language)} pt"
    else:
        absolute = sign + show_result(abs(delta), change.unit, language)
    relative = change.relative
    return absolute, "" if relative is None else f"{'+' if relative > 0 else '−'}{fmt.percent(abs(relative), 1, language)}"


# ---------------------------------------------------------------------------------------------- Word
# English message ids; the memo catalogues (policy_kit/memo/locales) translate them.
MESSAGES = {
    "title": "Comparison of two runs", "params": "Parameters changed", "results": "Headline results",
    "inputs": "Other inputs changed", "key": "Parameter", "result": "Result", "delta": "Change",
    "relative": "Relative change", "none": "No parameter differs.", "same": "No headline result moved.",
    "more": "… and {n} more: see the output of policy-kit compare.", "other": "{n} other numeric result(s) moved (results.json).",
    "missing": "params.yaml is missing from a run (made before runs kept it): rerun it.",
    "to": "Research department", "classification": "Internal use", "provenance": "Provenance",
}


def language_of(comparison: Comparison) -> str:
    meta = (comparison.b.params or {}).get("meta") or {}
    from policy_kit.memo.i18n import LANGUAGES

    return meta.get("language") if meta.get("language") in LANGUAGES else "fr"


def write_docx(comparison: Comparison, out: str | Path, *, today: dt.date | None = None) -> Path:
    """A one-page Word document of the comparison, on the memo's house template."""
    import pandas as pd

    from policy_kit import formatting as fmt
    from policy_kit.memo.content import DocumentProperties, Header, MemoContent, Paragraph, Section, Table
    from policy_kit.memo.render import render

    from policy_kit.memo.i18n import translator

    lang = language_of(comparison)
    _ = translator(lang)
    text = {key: _(message) for key, message in MESSAGES.items()}
    a, b = comparison.a.name, comparison.b.name
    if a == b:
        a, b = str(comparison.a.path), str(comparison.b.path)
    sections = []

    blocks: list = []
    if comparison.a.params is None or comparison.b.params is None:
        blocks.append(Paragraph(text["missing"]))
    elif not comparison.params:
        blocks.append(Paragraph(text["none"]))
    else:
        params = comparison.b.params or comparison.a.params
        rows = [{text["key"]: param_label(c.key, params, lang), a: show_value(c.a, lang), b: show_value(c.b, lang)}
                for c in comparison.params[:MAX_DOC_ROWS]]
        blocks.append(Table(pd.DataFrame(rows), caption=text["params"], key="params",
                            note=text["more"].format(n=len(comparison.params) - MAX_DOC_ROWS) if len(comparison.params) > MAX_DOC_ROWS else None))
    sections.append(Section(text["params"], blocks=blocks))

    # the same rows as the terminal: every headline result, moved or not (« = »)
    moved = comparison.results
    blocks = []
    if not comparison.moved:
        blocks.append(Paragraph(text["same"]))
    if moved:
        rows = []
        for change in moved[:MAX_DOC_ROWS]:
            absolute, relative = show_delta(change, lang)
            rows.append({text["result"]: change.key, a: show_result(change.a, change.unit, lang),
                         b: show_result(change.b, change.unit, lang), text["delta"]: absolute, text["relative"]: relative})
        blocks.append(Table(pd.DataFrame(rows), caption=text["results"], key="results",
                            note=text["more"].format(n=len(moved) - MAX_DOC_ROWS) if len(moved) > MAX_DOC_ROWS else None))
    if comparison.other_moved:
        blocks.append(Paragraph(text["other"].format(n=comparison.other_moved)))
    sections.append(Section(text["results"], blocks=blocks))

    if comparison.inputs:
        sections.append(Section(text["inputs"], blocks=[Paragraph("; ".join(comparison.inputs[:8]))], provenance=True))
    ids = [f"{r.name}: run {r.manifest.get('run_id', '?')}, commit {str(r.manifest.get('git_commit', '?'))[:12]}" for r in (comparison.a, comparison.b)]
    sections.append(Section(text["provenance"], blocks=[Paragraph("; ".join(ids))], provenance=True))

    from policy_kit.memo.i18n import demo_banner

    meta = (comparison.b.params or {}).get("meta") or {}
    sender = (text_in(meta.get("author"), lang)
              or text_in(((comparison.a.params or {}).get("meta") or {}).get("author"), lang) or "policy-kit compare")
    header = Header(to=text["to"], from_=sender, date=fmt.date(today or dt.date.today(), lang),
                    subject=f"{a} → {b}", classification=text_in(meta.get("classification"), lang) or text["classification"])
    banner = demo_banner(lang) if synthetic(comparison.a) or synthetic(comparison.b) else None
    content = MemoContent(language=lang, header=header, sections=sections, title=text["title"],
                          organisation=text_in(meta.get("organisation"), lang), banner=banner,
                          properties=DocumentProperties(title=f"{text['title']}: {a} → {b}", author=sender))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return render(content, out)
