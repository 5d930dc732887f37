"""Words in the run's language, for the memo and the charts of every stage alike.

The catalogues are ``memo/locales/<language>/LC_MESSAGES/memo.po`` (English message ids, one
file per language); they are compiled to .mo in memory with Babel at first use, so a translator edits
one text file and nothing else. Code never branches on the language: it asks
``_ = translator(language)`` and calls ``_("To")``. Messages are marked with ``N_`` where they are
defined and translated where they are used.

Codes that recorded tables carry (``homme``, ``icarius``), the states of the cohort model and the
names of its parameters get their words here too, so a chart and the annex say the same thing.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources
from typing import Callable, Mapping

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from policy_kit.formatting import LOCALES, MISSING

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; translated where it is used."""
    return message


DOMAIN = "memo"
LANGUAGES = tuple(LOCALES)


def catalogue_path(language: str):
    return resources.files("policy_kit").joinpath("memo", "locales", language, "LC_MESSAGES", f"{DOMAIN}.po")


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



# --------------------------------------------------------------------------- codes in cells and charts

# In reading order: subgroup rows are sorted by it.
CODES: dict[str, str] = {
    # survey breakdowns
    "gender": N_("Gender"), "region": N_("Region"), "activity": N_("Activity"), "sector": N_("Sector"),
    "hours_band": N_("Working hours a week"),
    "homme": N_("Men"), "femme": N_("Women"),
    "flandre": N_("Flanders"), "wallonie": N_("Wallonia"), "bruxelles": N_("Brussels"),
    "main": N_("Self-employed as main occupation"), "complementary": N_("Self-employed as side occupation"),
    "after_pension": N_("Self-employed after retirement"),
    "profession_liberale": N_("Liberal professions"), "commerce": N_("Trade"), "industrie": N_("Industry and crafts"),
    "autre": N_("Other sectors"),
    "moins de 40 h": N_("under 40 h"), "40 à 49 h": N_("40 to 49 h"), "50 à 69 h": N_("50 to 69 h"),
    "70 h et plus": N_("70 h or more"),
    "moins_30": N_("under 30"), "30_39": N_("30 to 39"), "40_49": N_("40 to 49"), "50_59": N_("50 to 59"),
    "60_plus": N_("60 or over"),
    # indicators and risk factors
    "burnout_risk": N_("Burn-out risk"), "stress_high": N_("High stress"), "sleep_poor": N_("Poor sleep"),
    "isolation_high": N_("Isolation"), "conflict_high": N_("Work–family conflict"),
    "long_hours": N_("Long working weeks"), "resources_low": N_("Few resources (autonomy, support)"),
    # pilots and their components
    "icarius": N_("Icarius (UCM)"), "liantis": N_("Liantis"), "acerta": N_("Acerta"),
    "programme": N_("Programme"), "survey": N_("Survey"), "website_newsletter": N_("Website and newsletter"),
    "linkedin": N_("LinkedIn"), "events": N_("Events"), "app": N_("Prevention app"),
    "accompaniment": N_("Accompaniment"), "information": N_("Information and events"),
    # what a pilot figure counts
    "reached": N_("people reached"), "participants": N_("participants"), "completed": N_("completed"),
    "sessions": N_("sessions"), "satisfaction": N_("satisfaction"),
    # status and quality of a figure
    "published": N_("published"), "synthetic": N_("synthetic"), "assumption": N_("assumption"),
    "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
    # incremental analysis
    "ND": N_("not dominated"), "ED": N_("extended dominance"), "D": N_("dominated"),
    # parameter kinds
    "probability": N_("probability"), "share": N_("share"), "cost": N_("cost"), "duration": N_("duration"),
    "count": N_("count"), "ratio": N_("ratio"), "effect": N_("effect"), "rate": N_("rate"), "other": N_("other"),
    # what would change the decision
    "above": N_("above"), "below": N_("below"),
    "status_quo": N_("Status quo"),
    "no_programme": N_("No programme"),
}


def _missing(value) -> bool:
    try:
        return value is None or bool(value != value)  # None or NaN
    except TypeError:  # pandas' NA has no truth value
        return True


def code(value, _: Translate, extra: Mapping[str, str] | None = None) -> str:
    """A code as a reader says it: option codes through ``extra`` (labels from params), others through CODES."""
    if _missing(value):
        return MISSING
    text = str(value)
    if extra and text in extra:
        return extra[text]
    return _(CODES[text]) if text in CODES else text


# --------------------------------------------------------------------------- model parameters

STATES: dict[str, str] = {
    "well": N_("in good health"),
    "at_risk": N_("at risk of burn-out"),
    "incapacity": N_("primary incapacity (first year)"),
    "invalidity": N_("invalidity (beyond one year)"),
    "back_at_work": N_("back at work"),
    "left": N_("left self-employment"),
}
PARAMETERS: dict[str, str] = {
    "population": N_("the insured population"),
    "population_dynamics.growth": N_("the yearly growth of the insured population"),
    "population_dynamics.invalidity_at_start": N_("the number of self-employed in mental invalidity at the start"),
    "incidence.all_causes": N_("the yearly incidence of primary incapacity (all causes)"),
    "incidence.mental_share": N_("the mental share of primary incapacities"),
    "risk_prevalence": N_("the prevalence of burn-out risk"),
    "allowance.daily_rate": N_("the daily allowance"),
    "allowance.paid_days_per_year": N_("the number of paid days a year"),
    "incapacity_duration_years": N_("the mean duration of primary incapacity"),
    "healthcare_cost_per_person_year": N_("the healthcare cost per year of incapacity"),
    "output_per_person_year": N_("the reference income per working year"),
    "closure_cost": N_("the cost of a business closure"),
    "wellbeing.value_per_wellby_gbp": N_("the value of a WELLBY"),
    "wellbeing.eur_per_gbp": N_("the euro/pound exchange rate"),
    "wellbeing.loss_at_risk": N_("the loss of life satisfaction at risk"),
    "wellbeing.loss_incapacity": N_("the loss of life satisfaction in incapacity"),
    "wellbeing.loss_invalidity": N_("the loss of life satisfaction in invalidity"),
    "optimism_bias": N_("the optimism-bias uplift"),
    "cost_indexation": N_("the yearly indexation of costs"),
    "benefit_indexation": N_("the yearly indexation of benefits"),
    "budget_cap": N_("the yearly budget cap"),
}
COMPONENT_PARAMETERS: dict[str, str] = {
    "uptake": N_("the uptake ({component})"),
    "fixed_cost_per_year": N_("the fixed yearly cost ({component})"),
    "cost_per_participant": N_("the cost per participant ({component})"),
    "effect_years": N_("the duration of the effect ({component})"),
    "decay": N_("the yearly fading of the effect ({component})"),
}
TRANSITION = N_("the yearly probability of moving from « {origin} » to « {target} »")
EFFECTS = {
    "rr": N_("the relative risk of « {origin} » → « {target} » ({component})"),
    "d": N_("the effect size on « {origin} » → « {target} » ({component})"),
}


def _transition(key: str) -> tuple[str, str] | None:
    origin, sep, target = key.partition("->")
    return (origin, target) if sep and origin in STATES and target in STATES else None


def capitalise(text: str) -> str:
    """First letter up, for a label that starts a table cell (« La durée … »)."""
    return text[:1].upper() + text[1:]


def parameter_label(name: str, _: Translate, *, components: Mapping[str, str] | None = None,
                    effect_types: Mapping[str, str] | None = None, fallback: str | None = None) -> str:
    """« the uptake (accompagnement pluridisciplinaire) » for ``component.accompaniment.uptake``.

    Component labels come from params (the user's words, untranslated); ``effect_types`` maps
    ``component.<name>.effect.<transition>`` to « rr » or « d ». Unknown names give ``fallback``.
    """
    components = components or {}
    if name in PARAMETERS:
        return _(PARAMETERS[name])
    parts = name.split(".")
    if parts[0] == "transition" and len(parts) == 2 and (states := _transition(parts[1])):
        return _(TRANSITION).format(origin=_(STATES[states[0]]), target=_(STATES[states[1]]))
    if parts[0] == "component" and len(parts) >= 3:
        label = components.get(parts[1], parts[1])
        if len(parts) == 3 and parts[2] in COMPONENT_PARAMETERS:
            return _(COMPONENT_PARAMETERS[parts[2]]).format(component=label)
        if len(parts) == 4 and parts[2] == "effect" and (states := _transition(parts[3])):
            message = EFFECTS.get((effect_types or {}).get(name, "d"), EFFECTS["d"])
            return _(message).format(origin=_(STATES[states[0]]), target=_(STATES[states[1]]), component=label)
    return fallback or name


