"""Probabilistic sensitivity analysis, vectorised over draws.

Distributions are derived from each parameter's value and [low, high] range, read as a 95 %
interval, according to its kind:
- probability, share: beta with mean = value; its concentration is fitted (least squares on the
  2.5 % and 97.5 % quantiles) so that the interval matches [low, high] as closely as a beta with
  that mean allows;
- cost, duration, count: gamma by the method of moments, mean = value, sd = (high − low) / 3.92;
- ratio: log-normal with median = value and σ = (ln high − ln low) / 3.92 (gamma if low ≤ 0);
- effect: normal, mean = value, sd = (high − low) / 3.92;
- other: triangular(low, value, high);
- rate (discount, indexation): held at its value (a methodological choice, explored one-way).
Parameters without a range, with value 0 for gamma/beta, or named in `hold_fixed` stay fixed.
Draws are independent across parameters (no correlation is modelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, stats

from policy_kit.economics.model import NO_PROGRAMME, EconomicModel, present_values, simulate
from policy_kit.params.sourced import Sourced

Z95 = 2 * 1.959963984540054


@lru_cache(maxsize=512)
def beta_parameters(mean: float, low: float, high: float) -> tuple[float, float]:
    """(alpha, beta) of a beta with the given mean whose 95 % interval best matches [low, high]."""
    if not 0.0 < mean < 1.0:
        raise ValueError(f"a beta distribution needs a mean strictly between 0 and 1; got {mean}")

    def loss(log_k: float) -> float:
        k = np.exp(log_k)
        q = stats.beta.ppf([0.025, 0.975], mean * k, (1 - mean) * k)
        return float(((q[0] - low) ** 2 + (q[1] - high) ** 2) / max(high - low, 1e-12) ** 2)

    res = optimize.minimize_scalar(loss, bounds=(np.log(0.5), np.log(1e7)), method="bounded", options={"xatol": 1e-6})
    k = float(np.exp(res.x))
    return mean * k, (1 - mean) * k


def distribution_name(s: Sourced) -> str | None:
    """Which distribution a parameter gets in the PSA (None: held at its value)."""
    if not s.is_uncertain or s.kind == "rate":
        return None
    if s.kind in ("probability", "share"):
        return "beta" if 0.0 < s.value < 1.0 else None
    if s.kind in ("cost", "duration", "count"):
        return "gamma" if s.value > 0 else None
    if s.kind == "ratio":
        return "lognormal" if s.low > 0 else ("gamma" if s.value > 0 else None)
    if s.kind == "effect":
        return "normal"
    return "triangular"


def sample(s: Sourced, draws: int, rng: np.random.Generator) -> np.ndarray:
    """`draws` values of one parameter (see the module docstring for the distribution)."""
    kind = distribution_name(s)
    if kind is None:
        return np.full(draws, s.value)
    sd = (s.high - s.low) / Z95
    if kind == "beta":
        a, b = beta_parameters(s.value, s.low, s.high)
        return rng.beta(a, b, draws)
    if kind == "gamma":
        shape = (s.value / sd) ** 2
        return rng.gamma(shape, s.value / shape, draws)
    if kind == "lognormal":
        return np.exp(rng.normal(np.log(s.value), (np.log(s.high) - np.log(s.low)) / Z95, draws))
    if kind == "normal":
        return rng.normal(s.value, sd, draws)
    return rng.triangular(s.low, s.value, s.high, draws)


def sample_parameters(model: EconomicModel, draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """One row per draw, one column per sampled parameter; the same seed gives the same table."""
    draws = draws or model.psa_draws
    rng = np.random.default_rng(model.psa_seed if seed is None else seed)
    cols = {}
    for name in sorted(model.parameters):  # fixed order: reproducible whatever the params order
        p = model.parameters[name]
        if name in model.psa_hold_fixed or distribution_name(p.sourced) is None:
            continue
        cols[name] = sample(p.sourced, draws, rng)
    return pd.DataFrame(cols)


def acceptability(net_benefit: np.ndarray) -> np.ndarray:
    """Share of draws in which each option has the highest net benefit; (draws, K) → (K,)."""
    nb = np.asarray(net_benefit, dtype=float)
    best = np.argmax(nb, axis=-1)
    return np.bincount(best, minlength=nb.shape[-1]) / nb.shape[0]


def evpi(net_benefit: np.ndarray, population: float | None = None) -> float:
    """Expected value of perfect information: E[max_k NB] − max_k E[NB], over (draws, K).

    Per decision; multiplied by `population` when given (net benefits per person scaled to
    everyone the decision affects). Never negative.
    """
    nb = np.asarray(net_benefit, dtype=float)
    value = float(np.mean(nb.max(axis=1)) - nb.mean(axis=0).max())
    value = max(value, 0.0)
    return value * population if population is not None else value


@dataclass(frozen=True)
class PsaResult:
    """Draws of each option against the status quo; every array is (draws, options)."""

    options: list[str]
    labels_fr: list[str]
    perspective: str
    cost: np.ndarray
    benefit: np.ndarray
    npv: np.ndarray
    cases_averted: np.ndarray  # new incapacity entries averted, undiscounted
    cases_averted_discounted: np.ndarray
    budget_savings: np.ndarray  # social-security benefits (allowances + healthcare), PV
    samples: pd.DataFrame  # sampled parameter values, one row per draw
    seed: int
    wtp_grid: tuple[float, ...] = field(default_factory=tuple)

    @property
    def draws(self) -> int:
        return self.cost.shape[0]

    def prob_npv_positive(self) -> pd.Series:
        return pd.Series((self.npv > 0).mean(axis=0), index=self.options, name="p_npv_positive")

    def summary(self) -> pd.DataFrame:
        """Mean and 95 % interval of cost, benefit, NPV and cases averted, and P(NPV > 0), per option."""
        rows = {}
        for j, name in enumerate(self.options):
            row = {"label_fr": self.labels_fr[j]}
            for key in ("cost", "benefit", "npv", "cases_averted"):
                a = getattr(self, key)[:, j]
                row[f"{key}_mean"] = a.mean()
                row[f"{key}_p2.5"], row[f"{key}_p97.5"] = np.percentile(a, [2.5, 97.5])
            row["p_npv_positive"] = (self.npv[:, j] > 0).mean()
            rows[name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    def ce_plane(self) -> pd.DataFrame:
        """Long table for the cost-effectiveness plane: option, label_fr, draw, cost, cases_averted, npv."""
        d, k = self.cost.shape
        return pd.DataFrame(
            {
                "option": np.repeat(self.options, d),
                "label_fr": np.repeat(self.labels_fr, d),
                "draw": np.tile(np.arange(d), k),
                "cost": self.cost.T.ravel(),
                "cases_averted": self.cases_averted_discounted.T.ravel(),
                "npv": self.npv.T.ravel(),
            }
        )

    def _net_cost(self, cost_basis: str) -> np.ndarray:
        if cost_basis == "programme":
            return self.cost
        if cost_basis == "net":
            return self.cost - self.budget_savings
        raise ValueError(f"cost_basis must be 'programme' or 'net'; got {cost_basis!r}")

    def net_benefit(self, wtp: float, cost_basis: str = "programme") -> np.ndarray:
        """(draws, 1 + options): status quo (0) first, then λ · cases averted (discounted) − cost."""
        nb = wtp * self.cases_averted_discounted - self._net_cost(cost_basis)
        return np.column_stack([np.zeros(self.draws), nb])

    def ceac(self, wtp=None, cost_basis: str = "programme") -> pd.DataFrame:
        """Acceptability curve: P(option is optimal) per willingness to pay per case averted."""
        grid = np.asarray(self.wtp_grid if wtp is None else wtp, dtype=float)
        rows = [acceptability(self.net_benefit(w, cost_basis)) for w in grid]
        return pd.DataFrame(rows, index=pd.Index(grid, name="wtp"), columns=[NO_PROGRAMME] + self.options)

    def evpi(self, population: float | None = None) -> float:
        """EVPI of the choice among the status quo and the options, valued in NPV (EUR)."""
        return evpi(np.column_stack([np.zeros(self.draws), self.npv]), population)

    def evpi_by_wtp(self, wtp=None, cost_basis: str = "programme", population: float | None = None) -> pd.Series:
        grid = np.asarray(self.wtp_grid if wtp is None else wtp, dtype=float)
        return pd.Series([evpi(self.net_benefit(w, cost_basis), population) for w in grid], index=pd.Index(grid, name="wtp"), name="evpi")


def run_psa(
    model: EconomicModel,
    draws: int | None = None,
    seed: int | None = None,
    *,
    perspective: str | None = None,
    options: list[str] | None = None,
) -> PsaResult:
    """Sample every uncertain parameter and run all options in one vectorised pass."""
    seed = model.psa_seed if seed is None else seed
    samples = sample_parameters(model, draws, seed)
    names = options or model.option_names
    sim = simulate(model, {c: samples[c].to_numpy() for c in samples.columns}, options=names)
    pv = present_values(sim, perspective)
    stack = lambda key: np.column_stack([pv[n][key] for n in names])  # noqa: E731
    return PsaResult(
        options=list(names),
        labels_fr=[model.option(n).label_fr for n in names],
        perspective=perspective or model.perspective,
        cost=stack("cost"),
        benefit=stack("benefit"),
        npv=stack("npv"),
        cases_averted=stack("cases_averted"),
        cases_averted_discounted=stack("cases_averted_discounted"),
        budget_savings=stack("budget_savings"),
        samples=samples,
        seed=seed,
        wtp_grid=model.wtp_grid,
    )
