"""Parameters of the evidence stage (the `evidence:` section of the params file)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .sourced import Sourced

SHARE_TOLERANCE = 1e-6


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BatCutoffsParams(_Strict):
    """BAT-12 total-score cut-offs. The defaults are assumptions until the SJWEH 2023 table is read."""

    at_risk: Sourced
    severe: Sourced

    @model_validator(mode="after")
    def _ordered(self) -> "BatCutoffsParams":
        if not 1 <= self.at_risk.value < self.severe.value <= 5:
            raise ValueError("expected 1 ≤ at_risk < severe ≤ 5 on the BAT 1–5 scale")
        return self


class MarginSet(_Strict):
    """Population shares of one survey column, with their source."""

    shares: dict[str, float]
    source: str
    vintage: str
    approximate: bool = False
    note: str | None = None

    @field_validator("shares")
    @classmethod
    def _shares_add_up(cls, shares: dict[str, float]) -> dict[str, float]:
        if any(v < 0 for v in shares.values()):
            raise ValueError("shares must be non-negative")
        total = sum(shares.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(f"shares add up to {total:.6g}; expected 1")
        return shares


class PopulationMargins(_Strict):
    gender: MarginSet | None = None
    region: MarginSet | None = None
    activity: MarginSet | None = None
    sector: MarginSet | None = None

    def as_rake_margins(self) -> dict[str, dict[str, float]]:
        """{column: {code: share}} for policy_kit.evidence.rake, skipping margins left out."""
        return {name: m.shares for name, m in self if m is not None}


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
        for name, value in self:
            if value is not None and value.kind != "effect":
                raise ValueError(f"{name} must have kind 'effect'")
        return self


class PilotPaths(_Strict):
    activity: str = "data/pilots/pilot_activity.csv"
    prepost: str = "data/pilots/synthetic_accompaniment_prepost.csv"


class EvidenceParams(_Strict):
    survey: str = "data/synthetic_survey_icarius_2022.csv"
    drop_invalid: bool = False
    min_cell: int = Field(10, ge=1)
    cutoffs: BatCutoffsParams
    margins: PopulationMargins
    trim: TrimBounds | None = TrimBounds()
    pooling_method: Literal["DL", "REML"] = "REML"
    effects: LiteratureEffects
    pilots: PilotPaths = PilotPaths()
