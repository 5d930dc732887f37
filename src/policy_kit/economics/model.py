"""The cost-benefit model: params → model inputs → vectorised simulation → results.

A model is a set of named parameters (each a `Sourced` with a French label) plus structure
(states, transitions, components, options, discounting). `simulate` takes a value for every
parameter, either a float or an array of draws, and runs every option against the status quo
in one vectorised pass: the same code serves the base case, the one-way and two-way
sensitivity analyses (one "draw" per variation) and the probabilistic analysis.

Structure (stated in the annex's methods section):
- an open population: the model starts from today's state (the stock in invalidity for mental
  reasons, last year's new incapacities, those back at work after them, the share at risk), and
  each year entrants replace those who left and the insured population grows; entrants start well
  or at risk in the proportion of the prevalence. Entrants are those of the model without
  programme in every option: entry is not something a programme changes;
- the at-risk → incapacity probability is derived, never given: it makes the model's new mental
  incapacities in the first year equal incidence × population, given the other entries into
  incapacity (`derived_values`); the one-way and probabilistic analyses vary the incidence and the
  prevalence and re-derive it;
- effects wane per participant: each year's participants are a cohort of entry whose effect is
  scaled by w_a = (1 − decay)^a · clip(effect_years − a, 0, 1), a years after they start; the
  population-level relative risk mixes the cohorts still under effect (`cohort_relative_risk`).

Counting conventions (yearly cycles, cycle t = calendar year start_year + t − 1):
- first-year incapacity has no self-loop, so its occupancy at the end of cycle t is the number
  of new incapacity entries in cycle t; each entry is paid for `incapacity_duration_years`;
- invalidity and at-risk person-years are the occupancy at the end of each cycle;
- business closures are the new entries into `left` (an absorbing stock of everyone who left);
- programme participants are counted on the occupancy at the start of each cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from policy_kit.economics.discounting import DiscountSchedule, load_discount_schedule
from policy_kit.economics.effects import cohort_relative_risk, effect_size_to_relative_risk, effect_weights
from policy_kit.economics.markov import (
    ABSORBING,
    DERIVED_TRANSITIONS,
    REMAINDER_STATE,
    STATE_INDEX,
    STATE_LABELS_FR,
    STATES,
    parse_transition,
    run_open_population_draws,
)
from policy_kit.params.economics import EconomicsParams, parameter_names  # noqa: F401 - parameter_names re-exported
from policy_kit.params.sourced import Sourced

BENEFIT_CATEGORIES: tuple[str, ...] = ("allowances", "healthcare", "output", "closures", "wellbeing")
BENEFIT_LABELS_FR: dict[str, str] = {
    "allowances": "indemnités d'incapacité et d'invalidité évitées",
    "healthcare": "soins de santé évités",
    "output": "production des indépendants préservée",
    "closures": "faillites et cessations évitées",
    "wellbeing": "bien-être (WELLBY)",
}
PERSPECTIVE_LABELS_FR = {"social_security": "budget de la sécurité sociale", "society": "société"}
# The engine's counterfactual: no prevention programme at all. The plan's reference option (the
# situation after the pilots, `plan.baseline`) is a costed option compared with it like any other.
NO_PROGRAMME = "no_programme"
ACTIVE_STATES = ("well", "at_risk", "back_at_work")


@dataclass(frozen=True)
class Parameter:
    """One model input: its dotted name, French label for texts and charts, and sourced value."""

    name: str
    label_fr: str
    sourced: Sourced

    @property
    def value(self) -> float:
        return self.sourced.value


@dataclass(frozen=True)
class EffectSpec:
    transition: str
    type: str  # "rr" or "d"
    direction: str
    parameter: str  # name of the Parameter holding the RR or d


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    label_fr: str
    target: str
    delivery_years: int
    effects: tuple[EffectSpec, ...]


@dataclass(frozen=True)
class OptionSpec:
    """An option: components delivered together.

    `coverage` (optional) maps a component to a per-cycle multiplier of its uptake, one value per
    cycle of the horizon, each in [0, 1] (a plan's ramp-up). A component with a coverage vector is
    delivered, and paid for, in the cycles where its coverage is above zero, whatever its
    `delivery_years`, and its effect lasts at least until its last delivered cycle (`effect_years`
    is then a minimum, `decay` still counts from the first cycle); without one it is delivered at
    full uptake for `delivery_years`.
    """

    name: str
    label_fr: str
    components: tuple[str, ...]
    coverage: Mapping[str, tuple[float, ...]] | None = field(default=None, hash=False)

    def coverage_of(self, component: str, cycles: int) -> np.ndarray | None:
        """The component's (1, cycles) uptake multiplier, or None for full uptake."""
        if not self.coverage or component not in self.coverage:
            return None
        c = np.asarray(self.coverage[component], dtype=float)
        if c.shape != (cycles,):
            raise ValueError(f"option {self.name!r}: coverage of {component!r} has {c.size} values; expected one per cycle ({cycles})")
        if np.any((c < 0.0) | (c > 1.0)):
            raise ValueError(f"option {self.name!r}: coverage of {component!r} must lie between 0 and 1")
        return c[None, :]


@dataclass(frozen=True)
class EconomicModel:
    """Everything `simulate` needs. Build it with `build_model(params)`."""

    parameters: dict[str, Parameter]
    transitions: tuple[str, ...]
    components: dict[str, ComponentSpec]
    options: tuple[OptionSpec, ...]
    horizon_years: int
    start_year: int
    schedule: DiscountSchedule
    discount_timing: str = "end"
    half_cycle: bool = False
    perspective: str = "society"
    benefit_switches: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(BENEFIT_CATEGORIES, True))
    society_counts_allowances: bool = True
    psa_draws: int = 10_000
    psa_seed: int = 20240
    psa_hold_fixed: tuple[str, ...] = ("population",)
    calibration: tuple = ()  # params' CalibrationTarget entries
    wtp_grid: tuple[float, ...] = tuple(np.arange(0.0, 200_001.0, 5_000.0))

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.start_year, self.start_year + self.horizon_years)

    @property
    def option_names(self) -> list[str]:
        return [o.name for o in self.options]

    def option(self, name: str) -> OptionSpec:
        for o in self.options:
            if o.name == name:
                return o
        raise ValueError(f"unknown option {name!r}; options: {', '.join(self.option_names)}")

    def with_options(self, options) -> "EconomicModel":
        """A copy whose options are replaced (e.g. the plan stage's ramped options)."""
        options = tuple(options)
        names = [o.name for o in options]
        if NO_PROGRAMME in names or len(set(names)) != len(names):
            raise ValueError(f"option names must be unique and not {NO_PROGRAMME!r}; found {names}")
        unknown = sorted({c for o in options for c in o.components} - set(self.components))
        if unknown:
            raise ValueError(f"unknown component(s) {unknown}; components: {', '.join(self.components)}")
        return replace(self, options=options)

    def base_values(self) -> dict[str, float]:
        return {name: p.value for name, p in self.parameters.items()}

    def uncertain_parameters(self) -> list[Parameter]:
        return [p for p in self.parameters.values() if p.sourced.is_uncertain]

    def with_value(self, name: str, sourced: Sourced) -> "EconomicModel":
        """A copy with one parameter replaced (e.g. the evidence stage's prevalence)."""
        if name not in self.parameters:
            raise ValueError(f"unknown parameter {name!r}")
        params = dict(self.parameters)
        params[name] = replace(params[name], sourced=sourced)
        return replace(self, parameters=params)

    def cost_factors(self) -> np.ndarray:
        return self.schedule.cost_factors(self.horizon_years, timing=self.discount_timing, half_cycle=self.half_cycle)

    def health_factors(self) -> np.ndarray:
        return self.schedule.health_factors(self.horizon_years, timing=self.discount_timing, half_cycle=self.half_cycle)

    def default_option(self) -> str:
        """The last combination if there is one (the full plan), else the first component."""
        multi = [o.name for o in self.options if len(o.components) > 1]
        return multi[-1] if multi else self.options[0].name


def _transition_label(key: str) -> str:
    origin, target = parse_transition(key)
    return f"la probabilité annuelle de passer de « {STATE_LABELS_FR[origin]} » à « {STATE_LABELS_FR[target]} »"


def _flatten(params: EconomicsParams) -> list[Parameter]:
    out = [
        Parameter("population", "la population assurée", params.population),
        Parameter("population_dynamics.growth", "la croissance annuelle de la population assurée", params.population_dynamics.growth),
        Parameter("population_dynamics.invalidity_at_start", "le nombre d'indépendants en invalidité psychique au départ",
                  params.population_dynamics.invalidity_at_start),
        Parameter("incidence.all_causes", "l'incidence annuelle des incapacités primaires (toutes causes)", params.incidence.all_causes),
        Parameter("incidence.mental_share", "la part psychique des incapacités primaires", params.incidence.mental_share),
        Parameter("risk_prevalence", "la prévalence du risque de burn-out", params.risk_prevalence),
    ]
    out += [Parameter(f"transition.{k}", _transition_label(k), s) for k, s in params.transitions.items()]
    out += [
        Parameter("allowance.daily_rate", "l'indemnité journalière", params.allowances.daily_rate),
        Parameter("allowance.paid_days_per_year", "le nombre de jours indemnisés par an", params.allowances.paid_days_per_year),
        Parameter("incapacity_duration_years", "la durée moyenne de l'incapacité primaire", params.incapacity_duration_years),
        Parameter("healthcare_cost_per_person_year", "le coût des soins par année d'incapacité", params.healthcare_cost_per_person_year),
        Parameter("output_per_person_year", "le revenu de référence par année de travail", params.output_per_person_year),
        Parameter("closure_cost", "le coût d'une cessation d'activité", params.closure_cost),
        Parameter("wellbeing.value_per_wellby_gbp", "la valeur d'un WELLBY", params.wellbeing.value_per_wellby_gbp),
        Parameter("wellbeing.eur_per_gbp", "le taux de change euro/livre", params.wellbeing.eur_per_gbp),
        Parameter("wellbeing.loss_at_risk", "la perte de satisfaction de vie à risque", params.wellbeing.loss_at_risk),
        Parameter("wellbeing.loss_incapacity", "la perte de satisfaction de vie en incapacité", params.wellbeing.loss_incapacity),
        Parameter("wellbeing.loss_invalidity", "la perte de satisfaction de vie en invalidité", params.wellbeing.loss_invalidity),
        Parameter("optimism_bias", "la majoration pour biais d'optimisme", params.optimism_bias),
        Parameter("cost_indexation", "l'indexation annuelle des coûts", params.cost_indexation),
        Parameter("benefit_indexation", "l'indexation annuelle des bénéfices", params.benefit_indexation),
    ]
    for name, c in params.components.items():
        lab = c.label_fr
        out += [
            Parameter(f"component.{name}.uptake", f"l'adhésion ({lab})", c.uptake),
            Parameter(f"component.{name}.fixed_cost_per_year", f"le coût fixe annuel ({lab})", c.fixed_cost_per_year),
            Parameter(f"component.{name}.cost_per_participant", f"le coût par participant ({lab})", c.cost_per_participant),
            Parameter(f"component.{name}.effect_years", f"la durée de l'effet ({lab})", c.effect_years),
            Parameter(f"component.{name}.decay", f"l'atténuation annuelle de l'effet ({lab})", c.decay),
        ]
        for e in c.effects:
            what = "le risque relatif" if e.type == "rr" else "la taille d'effet"
            origin, target = parse_transition(e.transition)
            on = f"le passage « {STATE_LABELS_FR[origin]} » → « {STATE_LABELS_FR[target]} »"
            out.append(Parameter(f"component.{name}.effect.{e.transition}", f"{what} sur {on} ({lab})", e.value))
    return out


def build_model(params: EconomicsParams, *, risk_prevalence: Sourced | None = None) -> EconomicModel:
    """Model inputs from the params section; `risk_prevalence` overrides the params value (evidence stage)."""
    parameters = {p.name: p for p in _flatten(params)}
    if risk_prevalence is not None:
        if risk_prevalence.kind not in ("probability", "share"):
            raise ValueError(f"risk_prevalence must be a probability or share; found kind {risk_prevalence.kind!r}")
        parameters["risk_prevalence"] = replace(parameters["risk_prevalence"], sourced=risk_prevalence)
    components = {
        name: ComponentSpec(
            name=name,
            label_fr=c.label_fr,
            target=c.target,
            delivery_years=c.delivery_years or params.horizon_years,
            effects=tuple(EffectSpec(e.transition, e.type, e.direction, f"component.{name}.effect.{e.transition}") for e in c.effects),
        )
        for name, c in params.components.items()
    }
    options = [OptionSpec(name, c.label_fr, (name,)) for name, c in params.components.items()]
    options += [
        OptionSpec(name, params.combination_labels_fr.get(name, " + ".join(components[m].label_fr for m in members)), tuple(members))
        for name, members in params.combinations.items()
    ]
    switches = params.benefits.model_dump()
    grid = params.wtp_per_case_averted
    return EconomicModel(
        parameters=parameters,
        transitions=tuple(params.transitions) + DERIVED_TRANSITIONS,
        components=components,
        options=tuple(options),
        horizon_years=params.horizon_years,
        start_year=params.start_year,
        schedule=load_discount_schedule(params.discount_schedule),
        discount_timing=params.discount_timing,
        half_cycle=params.half_cycle,
        perspective=params.perspective,
        benefit_switches={k: bool(switches[k]) for k in BENEFIT_CATEGORIES},
        society_counts_allowances=params.benefits.society_counts_allowances,
        psa_draws=params.psa.draws,
        psa_seed=params.psa.seed,
        psa_hold_fixed=tuple(params.psa.hold_fixed),
        calibration=tuple(params.calibration),
        wtp_grid=tuple(np.arange(grid.start, grid.stop + grid.step / 2, grid.step)),
    )


# ---------------------------------------------------------------------------------------------
# Vectorised simulation


def _as_draws(values: Mapping[str, object], names) -> tuple[dict[str, np.ndarray], int]:
    arrays = {n: np.atleast_1d(np.asarray(values[n], dtype=float)) for n in names}
    sizes = {a.shape[0] for a in arrays.values()} - {1}
    if len(sizes) > 1:
        raise ValueError(f"parameter arrays have different numbers of draws: {sorted(sizes)}")
    n = sizes.pop() if sizes else 1
    return {k: (np.broadcast_to(a, (n,)) if a.shape[0] == 1 else a) for k, a in arrays.items()}, n


def transition_matrices(exit_probs: Mapping[str, np.ndarray], draws: int, cycles: int) -> np.ndarray:
    """(draws, cycles, S, S) from exit probabilities keyed 'origin->target' (each (draws, cycles)).

    Staying (or, for first-year incapacity, returning to work) takes the remainder. If exits
    from a state sum above 1, as can happen in extreme PSA draws, they are scaled down to sum to 1.
    """
    s = len(STATES)
    p = np.zeros((draws, cycles, s, s))
    by_origin: dict[str, list[tuple[str, np.ndarray]]] = {}
    for key, prob in exit_probs.items():
        origin, target = parse_transition(key)
        by_origin.setdefault(origin, []).append((target, np.clip(prob, 0.0, 1.0)))
    for origin in STATES:
        i = STATE_INDEX[origin]
        rem = STATE_INDEX[REMAINDER_STATE[origin]]
        if origin in ABSORBING or origin not in by_origin:
            p[:, :, i, rem] = 1.0
            continue
        total = sum(prob for _, prob in by_origin[origin])
        scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-300), 1.0)
        for target, prob in by_origin[origin]:
            p[:, :, i, STATE_INDEX[target]] += prob * scale
        p[:, :, i, rem] += 1.0 - total * scale
    return p


@dataclass
class Simulation:
    """Raw yearly streams, undiscounted, each (draws, cycles); persons are whole-population counts."""

    model: EconomicModel
    draws: int
    option_names: list[str]
    cost: dict[str, np.ndarray]
    benefits: dict[str, dict[str, np.ndarray]]
    entries_averted: dict[str, np.ndarray]
    invalidity_py_averted: dict[str, np.ndarray]
    participants: dict[str, np.ndarray]
    traces: dict[str, np.ndarray]  # (draws, cycles + 1, S) persons, incl. the model without programme
    # per option and component (cost with indexation and optimism bias), for budgets split by payer
    component_cost: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    component_participants: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    entrants: np.ndarray | None = None  # (draws, cycles) persons entering each cycle, the same in every option

    def perspective_benefit(self, option: str, perspective: str | None = None) -> np.ndarray:
        cats = perspective_categories(self.model, perspective)
        return sum((self.benefits[option][c] for c in cats), np.zeros((self.draws, self.model.horizon_years)))


def perspective_categories(model: EconomicModel, perspective: str | None = None) -> tuple[str, ...]:
    perspective = perspective or model.perspective
    if perspective == "social_security":
        cats = ("allowances", "healthcare")
    elif perspective == "society":
        cats = tuple(c for c in BENEFIT_CATEGORIES if c != "allowances" or model.society_counts_allowances)
    else:
        raise ValueError(f"unknown perspective {perspective!r}; expected 'social_security' or 'society'")
    return tuple(c for c in cats if model.benefit_switches.get(c, True))


def _exit(v: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    return v.get(f"transition.{key}", 0.0)


def derived_values(v: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Today's state and the derived transition, from the primitives (each (draws,) or scalar).

    - new mental incapacities a year: I = incidence (all causes) × mental share × population;
      last year's entrants are today's first-year incapacities;
    - those back at work: the steady state of their inflow (returns from incapacity and invalidity)
      over their yearly exits;
    - the rest of the active population is at risk in the proportion of the prevalence;
    - at_risk→incapacity = (I − entries from well and back-at-work) ÷ persons at risk, the
      incidence ÷ prevalence of a model with other entries into incapacity.
    Keys: start (draws, S) persons, `transition.at_risk->incapacity` (draws,), entry_mix (draws, S),
    new_incapacities (draws,).
    """
    n = np.asarray(v["population"], dtype=float)
    prevalence = np.asarray(v["risk_prevalence"], dtype=float)
    new_inc = np.asarray(v["incidence.all_causes"] * v["incidence.mental_share"], dtype=float) * n
    inv0 = np.asarray(v["population_dynamics.invalidity_at_start"], dtype=float) * np.ones_like(n)
    to_back = (1.0 - _exit(v, "incapacity->invalidity") - _exit(v, "incapacity->left")) * new_inc
    to_back = to_back + _exit(v, "invalidity->back_at_work") * inv0
    leave_back = sum(_exit(v, f"back_at_work->{t}") for t in ("well", "at_risk", "incapacity", "left"))
    back0 = to_back / np.maximum(leave_back, 1e-9)
    active = np.maximum(n - new_inc - inv0 - back0, 0.0)
    at_risk0, well0 = prevalence * active, (1.0 - prevalence) * active
    other = _exit(v, "well->incapacity") * well0 + _exit(v, "back_at_work->incapacity") * back0
    p_ar = np.clip((new_inc - other) / np.maximum(at_risk0, 1e-9), 0.0, 1.0)
    start = np.zeros(np.shape(n) + (len(STATES),))
    for state, x in (("well", well0), ("at_risk", at_risk0), ("incapacity", new_inc), ("invalidity", inv0), ("back_at_work", back0)):
        start[..., STATE_INDEX[state]] = x
    mix = np.zeros_like(start)
    mix[..., STATE_INDEX["well"]] = 1.0 - prevalence
    mix[..., STATE_INDEX["at_risk"]] = prevalence
    return {"start": start, "transition.at_risk->incapacity": p_ar, "entry_mix": mix, "new_incapacities": new_inc}


def component_uptake(model: EconomicModel, option: OptionSpec, cname: str, v: Mapping[str, np.ndarray]) -> np.ndarray:
    """(draws, cycles) share of the component's target that starts it each cycle (uptake × coverage)."""
    T = model.horizon_years
    uptake = np.asarray(v[f"component.{cname}.uptake"], dtype=float)[:, None]
    coverage = option.coverage_of(cname, T)
    if coverage is None:
        delivered = (np.arange(T) < model.components[cname].delivery_years).astype(float)[None, :]
        return uptake * delivered
    return uptake * coverage


def simulate(model: EconomicModel, values: Mapping[str, object] | None = None, options: list[str] | None = None) -> Simulation:
    """Run the model without programme and each option for every draw in `values` (defaults: base values)."""
    vals = dict(model.base_values())
    if values:
        unknown = set(values) - set(vals)
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        vals.update(values)
    v, d = _as_draws(vals, model.parameters)
    T = model.horizon_years
    col = lambda a: a[:, None]  # noqa: E731 - (draws,) → (draws, 1) to broadcast over cycles
    t_index = np.arange(T, dtype=float)

    derived = derived_values(v)
    v = {**v, "transition.at_risk->incapacity": derived["transition.at_risk->incapacity"]}
    base_exits = {k: np.broadcast_to(col(v[f"transition.{k}"]), (d, T)) for k in model.transitions}
    growth = v["population_dynamics.growth"]

    base_trace, entrants = run_open_population_draws(derived["start"], transition_matrices(base_exits, d, T),
                                                     derived["entry_mix"], growth=growth)

    def run(exits) -> np.ndarray:
        return run_open_population_draws(derived["start"], transition_matrices(exits, d, T), derived["entry_mix"],
                                         entrants=entrants)[0]

    chosen = options if options is not None else model.option_names
    sim = Simulation(model, d, list(chosen), {}, {}, {}, {}, {}, {NO_PROGRAMME: base_trace})
    sim.entrants = entrants

    inc, inv, left, at_risk = (STATE_INDEX[s] for s in ("incapacity", "invalidity", "left", "at_risk"))
    active = [STATE_INDEX[s] for s in ACTIVE_STATES]
    duration = col(v["incapacity_duration_years"])
    cost_index = (1.0 + col(v["cost_indexation"])) ** t_index
    benefit_index = (1.0 + col(v["benefit_indexation"])) ** t_index
    wellby_eur = col(v["wellbeing.value_per_wellby_gbp"] * v["wellbeing.eur_per_gbp"])

    for name in chosen:
        option = model.option(name)
        factors: dict[str, np.ndarray] = {}
        for cname in option.components:
            comp = model.components[cname]
            starts = component_uptake(model, option, cname, v)
            w = effect_weights(T, v[f"component.{cname}.effect_years"], v[f"component.{cname}.decay"])
            for e in comp.effects:
                size = col(v[e.parameter])
                if e.type == "rr":
                    individual = lambda wa, size=size: size ** wa  # noqa: E731
                else:
                    individual = lambda wa, size=size, p0=base_exits[e.transition]: effect_size_to_relative_risk(  # noqa: E731
                        size * wa, p0, direction=e.direction)
                rr = cohort_relative_risk(starts, w, individual)
                factors[e.transition] = factors.get(e.transition, 1.0) * rr
        exits = {k: (p * factors[k] if k in factors else p) for k, p in base_exits.items()}
        trace = run(exits)
        sim.traces[name] = trace

        cost = np.zeros((d, T))
        participants = np.zeros((d, T))
        for cname in option.components:
            comp = model.components[cname]
            target = trace[:, :-1, at_risk] if comp.target == "at_risk" else trace[:, :-1, active].sum(axis=-1)
            coverage = option.coverage_of(cname, T)
            reached = component_uptake(model, option, cname, v) * target
            if coverage is None:
                delivered = (t_index < comp.delivery_years).astype(float)
            else:
                delivered = (coverage > 0.0).astype(float)  # fixed costs run while any coverage is planned
            yearly = col(v[f"component.{cname}.fixed_cost_per_year"]) + col(v[f"component.{cname}.cost_per_participant"]) * reached
            uplift = cost_index * (1.0 + col(v["optimism_bias"]))
            sim.component_cost.setdefault(name, {})[cname] = yearly * delivered * uplift
            sim.component_participants.setdefault(name, {})[cname] = reached * delivered
            cost += yearly * delivered
            participants += reached * delivered
        cost *= cost_index * (1.0 + col(v["optimism_bias"]))

        entries_averted = base_trace[:, 1:, inc] - trace[:, 1:, inc]
        invalidity_averted = base_trace[:, 1:, inv] - trace[:, 1:, inv]
        at_risk_averted = base_trace[:, 1:, at_risk] - trace[:, 1:, at_risk]
        closures_averted = np.diff(base_trace[:, :, left], axis=1) - np.diff(trace[:, :, left], axis=1)
        sick_years_averted = entries_averted * duration + invalidity_averted
        b = {
            "allowances": col(v["allowance.daily_rate"] * v["allowance.paid_days_per_year"]) * sick_years_averted * benefit_index,
            "healthcare": col(v["healthcare_cost_per_person_year"]) * sick_years_averted * benefit_index,
            "output": col(v["output_per_person_year"]) * sick_years_averted * benefit_index,
            "closures": col(v["closure_cost"]) * closures_averted * benefit_index,
            "wellbeing": wellby_eur
            * (
                col(v["wellbeing.loss_at_risk"]) * at_risk_averted
                + col(v["wellbeing.loss_incapacity"]) * entries_averted * duration
                + col(v["wellbeing.loss_invalidity"]) * invalidity_averted
            ),
        }
        for c in BENEFIT_CATEGORIES:
            if not model.benefit_switches.get(c, True):
                b[c] = np.zeros((d, T))
        sim.cost[name] = cost
        sim.benefits[name] = b
        sim.entries_averted[name] = entries_averted
        sim.invalidity_py_averted[name] = invalidity_averted
        sim.participants[name] = participants
    return sim


def present_values(sim: Simulation, perspective: str | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Per option, (draws,) arrays: cost, benefit (perspective), each benefit category, npv,
    cases_averted (undiscounted), cases_averted_discounted (health rate), invalidity_py_averted,
    budget_savings (social-security benefits)."""
    model = sim.model
    fc, fh = model.cost_factors(), model.health_factors()
    cats = perspective_categories(model, perspective)
    ss_cats = perspective_categories(model, "social_security")
    out: dict[str, dict[str, np.ndarray]] = {}
    for name in sim.option_names:
        pv = {c: sim.benefits[name][c] @ (fh if c == "wellbeing" else fc) for c in BENEFIT_CATEGORIES}
        cost = sim.cost[name] @ fc
        benefit = sum((pv[c] for c in cats), np.zeros(sim.draws))
        out[name] = {
            "cost": cost,
            "benefit": benefit,
            **{f"benefit.{c}": pv[c] for c in BENEFIT_CATEGORIES},
            "npv": benefit - cost,
            "budget_savings": sum((pv[c] for c in ss_cats), np.zeros(sim.draws)),
            "cases_averted": sim.entries_averted[name].sum(axis=1),
            "cases_averted_discounted": sim.entries_averted[name] @ fh,
            "invalidity_py_averted": sim.invalidity_py_averted[name].sum(axis=1),
        }
    return out
