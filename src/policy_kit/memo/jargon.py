"""Technical terms the memo does without and the annex defines once.

The memo speaks to a bureau and a cabinet: each term below has plain words in the memo's
catalogue. The annex may use a term, but only once its glossary (table ``tab:glossary``) defines
it. Params add terms with ``memo.jargon`` (term → definition, in the memo's language); the checker
enforces both rules (see ``checker.check_jargon``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

from policy_kit.memo.labels import N_


@dataclass(frozen=True)
class Term:
    words: Mapping[str, str]  # language → regular expression of the term (case ignored)
    shown: Mapping[str, str]  # language → the term as the glossary writes it
    definition: str  # catalogue message


TERMS: tuple[Term, ...] = (
    Term({"fr": r"rapports? de cotes", "nl": r"odds ?ratio'?s?", "en": r"odds ratios?"},
         {"fr": "rapport de cotes", "nl": "odds ratio", "en": "odds ratio"},
         N_("How much more often a group is at risk than the others, all other factors held equal; 2 means twice the odds.")),
    Term({"fr": r"tirages?", "nl": r"trekkingen|trekking", "en": r"draws?"},
         {"fr": "tirage", "nl": "trekking", "en": "draw"},
         N_("One run of the model with every uncertain parameter drawn at random within its range; the probabilistic "
            "analysis repeats it thousands of times.")),
    Term({"fr": r"bornes? (?:haute|basse)s?", "nl": r"(?:boven|onder)grens", "en": r"(?:upper|lower) bound"},
         {"fr": "borne haute", "nl": "bovengrens", "en": "upper bound"},
         N_("The highest (or lowest) value an estimate can plausibly take.")),
    Term({"fr": r"valeur actuelle nette|(?-i:\bVAN\b)", "nl": r"netto contante waarde|(?-i:\bNCW\b)", "en": r"net present value|(?-i:\bNPV\b)"},
         {"fr": "valeur actuelle nette", "nl": "netto contante waarde", "en": "net present value"},
         N_("Benefits minus costs over the whole horizon, each year's euros converted into today's euros.")),
    Term({"fr": r"en régime", "nl": r"op kruissnelheid", "en": r"at full scale"},
         {"fr": "en régime", "nl": "op kruissnelheid", "en": "at full scale"},
         N_("Once every component has reached the coverage planned for it.")),
    Term({"fr": r"atténuation", "nl": r"uitdoving", "en": r"fading"},
         {"fr": "atténuation", "nl": "uitdoving", "en": "fading"},
         N_("The share of a prevention effect lost each year after the support ends.")),
    Term({"fr": r"adhésion", "nl": r"aansluitingsgraad", "en": r"uptake"},
         {"fr": "adhésion", "nl": "aansluitingsgraad", "en": "uptake"},
         N_("The share of the insured self-employed who use a component.")),
    Term({"fr": r"tailles? d[’']effet|effet standardisé", "nl": r"effectgrootte", "en": r"effect size"},
         {"fr": "taille d’effet", "nl": "effectgrootte", "en": "effect size"},
         N_("A change expressed in standard deviations of the score, so that different scales can be compared.")),
    Term({"fr": r"intervalles? de confiance", "nl": r"betrouwbaarheidsinterval", "en": r"confidence interval"},
         {"fr": "intervalle de confiance", "nl": "betrouwbaarheidsinterval", "en": "confidence interval"},
         N_("The range within which the true value lies with 95 % probability, given the sample.")),
    Term({"fr": r"calage", "nl": r"raking", "en": r"raking"},
         {"fr": "calage", "nl": "raking", "en": "raking"},
         N_("Weighting of the answers so that the sample matches the INASTI population by gender, region, activity and sector.")),
    Term({"fr": r"actualis(?:é|ée|és|ées|ation)", "nl": r"verdisconte(?:erd|ring)", "en": r"discount(?:ed|ing)"},
         {"fr": "actualisation", "nl": "verdiscontering", "en": "discounting"},
         N_("Conversion of future euros into today's euros at the rate the Belgian guidelines set.")),
    Term({"fr": r"valeurs? de basculement", "nl": r"omslagwaarde", "en": r"switching values?"},
         {"fr": "valeur de basculement", "nl": "omslagwaarde", "en": "switching value"},
         N_("The value of a parameter at which another option would become the recommended one.")),
    Term({"fr": r"modèle de cohorte", "nl": r"cohortmodel", "en": r"cohort model"},
         {"fr": "modèle de cohorte", "nl": "cohortmodel", "en": "cohort model"},
         N_("A model that follows the insured self-employed year by year between health states.")),
)


def glossary(language: str, _: Callable[[str], str], extra: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(term, definition) in the memo's language, the package's terms then those params add."""
    rows = [(t.shown[language], _(t.definition)) for t in TERMS]
    rows += [(term, definition) for term, definition in (extra or {}).items() if definition]
    return rows


def patterns(language: str, extra: Mapping[str, str] | None = None) -> list[tuple[str, re.Pattern]]:
    """(term as the glossary writes it, pattern) for every term, in the memo's language."""
    found = [(t.shown[language], re.compile(rf"(?<!\w)(?:{t.words[language]})(?!\w)", re.IGNORECASE)) for t in TERMS]
    found += [(term, re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)) for term in (extra or {})]
    return found


def messages() -> list[str]:
    return [t.definition for t in TERMS]
