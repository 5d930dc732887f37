"""Params section `economics`: the cost-benefit model of the prevention plan.

Every number is a `Sourced` (value, range, source, vintage, quality); derived figures and
gap-fillers carry quality "assumption". The prevalence of burn-out risk can be replaced by the
evidence stage's estimate (policy_kit.economics.build_model(..., risk_prevalence=...)).
Derived quantities are not params: the at-risk → incapacity probability follows from the incidence
of mental incapacity and the prevalence of risk (see policy_kit.economics.model.derived_values).
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policy_kit.params.located import At, Collect, KeyPath, KeyProblems
from policy_kit.params.schedules import discount_schedule_names
from policy_kit.params.sourced import Kind, Sourced
from policy_kit.params.text import LocalText
from policy_kit.params.states import ABSORBING, DERIVED_TRANSITIONS, REMAINDER_STATE, parse_transition

Perspective = Literal["social_security", "society"]


def _require_kind(field: str, s: Sourced, kinds: tuple[Kind, ...], found: Collect | None = None, path: KeyPath = ()) -> Sourced:
    """Refuse a Sourced of the wrong kind; with `found`, note the problem at `path` + kind instead of raising."""
    if s.kind not in kinds:
        problems = found or Collect()
        problems.add(tuple(path) + ("kind",), f"{field} must be a Sourced of kind {' or '.join(kinds)}",
                     "kind: " + " or ".join(kinds), repr(s.kind))
        if found is None:
            problems.raise_if_any()
    return s


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_names(kind: str, names, found: Collect, section: str) -> None:
    # the names become keys of recorded results (economics.options.<name>.npv)
    for name in names:
        if not _NAME.match(name):
            found.add((section, name), f"{kind} name '{name}' cannot name recorded results",
                      "lower-case letters, digits and _ , starting with a letter", repr(name))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EffectParams(_Section):
    """How a component changes one transition for the people it reaches."""

    transition: str = Field(description="'origin->target', e.g. 'at_risk->incapacity'")
    type: Literal["rr", "d"] = Field(description="'rr': relative risk; 'd': Cohen's d / Hedges' g (converted, see economics.effects)")
    value: Sourced
    direction: Literal["decrease", "increase"] = Field(
        default="decrease", description="for type 'd': whether the benefit makes the transition rarer or more frequent"
    )

    @model_validator(mode="after")
    def _value_fits_type(self) -> "EffectParams":
        found = Collect()
        if self.type == "rr":
            for name in ("value", "low"):
                v = getattr(self.value, name)
                if v is not None and v <= 0:
                    found.add(("value", name), f"relative risk on {self.transition!r} must be positive", "a number > 0", v)
        else:
            _require_kind(f"effect size on {self.transition!r}", self.value, ("effect",), found, ("value",))
        found.raise_if_any()
        return self


class ComponentParams(_Section):
    """A pilot component scaled up to the whole population."""

    label_fr: LocalText  # in the run's language despite the name (kept for the recorded columns)
    target: Literal["all", "at_risk"] = Field(description="who is offered it: all insured active self-employed, or those at risk")
    uptake: Sourced = Field(description="share of the target reached / participating each year")
    fixed_cost_per_year: Sourced
    cost_per_participant: Sourced
    delivery_years: int | None = Field(default=None, ge=1, description="years financed; None = the whole horizon")
    effect_years: Sourced = Field(description="years, from each participant's start, during which the effect acts")
    decay: Sourced = Field(description="yearly proportional loss of the effect (log scale), from each participant's start")
    effects: list[EffectParams] = Field(min_length=1)

    @model_validator(mode="after")
    def _kinds(self) -> "ComponentParams":
        found = Collect()
        for name, kinds in (("uptake", ("share", "probability")), ("fixed_cost_per_year", ("cost",)),
                            ("cost_per_participant", ("cost",)), ("effect_years", ("duration",)),
                            ("decay", ("share", "probability"))):
            _require_kind(name, getattr(self, name), kinds, found, (name,))
        seen: set[str] = set()
        for i, effect in enumerate(self.effects):
            if effect.transition in seen:
                found.add(("effects", i, "transition"), f"a component lists the transition {effect.transition} twice",
                          "one effect per transition", repr(effect.transition))
            seen.add(effect.transition)
        found.raise_if_any()
        return self


class AllowanceParams(_Section):
    daily_rate: Sourced
    paid_days_per_year: Sourced


class WellbeingParams(_Section):
    """WELLBY valuation (HM Treasury 2021) and the life-satisfaction loss per person-year by state."""

    value_per_wellby_gbp: Sourced
    eur_per_gbp: Sourced
    loss_at_risk: Sourced
    loss_incapacity: Sourced
    loss_invalidity: Sourced


class BenefitSwitches(_Section):
    allowances: bool = True
    healthcare: bool = True
    output: bool = True
    closures: bool = True
    wellbeing: bool = False
    # Allowances are transfers: in the society perspective the output they replace is already
    # counted, so they are left out unless asked for (they always count for the social security budget).
    society_counts_allowances: bool = False


MAX_DRAWS = 200_000  # each draw runs the cohort model for every option: more would exhaust memory, not add precision
MAX_WTP_POINTS = 10_000  # one acceptability value per point and option: a finer grid adds nothing a reader sees


class PsaParams(_Section):
    draws: int = Field(default=10_000, ge=100, le=MAX_DRAWS,
                       description=f"PSA draws; at most {MAX_DRAWS:,}: more would exhaust memory without adding precision")
    seed: int = Field(default=20240, ge=0, le=2**32 - 1, description="seed of numpy's generator: a whole number from 0 to 2³² − 1")
    hold_fixed: list[str] = Field(default_factory=lambda: ["population"], description="parameter names kept at their value in the PSA")


class WtpGrid(_Section):
    """Willingness to pay per case of incapacity averted (EUR) for the acceptability curve."""

    start: float = 0.0
    stop: float = 200_000.0
    step: float = 5_000.0

    @model_validator(mode="after")
    def _ordered(self) -> "WtpGrid":
        found = Collect()
        if not self.stop > self.start:
            found.add("stop", "WTP grid needs stop > start", "stop > start", f"start={self.start}, stop={self.stop}")
        if not self.step > 0:
            found.add("step", "WTP grid needs step > 0", "step > 0", self.step)
        elif self.stop > self.start and (self.stop - self.start) / self.step + 1 > MAX_WTP_POINTS:
            found.add("step", f"WTP grid of {(self.stop - self.start) / self.step + 1:,.0f} points is too fine",
                      f"at most {MAX_WTP_POINTS:,} points (a finer grid would exhaust memory and add nothing a reader sees)",
                      f"start={self.start}, stop={self.stop}, step={self.step}")
        found.raise_if_any()
        return self


class PopulationDynamics(_Section):
    """An open population: entrants replace leavers and the insured population grows; the start is today's state."""

    growth: Sourced = Field(description="yearly net growth of the insured population (share)")
    invalidity_at_start: Sourced = Field(description="persons in invalidity for mental reasons when the model starts")

    @model_validator(mode="after")
    def _kinds(self) -> "PopulationDynamics":
        found = Collect()
        _require_kind("growth", self.growth, ("share", "probability"), found, ("growth",))
        _require_kind("invalidity_at_start", self.invalidity_at_start, ("count",), found, ("invalidity_at_start",))
        found.raise_if_any()
        return self


class IncidenceParams(_Section):
    """New primary incapacities for mental reasons per insured person and year: all causes × mental share."""

    all_causes: Sourced = Field(description="primary incapacity periods of more than 7 days per insured person and year")
    mental_share: Sourced = Field(description="share of those periods due to a mental disorder")

    @model_validator(mode="after")
    def _kinds(self) -> "IncidenceParams":
        found = Collect()
        for name in ("all_causes", "mental_share"):
            _require_kind(name, getattr(self, name), ("probability", "share"), found, (name,))
        found.raise_if_any()
        return self


Measure = Literal["incapacity_entries_per_year", "invalidity_stock_growth", "at_risk_share", "insured_growth",
                  "invalidity_share_of_insured"]


class CalibrationTarget(_Section):
    """A published figure the model without programme must reproduce within `tolerance` (absolute, in its unit)."""

    measure: Measure
    year: int = Field(description="the model year the measure is read in")
    published: Sourced
    tolerance: float = Field(gt=0)


class EconomicsParams(_Section):
    horizon_years: int = Field(default=10, ge=1, le=100)
    start_year: int = 2025
    discount_schedule: str = "kce-2012"
    discount_timing: Literal["end", "start"] = "end"
    half_cycle: bool = False
    perspective: Perspective = "society"
    population: Sourced
    population_dynamics: PopulationDynamics
    incidence: IncidenceParams
    risk_prevalence: Sourced
    # "params" keeps the literature prevalence on which the incapacity transition is calibrated;
    # "survey" takes the evidence stage's weighted estimate (and its interval) instead.
    risk_prevalence_from: Literal["params", "survey"] = "params"
    transitions: dict[str, Sourced]
    allowances: AllowanceParams
    incapacity_duration_years: Sourced = Field(description="mean paid time in a first-year incapacity, in years")
    healthcare_cost_per_person_year: Sourced
    output_per_person_year: Sourced
    closure_cost: Sourced
    wellbeing: WellbeingParams
    benefits: BenefitSwitches = BenefitSwitches()
    optimism_bias: Sourced
    cost_indexation: Sourced
    benefit_indexation: Sourced
    components: dict[str, ComponentParams]
    combinations: dict[str, list[str]] = Field(default_factory=dict)
    combination_labels_fr: dict[str, LocalText] = Field(default_factory=dict)
    calibration: list[CalibrationTarget] = Field(default_factory=list)
    psa: PsaParams = PsaParams()
    wtp_per_case_averted: WtpGrid = WtpGrid()

    @field_validator("discount_schedule")
    @classmethod
    def _known_schedule(cls, name: str) -> str:
        if name not in discount_schedule_names():
            close = difflib.get_close_matches(name, discount_schedule_names(), n=1, cutoff=0.5)
            raise KeyProblems([At((), f"unknown discount schedule {name!r}",
                                  "one of " + ", ".join(discount_schedule_names())
                                  + (f" (did you mean '{close[0]}'?)" if close else ""), repr(name))])
        return name

    @field_validator("population", "risk_prevalence", "incapacity_duration_years", "healthcare_cost_per_person_year",
                     "output_per_person_year", "closure_cost", "optimism_bias")
    @classmethod
    def _kind_of_scalars(cls, s: Sourced, info) -> Sourced:
        kinds: dict[str, tuple[Kind, ...]] = {
            "population": ("count",),
            "risk_prevalence": ("probability", "share"),
            "incapacity_duration_years": ("duration",),
            "healthcare_cost_per_person_year": ("cost",),
            "output_per_person_year": ("cost",),
            "closure_cost": ("cost",),
            "optimism_bias": ("share", "ratio", "rate"),
        }
        return _require_kind(info.field_name, s, kinds[info.field_name])

    @model_validator(mode="after")
    def _cross_checks(self) -> "EconomicsParams":
        found = Collect()
        _check_names("component", self.components, found, "components")
        _check_names("combination", self.combinations, found, "combinations")
        exits: dict[str, float] = {}
        exit_keys: dict[str, list[str]] = {}
        for key, s in self.transitions.items():
            at = ("transitions", key)
            try:
                origin, target = parse_transition(key)
            except ValueError as exc:
                found.add(at, str(exc), "'origin->target' between known states", repr(key))
                continue
            if key in DERIVED_TRANSITIONS:
                found.add(at, f"transition {key!r} is derived from economics.incidence and economics.risk_prevalence; "
                              "set those instead", "no entry for a derived transition", repr(key))
                continue
            if origin == target:
                found.add(at, f"transition {key!r} is a self-transition; staying is the remainder of the row "
                              f"(and a first-year incapacity cannot last a second year in that state)")
                continue
            if origin in ABSORBING:
                found.add(at, f"transition {key!r} leaves the absorbing state {origin!r}")
                continue
            if target == REMAINDER_STATE[origin]:
                found.add(at, f"transition {key!r} is the remainder of row {origin!r} (1 minus its other exits); leave it out")
                continue
            _require_kind(f"transition {key!r}", s, ("probability",), found, at)
            exits[origin] = exits.get(origin, 0.0) + s.value
            exit_keys.setdefault(origin, []).append(key)
        for origin, total in exits.items():
            if total > 1.0 + 1e-9:
                found.add(("transitions", exit_keys[origin][-1]),
                          f"exits from {origin!r} sum to {total:.4g} > 1; lower them so that staying has a non-negative probability",
                          "exits summing to at most 1", " + ".join(exit_keys[origin]) + f" = {total:.4g}")
        for name, comp in self.components.items():
            for i, effect in enumerate(comp.effects):
                if effect.transition not in self.transitions and effect.transition not in DERIVED_TRANSITIONS:
                    at = ("components", name, "effects", i, "transition")
                    try:
                        parse_transition(effect.transition)  # a clearer message when a state name is wrong
                    except ValueError as exc:
                        found.add(at, str(exc), "'origin->target' between known states", repr(effect.transition))
                        continue
                    found.add(at, f"component {name!r} acts on transition {effect.transition!r}, which is not a transition of the model",
                              "one of " + ", ".join(sorted([*self.transitions, *DERIVED_TRANSITIONS])), repr(effect.transition))
            if comp.delivery_years is not None and comp.delivery_years > self.horizon_years:
                found.add(("components", name, "delivery_years"),
                          f"component {name!r} is delivered for {comp.delivery_years} years, beyond the {self.horizon_years}-year horizon",
                          f"at most horizon_years ({self.horizon_years})", comp.delivery_years)
        for combo, members in self.combinations.items():
            at = ("combinations", combo)
            if combo in self.components:
                found.add(at, f"combination {combo!r} has the name of a component; choose another name")
            unknown = [m for m in members if m not in self.components]
            if unknown or len(members) < 2:
                found.add(at, f"combination {combo!r} must list at least two known components; unknown: {unknown or 'none'}",
                          "two or more of " + ", ".join(self.components), members)
        for section, names in (("components", self.components), ("combinations", self.combinations)):
            for reserved in ("status_quo", "no_programme"):
                if reserved in names:
                    found.add((section, reserved),
                              f"'{reserved}' names a reference of the model; do not use it for a component or combination")
        for i, p in enumerate(self.psa.hold_fixed if not found.items else ()):  # names come from a consistent model
            if not _known_parameter_name(self, p):
                found.add(("psa", "hold_fixed", i), f"psa.hold_fixed names unknown parameters: {p}", "a parameter name of the model", repr(p))
        found.raise_if_any()
        return self


def parameter_names(params: EconomicsParams) -> list[str]:
    """The dotted names of the model's parameters, in the engine's order (psa.hold_fixed and sweeps use them)."""
    names = ["population", "population_dynamics.growth", "population_dynamics.invalidity_at_start",
             "incidence.all_causes", "incidence.mental_share", "risk_prevalence"]
    names += [f"transition.{k}" for k in params.transitions]
    names += ["allowance.daily_rate", "allowance.paid_days_per_year", "incapacity_duration_years",
              "healthcare_cost_per_person_year", "output_per_person_year", "closure_cost",
              "wellbeing.value_per_wellby_gbp", "wellbeing.eur_per_gbp", "wellbeing.loss_at_risk",
              "wellbeing.loss_incapacity", "wellbeing.loss_invalidity", "optimism_bias", "cost_indexation",
              "benefit_indexation"]
    for name, c in params.components.items():
        names += [f"component.{name}.{field}" for field in
                  ("uptake", "fixed_cost_per_year", "cost_per_participant", "effect_years", "decay")]
        names += [f"component.{name}.effect.{e.transition}" for e in c.effects]
    return names


def _known_parameter_name(params: EconomicsParams, name: str) -> bool:
    return name in parameter_names(params)
