"""The memo's catalogues: see ``policy_kit.i18n``, which the charts of every stage share."""

from __future__ import annotations

from policy_kit.i18n import DOMAIN, LANGUAGES, catalogue_path, messages, translator  # noqa: F401 - re-exported


def demo_banner(language: str) -> str:
    """The standard warning shown on page 1 when the run used synthetic data."""
    return translator(language)("Demonstration data: synthetic figures, not to be quoted")
