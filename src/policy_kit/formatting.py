"""Locale-aware numbers, money, percentages and dates for every text that leaves a run.

All formatting goes through Babel (CLDR data), so fr-BE gets a decimal comma, a narrow
no-break space between thousands and a no-break space before « % » and « € ».
"""

from __future__ import annotations

import datetime as dt
import math
import re

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"  # a negative number takes the minus sign, not the hyphen
RSQUO = "\u2019"
MISSING = "–"


def locale_for(language: str) -> str:
    try:
        return LOCALES[language]
    except KeyError:
        raise ValueError(f"unsupported language {language!r}; expected one of {sorted(LOCALES)}") from None


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def round_sig(x: float, sig: int = 2) -> float:
    """Round to `sig` significant figures (text rounds for the reader; the annex keeps exact values)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, sig - 1 - int(math.floor(math.log10(abs(x)))))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def number(x: float | None, decimals: int = 0, language: str = "fr") -> str:
    """1 234,5 in fr-BE; 1.234,5 in nl-BE; 1,234.5 in en-GB."""
    if _missing(x):
        return MISSING
    return _minus(format_decimal(x, format=_pattern(decimals), locale=locale_for(language)))


def _minus(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def percent(share: float | None, decimals: int = 0, language: str = "fr") -> str:
    """A share (0.123) as a percentage in the locale's own pattern: « 12 % » (fr-BE), « 12% » (nl-BE, en-GB)."""
    if _missing(share):
        return MISSING
    locale = locale_for(language)
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", _pattern(decimals), 1)
    # fr-BE: no-break space before « % », whichever space the CLDR pattern carries
    text = format_percent(share, format=pattern, locale=locale).replace(" %", NBSP + "%").replace(NNBSP + "%", NBSP + "%")
    return _minus(text)


def points(pp: float | None, decimals: int = 0, language: str = "fr") -> str:
    """Percentage points: « 4 points » (fr), « 4 procentpunt » (nl), « 4 points » (en)."""
    unit = {"fr": "points", "nl": "procentpunt", "en": "points"}[language]
    return f"{number(pp, decimals, language)}{NBSP}{unit}"


_MONEY_SCALES = (1e9, 1e6)
# French house style: « 4,2 M€ », « 1,3 Md€ » (CLDR's fr-BE writes « 4,2 M € »); amounts below a million as CLDR.
_FRENCH_UNITS = {1e9: "Md€", 1e6: "M€"}


def _affixes(pattern, value: float) -> tuple[str, str]:
    """A CLDR pattern's prefix and suffix for the sign of `value`, with « € » for « ¤ » and quotes unwrapped."""
    i = 1 if value < 0 else 0
    return tuple(a.replace("'", "").replace("¤", "€").replace("-", MINUS) for a in (pattern.prefix[i], pattern.suffix[i]))


def money(x: float | None, decimals: int | None = None, language: str = "fr", scale: str = "auto") -> str:
    """Euros as the locale writes them (CLDR via Babel): « 4,2 M€ » and « 61,77 € » (fr-BE, house style for
    millions), « € 4,2 mln. » and « € 61,77 » (nl-BE), « €4.2m » and « €61.77 » (en-GB).

    scale="auto" switches to millions from 1 M€ and to billions from 1 Md€; scale="unit" never scales;
    scale="million" always writes millions (one unit down a table column: « 0,42 M€ » under « 8,67 M€ »).
    """
    if _missing(x):
        return MISSING
    divisor = 1.0
    if scale == "million":
        divisor = 1e6
    elif scale == "auto":
        divisor = next((t for t in _MONEY_SCALES if abs(x) >= t), 1.0)
    value = x / divisor
    if decimals is None:
        # « 4,2 M€ » but « 12 M€ »; cents only for small amounts that have them (« 61,77 € »)
        fractional = round(value, 2) != round(value)
        decimals = (1 if divisor > 1 else 2) if abs(value) < 100 and fractional else 0
        if divisor > 1 and decimals and round(value, 1) == round(value):
            decimals = 0
    locale = Locale.parse(locale_for(language))
    body = number(abs(value), decimals, language)
    if divisor > 1 and language == "fr":
        return f"{MINUS if value < 0 else ''}{body}{NBSP}{_FRENCH_UNITS[divisor]}"
    if divisor > 1:
        pattern = locale.compact_currency_formats["short"]["other"][str(int(divisor))]
    else:
        pattern = locale.currency_formats["standard"]
    prefix, suffix = _affixes(pattern, value)
    return f"{prefix}{body}{suffix}"


def ratio(x: float | None, decimals: int = 1, language: str = "fr") -> str:
    """A return per euro: « 2,3 € par euro investi » is prose; this gives « 2,3 »."""
    return number(x, decimals, language)


def date(value: dt.date | str, language: str = "fr") -> str:
    """« 23 novembre 2026 » in fr-BE, « 23 november 2026 » in nl-BE, « 23 November 2026 » in en-GB."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return _babel_date(value, format="long", locale=locale_for(language))


def month_year(value: dt.date | str, language: str = "fr") -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return _babel_date(value, format="MMMM y", locale=locale_for(language))


_ABBREVIATION_STOP = re.compile(r"\b(mln\.|mld\.)\.(?!\.)")
_URL = re.compile(r"(https?://\S+)")
_SPACES = "[ \u00a0\u202f]*"
# « 650 000 » typed with plain spaces in params text; four-digit years stay apart (« 2025 2030 » is not a number)
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?![\d])")


def typography(text: str, language: str = "fr") -> str:
    """French typography: no-break space before « : » and inside guillemets, narrow one before ; ! ?,
    and between a number and « % » or « € »; the apostrophe ’ for ', the minus sign − for a hyphen
    that starts a number, narrow no-break spaces between thousands typed with plain spaces.
    In nl and en, only one full stop after « mln. ».

    URLs and clock times (12:30) are left alone: a mark is treated only when a space or the end follows it.
    """
    if language != "fr":
        # a sentence ending on an abbreviation takes one full stop (« € 4,5 mln. », not « mln.. »)
        return _ABBREVIATION_STOP.sub(r"\1", text)
    parts = _URL.split(text)
    for i in range(0, len(parts), 2):  # odd indices are URLs
        s = parts[i]
        s = s.replace("'", RSQUO)
        s = re.sub(r"(^|[\s(«\u00a0\u202f])-(?=\d)", "\\1" + MINUS, s)
        s = _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", NNBSP), s)
        s = re.sub("«" + _SPACES, "«" + NBSP, s)
        s = re.sub(_SPACES + "»", NBSP + "»", s)
        s = re.sub(r"(\S)" + _SPACES + r":(?=\s|$)", "\\1" + NBSP + ":", s)
        s = re.sub(r"(\S)" + _SPACES + r"([;!?])(?=\s|$|[»)])", "\\1" + NNBSP + "\\2", s)
        s = re.sub(r"(\d) (%|€|M€|Md€)", "\\1" + NBSP + "\\2", s)  # « 95 % » typed in a sentence
        parts[i] = s
    return "".join(parts)


def language_name(language: str) -> str:
    return Locale.parse(locale_for(language)).get_display_name(locale_for(language))
