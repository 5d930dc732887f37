"""A parameter that carries its value, range, source and vintage."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policy_kit.params.located import Collect
from policy_kit.params.text import LocalText

# What kind of quantity a parameter is decides its uncertainty distribution in the
# probabilistic analysis (beta for probabilities and shares, gamma for costs/durations/counts,
# log-normal for ratios, normal for effect sizes): see policy_kit.economics.psa.
Kind = Literal["probability", "share", "cost", "duration", "count", "ratio", "effect", "rate", "other"]
Quality = Literal["high", "medium", "low", "assumption"]


class Sourced(BaseModel):
    """A number with its plausible range and where it comes from.

    An entry without a source, or with quality "assumption", is an assumption and is labelled
    as one in the memo and the annex.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    low: float | None = None
    high: float | None = None
    kind: Kind = "other"
    unit: LocalText = ""
    source: LocalText | None = None
    vintage: str | None = Field(default=None, description="year or date the figure refers to")
    quality: Quality = "medium"
    note: LocalText | None = None
    interval: float = Field(default=0.95, gt=0.0, lt=1.0,
                            description="probability that the true value lies between low and high (0.95: they are the 2.5th and 97.5th percentiles)")

    @property
    def is_assumption(self) -> bool:
        return self.source is None or self.quality == "assumption"

    @property
    def is_uncertain(self) -> bool:
        return self.low is not None and self.high is not None and self.low < self.high

    @model_validator(mode="after")
    def _range_brackets_value(self) -> "Sourced":
        found = Collect()
        if self.low is not None and self.high is not None and self.low > self.high:
            found.add("high", f"high bound {self.high} is below its low bound {self.low}", "low ≤ high",
                      f"low {self.low}, high {self.high}")
        elif self.low is not None and self.value < self.low:
            found.add("value", f"value {self.value} is below its low bound {self.low}", "low ≤ value ≤ high",
                      f"low {self.low}")
        elif self.high is not None and self.value > self.high:
            found.add("value", f"value {self.value} is above its high bound {self.high}", "low ≤ value ≤ high",
                      f"high {self.high}")
        if self.kind in ("probability", "share"):
            for name in ("value", "low", "high"):
                v = getattr(self, name)
                if v is not None and not 0.0 <= v <= 1.0:
                    found.add(name, f"{name} {v} is not a {self.kind}", "a number between 0 and 1", v)
        if self.kind in ("cost", "duration", "count", "ratio") and self.value < 0:
            found.add("value", f"a {self.kind} cannot be negative", "a number ≥ 0", self.value)
        found.raise_if_any()
        return self
