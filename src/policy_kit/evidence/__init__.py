"""Evidence stage: read and weight the survey, estimate prevalences and risk factors, summarise the pilots.

Pure functions: they take frames and parameters and return frames, dataclasses or figures.
Charts live in policy_kit.evidence.charts (imported on demand, it loads matplotlib).
"""

from .commentary import (
    comment_funnels,
    comment_odds_ratios,
    comment_pooled,
    comment_prevalence,
    comment_subgroups,
    interval,
)
from .io import SurveyData, read_survey
from .pilots import caveat_fr, dz_confint, funnels, prepost, read_pilot_activity, read_prepost
from .pooling import PooledEffect, pool_effects
from .prevalence import (
    DEFAULT_CUTOFFS,
    INDICATORS,
    BatCutoffs,
    add_indicators,
    classify_risk,
    prevalence,
    subgroup_prevalence,
    suppress,
    weighted_proportion,
)
from .risk_factors import FACTORS, odds_ratios
from .schema import SURVEY_COLUMNS, schema_table
from .weighting import MarginError, design_effect, effective_n, rake, weighted_margins

_SYNTHETIC = ("generate_prepost", "generate_survey", "write_synthetic")


def __getattr__(name: str):
    # imported on first use, so `python -m policy_kit.evidence.synthetic` runs without a double import
    if name in _SYNTHETIC:
        from . import synthetic

        return getattr(synthetic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BatCutoffs", "DEFAULT_CUTOFFS", "FACTORS", "INDICATORS", "MarginError", "PooledEffect", "SURVEY_COLUMNS",
    "SurveyData", "add_indicators", "caveat_fr", "classify_risk", "comment_funnels", "comment_odds_ratios",
    "comment_pooled", "comment_prevalence", "comment_subgroups", "design_effect", "dz_confint", "effective_n",
    "funnels", "generate_prepost", "generate_survey", "interval", "odds_ratios", "pool_effects", "prepost",
    "prevalence", "rake", "read_pilot_activity", "read_prepost", "read_survey", "schema_table",
    "subgroup_prevalence", "suppress", "weighted_margins", "weighted_proportion", "write_synthetic",
]
