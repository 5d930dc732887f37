"""Evidence stage: read and weight the survey, estimate prevalences and risk factors, summarise the pilots.

Pure functions: they take frames and parameters and return frames, dataclasses or figures.
Charts live in policy_kit.evidence.charts (imported on demand, it loads matplotlib).
"""

import importlib
import sys
import types

# Loaded on first use: validating params reads the survey schema, which must not pull in statsmodels
# and scipy (a second and more) for a run whose steps all come from the cache.
_EXPORTS = {
    "commentary": ("comment_funnels", "comment_odds_ratios", "comment_pooled", "comment_prevalence", "comment_subgroups", "interval"),
    "io": ("SurveyData", "read_survey"),
    "pilots": ("caveat_fr", "dz_confint", "funnels", "prepost", "read_pilot_activity", "read_prepost"),
    "pooling": ("PooledEffect", "pool_effects"),
    "prevalence": ("DEFAULT_CUTOFFS", "INDICATORS", "BatCutoffs", "add_indicators", "classify_risk", "prevalence", "subgroup_prevalence", "suppress", "weighted_proportion"),
    "risk_factors": ("FACTORS", "odds_ratios"),
    "schema": ("SURVEY_COLUMNS", "schema_table"),
    "weighting": ("MarginError", "design_effect", "effective_n", "rake", "weighted_margins"),
    "synthetic": ("generate_prepost", "generate_survey", "write_synthetic"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        # Importing a submodule binds it on the package; `prevalence` names both a submodule and the function
        # it exports, and the package attribute stays the function, as when everything was imported eagerly.
        if isinstance(value, types.ModuleType) and _MODULE_OF.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "BatCutoffs", "DEFAULT_CUTOFFS", "FACTORS", "INDICATORS", "MarginError", "PooledEffect", "SURVEY_COLUMNS",
    "SurveyData", "add_indicators", "caveat_fr", "classify_risk", "comment_funnels", "comment_odds_ratios",
    "comment_pooled", "comment_prevalence", "comment_subgroups", "design_effect", "dz_confint", "effective_n",
    "funnels", "generate_prepost", "generate_survey", "interval", "odds_ratios", "pool_effects", "prepost",
    "prevalence", "rake", "read_pilot_activity", "read_prepost", "read_survey", "schema_table",
    "subgroup_prevalence", "suppress", "weighted_margins", "weighted_proportion", "write_synthetic",
]
