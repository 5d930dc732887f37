"""Fixed labels of the memo (À / De / Tableau / Page …) from gettext catalogues.

The .po files under ``locales/`` are the source of truth; they are compiled to .mo in memory with
Babel at first use, so a translator edits one text file and nothing else. Code never branches on
the language: it asks ``_ = translator(language)`` and calls ``_("To")``.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources
from typing import Callable

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ..formatting import LOCALES

DOMAIN = "memo"
LANGUAGES = tuple(LOCALES)


def catalogue_path(language: str):
    return resources.files(__package__).joinpath("locales", language, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def _translations(language: str) -> gettext.GNUTranslations:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {sorted(LANGUAGES)}")
    with catalogue_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=LOCALES[language])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(language: str) -> Callable[[str], str]:
    """``_ = translator("nl"); _("To") == "Aan"``. Unknown msgids come back unchanged."""
    return _translations(language).gettext


def messages(language: str) -> dict[str, str]:
    """msgid → translation for every entry of a catalogue (tests check that none is empty)."""
    with catalogue_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=LOCALES[language])
    return {m.id: m.string for m in catalog if m.id}


def demo_banner(language: str) -> str:
    """The standard warning shown on page 1 when the run used synthetic data."""
    return translator(language)("Demonstration data: synthetic figures, not to be quoted")
