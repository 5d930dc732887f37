"""Parameters of the evidence stage (the `evidence:` section of the params file)."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .located import Collect
from .sourced import Sourced
from .text import LocalText

SHARE_TOLERANCE = 1e-6
MIN_CELL_FLOOR = 10  # no published cell rests on fewer respondents (usual floor of statistical offices)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BatCutoffsParams(_Strict):
    """BAT-12 total-score cut-offs. The defaults are assumptions until the SJWEH 2023 table is read."""

    at_risk: Sourced
    severe: Sourced

    @model_validator(mode="after")
    def _ordered(self) -> "BatCutoffsParams":
        found = Collect()
        for name in ("at_risk", "severe"):
            if not 1 <= getattr(self, name).value <= 5:
                found.add((name, "value"), f"cut-off {name} is off the BAT 1–5 scale", "a score from 1 to 5", getattr(self, name).value)
        if not found.items and self.at_risk.value >= self.severe.value:
            found.add(("severe", "value"), "cut-offs out of order", "1 ≤ at_risk < severe ≤ 5 on the BAT 1–5 scale",
                      f"at_risk {self.at_risk.value}, severe {self.severe.value}")
        found.raise_if_any()
        return self


class MarginSet(_Strict):
    """Population shares of one survey column, with their source."""

    shares: dict[str, float]
    source: LocalText
    vintage: str
    approximate: bool = False
    note: LocalText | None = None

    @field_validator("shares")
    @classmethod
    def _shares_add_up(cls, shares: dict[str, float]) -> dict[str, float]:
        found = Collect()
        for code, v in shares.items():
            if not 0 <= v <= 1:
                found.add(code, f"share of '{code}' is not a share", "a number between 0 and 1", v)
        total = sum(shares.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            found.add((), f"shares add up to {total:.6g}", "shares that add up to 1", f"a total of {total:.6g}")
        found.raise_if_any()
        return shares


class PopulationMargins(_Strict):
    gender: MarginSet | None = None
    region: MarginSet | None = None
    activity: MarginSet | None = None
    sector: MarginSet | None = None

    def as_rake_margins(self) -> dict[str, dict[str, float]]:
        """{column: {code: share}} for policy_kit.evidence.rake, skipping margins left out."""
        return {name: m.shares for name, m in self if m is not None}

    @model_validator(mode="after")
    def _codes_of_the_survey(self) -> "PopulationMargins":
        # a misspelt code would only fail at weighting time, inside the evidence notebook
        from policy_kit.evidence.schema import COLUMNS_BY_NAME

        found = Collect()
        for name, margin in self:
            if margin is None:
                continue
            codes = COLUMNS_BY_NAME[name].codes
            for code in margin.shares:
                if code not in codes:
                    close = difflib.get_close_matches(code, codes, n=1, cutoff=0.5)
                    found.add((name, "shares", code), f"'{code}' is not a code of the survey column '{name}'",
                              "one of " + ", ".join(codes) + (f" (did you mean '{close[0]}'?)" if close else ""), repr(code))
        found.raise_if_any()
        return self


class TrimBounds(_Strict):
    low: float = Field(0.3, gt=0, le=1)
    high: float = Field(3.0, ge=1)

    def as_tuple(self) -> tuple[float, float]:
        return (self.low, self.high)


class LiteratureEffects(_Strict):
    """Effect sizes from meta-analyses that the economics stage may use (kind="effect")."""

    digital: Sourced
    multi_component: Sourced
    coaching: Sourced | None = None
    universal_prevention: Sourced | None = None

    @model_validator(mode="after")
    def _are_effects(self) -> "LiteratureEffects":
        found = Collect()
        for name, value in self:
            if value is not None and value.kind != "effect":
                found.add((name, "kind"), f"{name} must have kind 'effect'", "kind: effect", repr(value.kind))
        found.raise_if_any()
        return self


class PilotPaths(_Strict):
    activity: str = "data/pilots/pilot_activity.csv"
    prepost: str = "data/pilots/synthetic_accompaniment_prepost.csv"


class EvidenceParams(_Strict):
    survey: str = "data/synthetic_survey_icarius_2022.csv"
    drop_invalid: bool = False
    # strict: true, 12.0 or "10" are refused, not read as 1, 12 or 10
    min_cell: int = Field(10, strict=True, description="smallest group or count of respondents that may be published")

    @field_validator("min_cell")
    @classmethod
    def _min_cell_floor(cls, value: int) -> int:
        if value < MIN_CELL_FLOOR:
            raise ValueError(f"min_cell {value} is below {MIN_CELL_FLOOR}: smaller groups could identify respondents "
                             f"(expected a whole number ≥ {MIN_CELL_FLOOR})")
        return value
    cutoffs: BatCutoffsParams
    margins: PopulationMargins
    trim: TrimBounds | None = TrimBounds()
    pooling_method: Literal["DL", "REML"] = "REML"
    effects: LiteratureEffects
    pilots: PilotPaths = PilotPaths()
