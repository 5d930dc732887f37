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


INASTI_2023 = ("INASTI, « Retour sur les grandes tendances 2023 du secteur indépendant », news.belgium.be, "
               "2024-05-23")


def default_evidence_params() -> EvidenceParams:
    """The defaults documented in the evidence README; the params file may override any of them."""
    return EvidenceParams(
        cutoffs=BatCutoffsParams(
            at_risk=Sourced(value=2.58, low=2.50, high=2.70, kind="other", unit="BAT-12 mean score (1-5)",
                            source=None, vintage="2023", quality="assumption",
                            note="ASSUMPTION: Schaufeli et al. 2023 (SJWEH 49(4):293-302, doi 10.5271/sjweh.4093) "
                                 "table not read; 2.58 from one unverified third-party code file"),
            severe=Sourced(value=3.01, low=2.90, high=3.20, kind="other", unit="BAT-12 mean score (1-5)",
                           source=None, vintage="2023", quality="assumption",
                           note="ASSUMPTION: same as at_risk; 3.01 from one unverified third-party code file"),
        ),
        margins=PopulationMargins(
            gender=MarginSet(shares={"homme": 0.6444, "femme": 0.3556}, source=INASTI_2023, vintage="2023-12-31",
                             note="824,296 men and 454,874 women of 1,279,170 [derived shares]"),
            region=MarginSet(shares={"flandre": 0.6224, "wallonie": 0.2755, "bruxelles": 0.1021},
                             source="L'Avenir, 2022-05 (INASTI figures for 2021) [secondary]", vintage="2021",
                             approximate=True,
                             note="61 % / 27 % / 10 % rescaled to add up to 1 (the rounded shares add up to 98 %; "
                                  "German-speaking Community counted with Wallonia)"),
            activity=MarginSet(shares={"main": 0.6244, "complementary": 0.2601, "after_pension": 0.1155},
                               source=INASTI_2023, vintage="2023-12-31",
                               note="798,724 main, 332,676 complementary, 147,770 after pension of 1,279,170 [derived shares]"),
            sector=MarginSet(shares={"profession_liberale": 0.328, "commerce": 0.269, "industrie": 0.240, "autre": 0.163},
                             source="SPF Economie, « Het profiel van zelfstandigen » (INASTI Q4 2022)", vintage="2022-Q4",
                             note="autre = agriculture, services and other sectors, the remainder to 100 % [derived]"),
        ),
        effects=LiteratureEffects(
            digital=Sourced(value=0.33, low=0.21, high=0.64, kind="effect", unit="standardised mean difference",
                            source="Heber et al., J Med Internet Res 19(2):e32, 2017, doi 10.2196/jmir.5774",
                            vintage="2017", quality="medium",
                            note="unguided web stress management; 0.21 (≥9 weeks) to 0.64 (guided)"),
            multi_component=Sourced(value=0.51, low=0.16, high=0.59, kind="effect", unit="Hedges' g (burn-out)",
                                    source="Phillips, Gordeev & Schreyögg, SJWEH 45(6):560-576, 2019, doi 10.5271/sjweh.3839",
                                    vintage="2019", quality="medium",
                                    note="low: Tan et al. 2014 universal prevention; high: de Haan & Nilsson 2023 coaching"),
            coaching=Sourced(value=0.59, low=0.43, high=0.74, kind="effect", unit="Hedges' g",
                             source="de Haan & Nilsson, Academy of Management Learning & Education, 2023, "
                                    "doi 10.5465/amle.2022.0107", vintage="2023", quality="low",
                             note="signs of publication bias; range from Theeboom et al. 2014"),
            universal_prevention=Sourced(value=0.16, low=0.07, high=0.24, kind="effect", unit="SMD (depression)",
                                         source="Tan et al., BMC Medicine 12:74, 2014, doi 10.1186/1741-7015-12-74",
                                         vintage="2014", quality="medium"),
        ),
    )
