"""Discounting: a timing convention and versioned schedules of real discount rates.

Timing convention (cycle t = 1..n, yearly cycles):
- ``timing="end"`` (default): the value of cycle t arises at the end of year t, factor
  1 / (1 + r)^t. This is the convention of Briggs, Claxton & Sculpher (2006).
- ``timing="start"``: at the start of year t, factor 1 / (1 + r)^(t-1); the first year is
  not discounted (suits payments made up front, such as a yearly programme budget).
- ``half_cycle=True`` (with ``timing="end"``): mid-year, factor 1 / (1 + r)^(t - 1/2), the usual
  half-cycle correction for flows spread over the year.
With a schedule whose rate changes by year, the factor is the product of the yearly factors,
fractional years taking the rate of the year they fall in (as in the Green Book tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from policy_kit.params.schedules import discount_schedule_names, schedules_data  # noqa: F401 - re-exported
Timing = Literal["end", "start"]


def _exponents(n: int, timing: Timing, half_cycle: bool, start_year: int) -> np.ndarray:
    if timing not in ("end", "start"):
        raise ValueError(f"timing must be 'end' or 'start'; got {timing!r}")
    if half_cycle and timing == "start":
        raise ValueError("half_cycle applies to end-of-cycle timing; with timing='start' the flow is already undiscounted in year 1")
    t = np.arange(start_year, start_year + n, dtype=float)
    if timing == "start":
        t = t - 1.0
    if half_cycle:
        t = t - 0.5
    return np.maximum(t, 0.0)


def _factors_from_yearly_rates(exponents: np.ndarray, rate_of_year) -> np.ndarray:
    """Factor for a (possibly fractional) time: product of 1/(1+r_k) over the years it spans."""
    horizon = int(np.ceil(exponents.max())) if exponents.size else 0
    rates = np.array([rate_of_year(k) for k in range(1, horizon + 1)], dtype=float)
    log_cum = np.concatenate([[0.0], np.cumsum(np.log1p(rates))])
    whole = np.floor(exponents).astype(int)
    frac = exponents - whole
    next_rate = np.array([rate_of_year(k + 1) for k in whole], dtype=float)
    return np.exp(-(log_cum[whole] + frac * np.log1p(next_rate)))


def discount_factors(
    n: int,
    rate: float | "DiscountSchedule",
    *,
    timing: Timing = "end",
    half_cycle: bool = False,
    start_year: int = 1,
    outcome: Literal["costs", "health"] = "costs",
) -> np.ndarray:
    """Factors for cycles start_year .. start_year + n - 1 (see the module docstring for timing)."""
    exps = _exponents(n, timing, half_cycle, start_year)
    if isinstance(rate, DiscountSchedule):
        return _factors_from_yearly_rates(exps, lambda k: rate.rate(k, outcome))
    r = float(rate)
    if r <= -1:
        raise ValueError(f"discount rate {r} must be above -100 %")
    return (1.0 + r) ** -exps


def discount(
    values,
    rate: float | "DiscountSchedule",
    *,
    timing: Timing = "end",
    half_cycle: bool = False,
    start_year: int = 1,
    outcome: Literal["costs", "health"] = "costs",
) -> np.ndarray:
    """Discounted values along the last axis (one entry per yearly cycle); sum them for a present value.

    `rate` is a constant real rate or a `DiscountSchedule` (then `outcome` picks its costs or
    health rates). `start_year` is the index of the first value (1 = first cycle; 0 = a value
    at time 0 under end timing, left undiscounted).
    """
    v = np.asarray(values, dtype=float)
    f = discount_factors(v.shape[-1], rate, timing=timing, half_cycle=half_cycle, start_year=start_year, outcome=outcome)
    return v * f


@dataclass(frozen=True)
class RateBand:
    first_year: int
    last_year: int | None
    rate: float

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True)
class DiscountSchedule:
    """A named, sourced set of yearly real discount rates for costs and for health outcomes."""

    name: str
    label_fr: str
    source: str
    vintage: str
    costs: tuple[RateBand, ...]
    health: tuple[RateBand, ...]

    def rate(self, year: int, outcome: Literal["costs", "health"] = "costs") -> float:
        bands = self.costs if outcome == "costs" else self.health
        for band in bands:
            if band.covers(max(year, 1)):
                return band.rate
        raise ValueError(f"discount schedule {self.name!r} has no {outcome} rate for year {year}")

    def cost_factors(self, n: int, *, timing: Timing = "end", half_cycle: bool = False, start_year: int = 1) -> np.ndarray:
        return discount_factors(n, self, timing=timing, half_cycle=half_cycle, start_year=start_year, outcome="costs")

    def health_factors(self, n: int, *, timing: Timing = "end", half_cycle: bool = False, start_year: int = 1) -> np.ndarray:
        return discount_factors(n, self, timing=timing, half_cycle=half_cycle, start_year=start_year, outcome="health")


def _bands(entries: list[dict], name: str, outcome: str) -> tuple[RateBand, ...]:
    bands = tuple(RateBand(int(e["from"]), None if e.get("to") is None else int(e["to"]), float(e["rate"])) for e in entries)
    expected = 1
    for band in bands:
        if band.first_year != expected:
            raise ValueError(f"discount schedule {name!r}: {outcome} bands must be contiguous from year 1; a band starts at {band.first_year}, expected {expected}")
        if band.last_year is None:
            break
        expected = band.last_year + 1
    if bands[-1].last_year is not None:
        raise ValueError(f"discount schedule {name!r}: the last {outcome} band must be open-ended (to: null)")
    return bands


@lru_cache(maxsize=1)
def _schedules_data() -> dict:
    return schedules_data()


def load_discount_schedule(name: str) -> DiscountSchedule:
    """The schedule `name` from discount_schedules.yaml (ValueError listing the names if unknown)."""
    data = _schedules_data()
    if name not in data:
        raise ValueError(f"unknown discount schedule {name!r}; available: {', '.join(sorted(data))}")
    entry = data[name]
    return DiscountSchedule(
        name=name,
        label_fr=entry["label_fr"],
        source=" ".join(str(entry["source"]).split()),
        vintage=str(entry["vintage"]),
        costs=_bands(entry["costs"], name, "costs"),
        health=_bands(entry["health"], name, "health"),
    )
