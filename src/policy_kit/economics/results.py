"""Base-case results per option, yearly streams and the incremental (ICER) table."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policy_kit.economics.model import (
    BENEFIT_CATEGORIES,
    NO_PROGRAMME,
    EconomicModel,
    present_values,
    simulate,
)
from policy_kit.economics.markov import STATES


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def payback_year(net_discounted: np.ndarray, start_year: int) -> int | None:
    """First calendar year in which the cumulative discounted net benefit is ≥ 0 (None if never)."""
    cum = np.cumsum(net_discounted)
    hits = np.flatnonzero(cum >= 0)
    return int(start_year + hits[0]) if hits.size else None


@dataclass(frozen=True)
class OptionResult:
    """Base-case result of one option against the status quo (money in EUR, present values)."""

    name: str
    label_fr: str
    components: tuple[str, ...]
    perspective: str
    cost: float
    benefits: dict[str, float]  # PV by category, whatever the perspective
    benefit: float  # PV of the categories in the perspective
    npv: float
    bcr: float  # benefit / cost
    roi: float  # (benefit − cost) / cost
    payback_year: int | None
    cases_averted: float  # new incapacity entries averted over the horizon (undiscounted)
    cases_averted_discounted: float
    invalidity_person_years_averted: float
    cost_per_case_averted: float  # programme cost (PV) / cases averted (discounted at the health rate)
    participants: float  # participations summed over years
    streams: pd.DataFrame  # one row per calendar year, see `yearly_streams`


def yearly_streams(model: EconomicModel, sim, name: str, perspective: str | None = None) -> pd.DataFrame:
    """Yearly undiscounted streams (budget impact) plus discounted and cumulative columns."""
    from policy_kit.economics.model import perspective_categories

    fc, fh = model.cost_factors(), model.health_factors()
    cats = perspective_categories(model, perspective)
    df = pd.DataFrame(index=pd.Index(model.years, name="year"))
    df["cost"] = sim.cost[name][0]
    for c in BENEFIT_CATEGORIES:
        df[c] = sim.benefits[name][c][0]
    df["benefit"] = df[list(cats)].sum(axis=1) if cats else 0.0
    df["net"] = df["benefit"] - df["cost"]
    df["cost_discounted"] = df["cost"] * fc
    benefit_disc = sum((df[c] * (fh if c == "wellbeing" else fc) for c in cats), pd.Series(0.0, index=df.index))
    df["benefit_discounted"] = benefit_disc
    df["net_discounted"] = df["benefit_discounted"] - df["cost_discounted"]
    df["cumulative_net_discounted"] = df["net_discounted"].cumsum()
    df["cases_averted"] = sim.entries_averted[name][0]
    df["invalidity_py_averted"] = sim.invalidity_py_averted[name][0]
    df["participants"] = sim.participants[name][0]
    return df


@dataclass(frozen=True)
class EconomicResults:
    model: EconomicModel
    perspective: str
    options: dict[str, OptionResult]
    traces: dict[str, pd.DataFrame]  # occupancy (persons) by year, status quo included

    def table(self) -> pd.DataFrame:
        """One row per option: PVs, NPV, BCR, ROI, payback, cases averted, cost per case."""
        rows = []
        for r in self.options.values():
            rows.append(
                {
                    "option": r.name,
                    "label_fr": r.label_fr,
                    "cost": r.cost,
                    **{f"benefit_{c}": r.benefits[c] for c in BENEFIT_CATEGORIES},
                    "benefit": r.benefit,
                    "npv": r.npv,
                    "bcr": r.bcr,
                    "roi": r.roi,
                    "payback_year": r.payback_year,
                    "cases_averted": r.cases_averted,
                    "invalidity_person_years_averted": r.invalidity_person_years_averted,
                    "cost_per_case_averted": r.cost_per_case_averted,
                }
            )
        return pd.DataFrame(rows).set_index("option")

    def streams(self) -> pd.DataFrame:
        """Long table of yearly streams: columns option, year, cost, benefit categories, …"""
        return pd.concat({k: r.streams for k, r in self.options.items()}, names=["option"]).reset_index()

    def incremental(self, cost: str = "programme") -> pd.DataFrame:
        """ICER table per case averted; `cost` 'programme' (gross) or 'net' (minus social-security savings)."""
        names = [NO_PROGRAMME] + list(self.options)
        costs = [0.0] + [r.cost - (r.benefits["allowances"] + r.benefits["healthcare"] if cost == "net" else 0.0) for r in self.options.values()]
        effects = [0.0] + [r.cases_averted_discounted for r in self.options.values()]
        labels = ["statu quo"] + [r.label_fr for r in self.options.values()]
        return incremental_analysis(names, costs, effects, labels=labels)


def evaluate(model: EconomicModel, perspective: str | None = None) -> EconomicResults:
    """Base case (every parameter at its value) for every option."""
    perspective = perspective or model.perspective
    sim = simulate(model)
    pv = present_values(sim, perspective)
    options = {}
    for o in model.options:
        p = {k: float(a[0]) for k, a in pv[o.name].items()}
        streams = yearly_streams(model, sim, o.name, perspective)
        options[o.name] = OptionResult(
            name=o.name,
            label_fr=o.label_fr,
            components=o.components,
            perspective=perspective,
            cost=p["cost"],
            benefits={c: p[f"benefit.{c}"] for c in BENEFIT_CATEGORIES},
            benefit=p["benefit"],
            npv=p["npv"],
            bcr=_ratio(p["benefit"], p["cost"]),
            roi=_ratio(p["npv"], p["cost"]),
            payback_year=payback_year(streams["net_discounted"].to_numpy(), model.start_year),
            cases_averted=p["cases_averted"],
            cases_averted_discounted=p["cases_averted_discounted"],
            invalidity_person_years_averted=p["invalidity_py_averted"],
            cost_per_case_averted=_ratio(p["cost"], p["cases_averted_discounted"]),
            participants=float(streams["participants"].sum()),
            streams=streams,
        )
    years = np.arange(model.start_year - 1, model.start_year + model.horizon_years)
    traces = {k: pd.DataFrame(t[0], index=pd.Index(years, name="end_of_year"), columns=list(STATES)) for k, t in sim.traces.items()}
    return EconomicResults(model, perspective, options, traces)


STATUS_LABELS_FR = {"ND": "non dominée", "D": "dominée", "ED": "dominance étendue"}


def incremental_analysis(names, costs, effects, labels=None) -> pd.DataFrame:
    """Incremental cost-effectiveness table, as dampack's `calculate_icers`.

    Sorted by cost (then by effect, best first). Strongly dominated options (another costs no
    more and does at least as well, one of the two strictly) get status "D"; then, among the
    rest, an option whose ICER exceeds that of the next more costly option is extendedly
    dominated ("ED"), repeated until ICERs increase. ICERs and increments are against the
    previous non-dominated option; NaN for dominated ones and for the reference.
    """
    df = pd.DataFrame({"option": list(names), "cost": np.asarray(costs, float), "effect": np.asarray(effects, float)})
    df["label_fr"] = list(labels) if labels is not None else df["option"]
    df = df.sort_values(["cost", "effect"], ascending=[True, False], kind="mergesort").reset_index(drop=True)
    status = np.array(["ND"] * len(df), dtype=object)
    c, e = df["cost"].to_numpy(), df["effect"].to_numpy()
    for i in range(len(df)):
        dominated = (c <= c[i]) & (e >= e[i]) & ((c < c[i]) | (e > e[i]))
        if dominated.any():
            status[i] = "D"
    while True:
        nd = np.flatnonzero(status == "ND")
        icers = (c[nd[1:]] - c[nd[:-1]]) / (e[nd[1:]] - e[nd[:-1]])
        worse = np.flatnonzero(icers[:-1] > icers[1:])
        if not worse.size:
            break
        status[nd[worse + 1]] = "ED"  # the first option whose ICER is above the next one's
    df["status"] = status
    df["status_fr"] = [STATUS_LABELS_FR[s] for s in status]
    df["inc_cost"] = np.nan
    df["inc_effect"] = np.nan
    df["icer"] = np.nan
    nd = np.flatnonzero(status == "ND")
    for prev, cur in zip(nd[:-1], nd[1:]):
        df.loc[cur, "inc_cost"] = c[cur] - c[prev]
        df.loc[cur, "inc_effect"] = e[cur] - e[prev]
        df.loc[cur, "icer"] = (c[cur] - c[prev]) / (e[cur] - e[prev])
    return df[["option", "label_fr", "cost", "effect", "inc_cost", "inc_effect", "icer", "status", "status_fr"]]
