"""Cost-benefit engine of the burn-out prevention plan: cohort model, discounting, results,
deterministic and probabilistic sensitivity analyses, charts.

Typical use (notebook 02)::

    from policy_kit import economics as eco
    model = eco.build_model(params.economics, risk_prevalence=evidence_prevalence)
    results = eco.evaluate(model)          # results.table(), results.streams(), results.incremental()
    tornado = eco.one_way(model)           # and eco.switching_values(model), eco.two_way(model)
    psa = eco.run_psa(model)               # psa.summary(), psa.ceac(), psa.evpi()
"""

import importlib
from typing import TYPE_CHECKING

# Loaded on first use: validating params imports this package for the discount schedule names, and
# the probabilistic analysis pulls in scipy (about a second), which a cached rerun never needs.
_EXPORTS = {
    "discounting": ("DiscountSchedule", "discount", "discount_factors", "discount_schedule_names", "load_discount_schedule"),
    "effects": ("combine_relative_risks", "d_to_log_odds_ratio", "effect_size_to_relative_risk", "effect_weights",
                "odds_ratio_to_relative_risk", "population_relative_risk"),
    "markov": ("STATES", "run_cohort", "run_cohort_draws"),
    "model": ("BENEFIT_CATEGORIES", "BENEFIT_LABELS_FR", "NO_PROGRAMME", "EconomicModel", "OptionSpec", "Parameter",
              "build_model", "present_values", "simulate"),
    "psa": ("PsaResult", "acceptability", "evpi", "run_psa", "sample_parameters"),
    "results": ("EconomicResults", "OptionResult", "evaluate", "incremental_analysis"),
    "sensitivity": ("one_way", "switching_values", "two_way"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        if name in _EXPORTS or name in ("charts", "stage"):
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


if TYPE_CHECKING:  # for type checkers and editors; at run time names load on first use
    from policy_kit.economics.discounting import (  # noqa: F401
        DiscountSchedule,
        discount,
        discount_factors,
        discount_schedule_names,
        load_discount_schedule,
    )
    from policy_kit.economics.effects import (  # noqa: F401
        combine_relative_risks,
        d_to_log_odds_ratio,
        effect_size_to_relative_risk,
        effect_weights,
        odds_ratio_to_relative_risk,
        population_relative_risk,
    )
    from policy_kit.economics.markov import STATES, run_cohort, run_cohort_draws  # noqa: F401
    from policy_kit.economics.model import (  # noqa: F401
        BENEFIT_CATEGORIES,
        BENEFIT_LABELS_FR,
        NO_PROGRAMME,
        EconomicModel,
        OptionSpec,
        Parameter,
        build_model,
        present_values,
        simulate,
    )
    from policy_kit.economics.psa import PsaResult, acceptability, evpi, run_psa, sample_parameters  # noqa: F401
    from policy_kit.economics.results import EconomicResults, OptionResult, evaluate, incremental_analysis  # noqa: F401
    from policy_kit.economics.sensitivity import one_way, switching_values, two_way  # noqa: F401


__all__ = [
    "BENEFIT_CATEGORIES",
    "BENEFIT_LABELS_FR",
    "STATES",
    "NO_PROGRAMME",
    "DiscountSchedule",
    "EconomicModel",
    "EconomicResults",
    "OptionResult",
    "OptionSpec",
    "Parameter",
    "PsaResult",
    "acceptability",
    "build_model",
    "combine_relative_risks",
    "d_to_log_odds_ratio",
    "discount",
    "discount_factors",
    "discount_schedule_names",
    "effect_size_to_relative_risk",
    "effect_weights",
    "evaluate",
    "evpi",
    "incremental_analysis",
    "load_discount_schedule",
    "odds_ratio_to_relative_risk",
    "one_way",
    "population_relative_risk",
    "present_values",
    "run_cohort",
    "run_cohort_draws",
    "run_psa",
    "sample_parameters",
    "simulate",
    "switching_values",
    "two_way",
]
