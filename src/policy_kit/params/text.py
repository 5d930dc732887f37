"""Words that params give: one text for a one-language scenario, or one per language.

    title: "Plan fédéral …"                           # any language; printed as written
    title: {fr: "Plan fédéral …", nl: "Federaal plan …", en: "Federal plan …"}

A per-language text is resolved to the run's language (``meta.language``) while the params load,
so every later stage sees plain strings (``Params.model_validate`` takes the language from the data's
``meta.language``). A run in a language that a text lacks is refused there, naming the key and the language.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo

from policy_kit.formatting import LOCALES
from policy_kit.params.located import At, KeyProblems

LANGUAGES = tuple(LOCALES)
LANGUAGE_KEY = "language"  # in the validation context, set by the loader from meta.language


def context_language(data: Any) -> str | None:
    """The run's language as the raw params give it; None when meta.language is not a known language."""
    meta = data.get("meta") if isinstance(data, dict) else None
    language = meta.get("language", "fr") if isinstance(meta, dict) else "fr"
    return language if language in LANGUAGES else None


def _pick(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, dict):
        return value
    given = ", ".join(map(str, value)) or "none"
    unknown = [k for k in value if k not in LANGUAGES]
    if unknown or not value:
        raise KeyProblems([At((), f"language code(s) {unknown} not known" if unknown else "no text given",
                              f"a text, or texts keyed by {', '.join(LANGUAGES)}", given)])
    context = info.context or {}
    language = context.get(LANGUAGE_KEY)
    if language is None:
        # a part of the params built on its own (no run language), or meta.language itself is wrong (reported there)
        return next(iter(value.values()))
    if language not in value:
        raise KeyProblems([At((), f"no text in '{language}', the run's language (meta.language)",
                              f"a '{language}:' entry next to the others", f"texts in {given}")])
    return value[language]


def text_in(value: Any, language: str) -> str | None:
    """A params text read outside validation (a raw params file): its words in ``language``, else the first given."""
    if isinstance(value, dict):
        return value.get(language) or next(iter(value.values()), None)
    return value


# A text of the params in the run's language (a plain string, or {fr: …, nl: …, en: …}).
LocalText = Annotated[str, BeforeValidator(_pick)]
