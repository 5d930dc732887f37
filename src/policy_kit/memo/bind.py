"""Bind `{placeholders}` in params text to recorded results, formatted for the memo's language.

A placeholder is the key of a recorded result (`{plan.recommended.roi}`); an unknown one fails the run
naming it. How a value is written follows its recorded unit, in one place, so the memo text, its tables
and the checker agree on every figure.
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable

from policy_kit import formatting as fmt
from policy_kit.errors import Problem, UserError
from policy_kit.records import Results


class PlaceholderError(UserError):
    """Text in params names a result this run did not record."""


def format_value(value: Any, unit: str, language: str = "fr", *, exact: bool = False) -> str:
    """Write a recorded value by its unit. Text rounds to two significant figures unless `exact`."""
    if value is None:
        return fmt.MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    sig = (lambda x: x) if exact else (lambda x: fmt.round_sig(x, 2))
    if unit == "EUR":
        return fmt.money(sig(value), language=language)
    if unit == "EUR/day":
        return fmt.money(value, 2, language=language, scale="unit")
    if unit in ("share", "probability"):
        return fmt.percent(value, 1 if exact or abs(value) < 0.1 else 0, language)
    if unit == "ratio":
        return fmt.number(value, 1, language)
    if unit == "year":
        return str(int(value))
    if unit in ("count", "persons", "cases"):
        return fmt.number(sig(value) if abs(value) >= 100 else round(value), 0, language)
    if isinstance(value, int):
        return fmt.number(value, 0, language)
    return fmt.number(value, 2 if abs(value) < 10 else 0, language)


def format_result(results: Results, key: str, language: str = "fr", *, exact: bool = False) -> str:
    entry = results.entry(key)
    return format_value(entry.get("value"), entry.get("unit", ""), language, exact=exact)


def placeholders(text: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(text) if field]


def bind(text: str, results: Results, language: str = "fr", *, where: str = "memo text",
         formatter: Callable[[Results, str, str], str] = format_result) -> str:
    """Replace every `{key}` by its formatted recorded result; unknown keys are all named at once.

    ``formatter(results, key, language)`` writes each value (the memo passes its one rounding rule)."""
    try:
        fields = placeholders(text)
    except ValueError as exc:
        raise PlaceholderError(f"{where}: malformed placeholder", [Problem(where, str(exc), found=text)]) from None
    unknown = [f for f in fields if f not in results]
    if unknown:
        raise PlaceholderError(
            f"{where}: unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)}",
            [Problem(where, f"no recorded result '{u}'", hint=_closest(u, results)) for u in unknown],
        )
    return re.sub(r"\{([^{}]+)\}", lambda m: formatter(results, m.group(1), language), text)


def _closest(key: str, results: Results) -> str | None:
    import difflib

    close = difflib.get_close_matches(key, results.keys(), n=1, cutoff=0.6)
    return f"did you mean '{{{close[0]}}}'?" if close else None
