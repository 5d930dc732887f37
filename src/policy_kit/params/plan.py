"""Params section `plan`: the options of a structural federal plan and the rule that picks one.

Each option mixes economics components with a coverage ramp-up (one share per plan year of the
component's full-scale uptake) and names who pays. Options are compared with the `baseline`
option (the situation after the pilots); the recommended option is computed by the rule.
"""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policy_kit.params.located import Collect
from policy_kit.params.sourced import Sourced
from policy_kit.params.text import LocalText

DecisionRule = Literal["max_npv_under_cap", "max_npv", "max_cases_under_cap"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OptionComponent(_Strict):
    coverage: list[float] = Field(description="share of the component's full uptake reached, one value per plan year")
    payer: LocalText | None = Field(default=None, description="who pays for this component; the option's payer if empty")

    @field_validator("coverage")
    @classmethod
    def _shares(cls, values: list[float]) -> list[float]:
        found = Collect()
        for i, v in enumerate(values):
            if not 0.0 <= v <= 1.0:
                found.add(i, "coverage values must lie between 0 and 1", "a share between 0 and 1", v)
        found.raise_if_any()
        return values


class PlanOption(_Strict):
    label: LocalText
    description: LocalText = ""
    payer: LocalText = Field(description="who pays, e.g. « INASTI — gestion globale du statut social des indépendants »")
    components: dict[str, OptionComponent] = Field(default_factory=dict)
    after_last_year: Literal["continue", "stop"] = Field(
        default="continue",
        description="coverage after the last plan year, up to the economic horizon: 'continue' at the last year's "
        "value (a structural plan) or 'stop' (a time-limited programme)",
    )


class PlanParams(_Strict):
    first_year: int = Field(ge=2020, le=2100)
    last_year: int = Field(ge=2020, le=2100)
    budget_cap: Sourced = Field(description="largest yearly gross cost the decision-maker accepts, EUR")
    current_budget: Sourced = Field(description="structural yearly budget already granted to the funds, EUR")
    decision_rule: DecisionRule = "max_npv_under_cap"
    baseline: str = Field(description="the option the others are compared with (status quo)")
    savings_payer: LocalText = Field(
        default="INAMI — indemnités et soins de santé des indépendants",
        description="who gains the allowances and healthcare avoided, in every option",
    )
    options: dict[str, PlanOption]

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @model_validator(mode="after")
    def _consistent(self) -> "PlanParams":
        found = Collect()
        if self.last_year < self.first_year:
            found.add("last_year", f"last_year {self.last_year} is before first_year {self.first_year}",
                      f"years in order: a last_year ≥ first_year ({self.first_year})", self.last_year)
        if self.baseline not in self.options:
            close = difflib.get_close_matches(self.baseline, list(self.options), n=1, cutoff=0.5)
            found.add("baseline", f"baseline '{self.baseline}' is not one of the options",
                      "one of " + ", ".join(sorted(self.options)) + (f" (did you mean '{close[0]}'?)" if close else ""), repr(self.baseline))
        if self.last_year >= self.first_year:
            n_years = self.last_year - self.first_year + 1
            for name, option in self.options.items():
                for comp, spec in option.components.items():
                    if len(spec.coverage) != n_years:
                        found.add(("options", name, "components", comp, "coverage"),
                                  f"coverage has {len(spec.coverage)} values",
                                  f"one per year {self.first_year}–{self.last_year} ({n_years})", f"{len(spec.coverage)} values")
        # a component is paid by the same body in every option, so payer lines compare across options
        payers: dict[str, str] = {}
        for name, option in self.options.items():
            for comp, spec in option.components.items():
                payer = spec.payer or option.payer
                first = payers.setdefault(comp, payer)
                if payer != first:
                    found.add(("options", name, "components", comp, "payer"),
                              f"component '{comp}' is paid by another payer than in the other options",
                              f"the same payer in every option ({first!r})", repr(payer))
        found.raise_if_any()
        return self
