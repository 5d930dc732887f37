"""Every parameter of a params file: its type, unit, default, value, range and source, from the schema.

Rows come from walking the pydantic models of `policy_kit.params.schema.Params` alongside a validated
file, so mappings the file fills in (transitions, components, plan options) are listed key by key.
Paths are the dotted keys that `policy-kit sweep --set` takes.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from policy_kit.params.sourced import Sourced

REQUIRED = "required"


@dataclass
class Row:
    parameter: str
    type: str
    unit: str = ""
    default: str = ""
    value: str = ""
    low: str = ""
    high: str = ""
    source: str = ""
    vintage: str = ""
    quality: str = ""
    description: str = ""
    # the numbers behind value, low, high and default, for a spreadsheet (None: not a number)
    value_number: float | None = field(default=None, repr=False)
    low_number: float | None = field(default=None, repr=False)
    high_number: float | None = field(default=None, repr=False)
    default_number: float | None = field(default=None, repr=False)

    @property
    def range(self) -> str:
        return f"{self.low} – {self.high}" if self.low or self.high else ""

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in COLUMNS}


COLUMNS = [f.name for f in fields(Row) if not f.name.endswith("_number")]
NUMERIC = ("value", "low", "high", "default")  # columns a spreadsheet receives as numbers when they are


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def type_name(annotation: Any) -> str:
    annotation, optional = _strip_optional(annotation)
    origin = get_origin(annotation)
    if origin is Literal:
        name = "one of " + " | ".join(str(a) for a in get_args(annotation))
    elif origin in (list, tuple):
        name = f"list of {type_name(get_args(annotation)[0])}" if get_args(annotation) else "list"
    elif origin is dict:
        name = f"mapping of {type_name(get_args(annotation)[-1])}" if get_args(annotation) else "mapping"
    elif annotation is dt.date:
        name = "date (YYYY-MM-DD)"
    elif isinstance(annotation, type):
        name = annotation.__name__
    else:
        name = str(annotation)
    return name + (" or empty" if optional else "")


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 or not value.is_integer() else f"{value:,.0f}".replace(",", " ")
    if isinstance(value, (list, tuple)):
        text = ", ".join(_show(v) for v in value)
        return f"[{text}]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _default(field) -> str:
    if field is None:
        return ""
    if field.default is PydanticUndefined and field.default_factory is None:
        return REQUIRED
    if field.default_factory is not None:
        try:
            value = field.default_factory()
        except TypeError:
            return ""
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return ""  # a section with defaults: its leaves show them
    return _show(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _sourced_row(path: str, field, value: Sourced | None) -> Row:
    description = (field.description or "") if field is not None else ""
    if value is None:
        return Row(path, "sourced number", default=_default(field), value="—", description=description)
    return Row(
        path,
        f"sourced number ({value.kind})",
        unit=value.unit,
        default=_default(field),
        value=_show(value.value),
        low=_show(value.low) if value.low is not None else "",
        high=_show(value.high) if value.high is not None else "",
        source=value.source or "",
        vintage=value.vintage or "",
        quality=value.quality,
        description=description or (value.note or ""),
        value_number=_number(value.value),
        low_number=_number(value.low),
        high_number=_number(value.high),
    )


def _walk(annotation: Any, field, value: Any, path: str, rows: list[Row]) -> None:
    inner, _ = _strip_optional(annotation)
    origin = get_origin(inner)
    if inner is Sourced or isinstance(value, Sourced):
        rows.append(_sourced_row(path, field, value))
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        if value is None:
            rows.append(Row(path, type_name(annotation), default=_default(field), value="—", description=(field.description or "") if field else ""))
        else:
            walk_model(type(value), value, path + ".", rows)
    elif origin is dict and isinstance(value, dict) and _holds_models(get_args(inner)[-1], value):
        for key, item in value.items():
            _walk(get_args(inner)[-1], None, item, f"{path}.{key}", rows)
    elif origin is dict and isinstance(value, dict) and value and all(not isinstance(v, (dict, list)) for v in value.values()):
        for key, item in value.items():
            rows.append(Row(f"{path}.{key}", type_name(get_args(inner)[-1]), value=_show(item)))
    elif origin in (list, tuple) and isinstance(value, list) and value and isinstance(value[0], BaseModel):
        for i, item in enumerate(value):
            _walk(get_args(inner)[0], None, item, f"{path}.{i}", rows)
    else:
        rows.append(Row(path, type_name(annotation), default=_default(field), value=_show(value),
                        description=(field.description or "") if field is not None else "", value_number=_number(value)))


def _holds_models(annotation: Any, value: dict) -> bool:
    inner, _ = _strip_optional(annotation)
    return (isinstance(inner, type) and issubclass(inner, BaseModel)) or any(isinstance(v, BaseModel) for v in value.values())


def walk_model(model: type[BaseModel], instance: BaseModel, prefix: str, rows: list[Row]) -> None:
    for name, field in model.model_fields.items():
        _walk(field.annotation, field, getattr(instance, name), f"{prefix}{name}", rows)


def describe(params, defaults=None) -> list[Row]:
    """One row per parameter of a validated Params, in file order.

    `defaults`: the default scenario's Params; its value of each key fills the default column (the schema's
    own default where that scenario lacks the key), which is what a new scenario starts from.
    """
    rows: list[Row] = []
    walk_model(type(params), params, "", rows)
    if defaults is not None:
        base = {r.parameter: r for r in describe(defaults)}
        for row in rows:
            if row.parameter in base:
                row.default, row.default_number = base[row.parameter].value, base[row.parameter].value_number
    return rows


def to_csv(rows: list[Row], *, excel: bool = False) -> str:
    """Every column as CSV. `excel`: what Excel in Belgium opens as numbers (`;` between fields, decimal
    comma, no thousands separator, a byte-order mark so it reads UTF-8)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n" if excel else "\n", delimiter=";" if excel else ",")
    writer.writeheader()
    for row in rows:
        cells = row.as_dict()
        if excel:
            for name in NUMERIC:
                number = getattr(row, f"{name}_number")
                if number is not None:
                    cells[name] = _decimal_comma(number)
        writer.writerow(cells)
    return ("\ufeff" if excel else "") + buffer.getvalue()


def _decimal_comma(number: float) -> str:
    """1500000.0 → "1500000", 0.0125 → "0,0125", 1e-05 → "0,00001": digits Excel reads in a Belgian locale."""
    text = repr(number) if isinstance(number, float) else str(number)
    if "e" in text:
        text = f"{number:.15f}".rstrip("0")
    return text.removesuffix(".0").rstrip(".").replace(".", ",")


def to_xlsx(rows: list[Row], path) -> None:
    """Every column in an Excel workbook, numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "parameters"
    sheet.append(COLUMNS)
    for row in rows:
        cells = row.as_dict()
        sheet.append([getattr(row, f"{c}_number") if c in NUMERIC and getattr(row, f"{c}_number") is not None else cells[c]
                      for c in COLUMNS])
    sheet.freeze_panes = "B2"
    for letter, width in zip("ABCDEFGHIJK", (48, 24, 12, 14, 14, 12, 12, 40, 12, 12, 40)):
        sheet.column_dimensions[letter].width = width
    book.save(path)


def to_markdown(rows: list[Row]) -> str:
    header = ["parameter", "type", "unit", "default", "value", "range", "source", "vintage", "quality"]

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        values = [row.parameter, row.type, row.unit, row.default, row.value, row.range, row.source, row.vintage, row.quality]
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(lines) + "\n"
