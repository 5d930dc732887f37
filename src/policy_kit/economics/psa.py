"""Probabilistic sensitivity analysis, vectorised over draws.

Each uncertain parameter's distribution is fitted to its range: `low` and `high` are the
(1 − interval)/2 and (1 + interval)/2 quantiles (the 2.5th and 97.5th percentiles unless the
params give another `interval`), so asymmetric ranges are honoured and the base value need not be
the mean. By kind:
- probability, share: beta, both parameters fitted to the two quantiles (scipy.optimize.least_squares);
- cost, duration, count: gamma, shape from the ratio high/low of the quantiles (brentq), then scale;
- ratio (relative risks, exchange rates): log-normal, exact on the two quantiles;
- effect: gamma when the range is positive (no negative effect sizes or wellbeing losses), normal otherwise;
- other: triangular(low, value, high);
- rate (discount, indexation): held at its value (a methodological choice, explored one-way).
Parameters without a range, or named in `hold_fixed`, stay fixed. Derived quantities (the at-risk →
incapacity probability) are not drawn: each draw re-derives them from its primitives. Draws are
independent across parameters (no correlation is modelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, stats

from policy_kit.economics.model import NO_PROGRAMME, EconomicModel, present_values, simulate
from policy_kit.params.sourced import Sourced


def _quantiles(interval: float) -> tuple[float, float]:
    return (1.0 - interval) / 2.0, (1.0 + interval) / 2.0


@lru_cache(maxsize=512)
def beta_parameters(low: float, high: float, interval: float = 0.95) -> tuple[float, float]:
    """(alpha, beta) of the beta whose `interval` quantiles are [low, high] (a zero low is read as 1e-6)."""
    q = np.array(_quantiles(interval))
    target = np.array([max(low, 1e-6), min(high, 1.0 - 1e-6)])
    mean = target.mean()
    sd = (target[1] - target[0]) / (2 * stats.norm.ppf(q[1]))
    k = max(mean * (1 - mean) / sd**2 - 1.0, 0.5)

    def residuals(log_ab: np.ndarray) -> np.ndarray:
        a, b = np.exp(log_ab)
        return (stats.beta.ppf(q, a, b) - target) / (target[1] - target[0])

    fit = optimize.least_squares(residuals, np.log([mean * k, (1 - mean) * k]), xtol=1e-12, ftol=1e-12)
    a, b = np.exp(fit.x)
    return float(a), float(b)


@lru_cache(maxsize=512)
def gamma_parameters(low: float, high: float, interval: float = 0.95) -> tuple[float, float]:
    """(shape, scale) of the gamma whose `interval` quantiles are [low, high] (0 < low < high)."""
    q_lo, q_hi = _quantiles(interval)

    def gap(log_shape: float) -> float:
        k = np.exp(log_shape)
        return np.log(stats.gamma.ppf(q_hi, k) / stats.gamma.ppf(q_lo, k)) - np.log(high / low)

    log_k = optimize.brentq(gap, np.log(1e-2), np.log(1e7), xtol=1e-12)
    shape = float(np.exp(log_k))
    return shape, float(low / stats.gamma.ppf(q_lo, shape))


def lognormal_parameters(low: float, high: float, interval: float = 0.95) -> tuple[float, float]:
    """(mu, sigma) of the log-normal whose `interval` quantiles are [low, high] (0 < low < high)."""
    z = stats.norm.ppf(_quantiles(interval)[1])
    return (np.log(low) + np.log(high)) / 2.0, (np.log(high) - np.log(low)) / (2.0 * z)


def distribution_name(s: Sourced) -> str | None:
    """Which distribution a parameter gets in the PSA (None: held at its value)."""
    if not s.is_uncertain or s.kind == "rate":
        return None
    if s.kind in ("probability", "share"):
        return "beta"
    if s.kind in ("cost", "duration", "count"):
        return "gamma" if s.low > 0 else "triangular"
    if s.kind == "ratio":
        return "lognormal" if s.low > 0 else "triangular"
    if s.kind == "effect":
        return "gamma" if s.low > 0 else "normal"
    return "triangular"


def sample(s: Sourced, draws: int, rng: np.random.Generator) -> np.ndarray:
    """`draws` values of one parameter (see the module docstring for the distribution)."""
    kind = distribution_name(s)
    if kind is None:
        return np.full(draws, s.value)
    if kind == "beta":
        return rng.beta(*beta_parameters(s.low, s.high, s.interval), draws)
    if kind == "gamma":
        shape, scale = gamma_parameters(s.low, s.high, s.interval)
        return rng.gamma(shape, scale, draws)
    if kind == "lognormal":
        mu, sigma = lognormal_parameters(s.low, s.high, s.interval)
        return np.exp(rng.normal(mu, sigma, draws))
    if kind == "normal":
        z = stats.norm.ppf(_quantiles(s.interval)[1])
        return rng.normal((s.low + s.high) / 2.0, (s.high - s.low) / (2.0 * z), draws)
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


def psa_inputs(model: EconomicModel, draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """parameter, distribution, low, high, value, q025, q975, mean: the draws the analysis uses, summarised."""
    samples = sample_parameters(model, draws, seed)
    rows = []
    for name in samples.columns:
        s = model.parameters[name].sourced
        x = samples[name].to_numpy()
        q_lo, q_hi = np.quantile(x, _quantiles(s.interval))
        rows.append({"parameter": name, "distribution": distribution_name(s), "low": s.low, "high": s.high,
                     "value": s.value, "q025": float(q_lo), "q975": float(q_hi), "mean": float(x.mean())})
    return pd.DataFrame(rows, columns=["parameter", "distribution", "low", "high", "value", "q025", "q975", "mean"])


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
    reference: str | None = None  # arrays are increments over this option (its column is zero); None: over no programme
    npv_by_perspective: dict[str, np.ndarray] = field(default_factory=dict)  # (draws, options) per perspective

    @property
    def draws(self) -> int:
        return self.cost.shape[0]

    def prob_npv_positive(self, perspective: str | None = None) -> pd.Series:
        npv = self.npv if perspective is None else self.npv_by_perspective[perspective]
        return pd.Series((npv > 0).mean(axis=0), index=self.options, name="p_npv_positive")

    def summary(self) -> pd.DataFrame:
        """Mean and 95 % interval of cost, benefit, NPV and cases averted, and P(NPV > 0), per option."""
        rows = {}
        for j, name in enumerate(self.options):
            row = {"label_fr": self.labels_fr[j]}
            for key in ("cost", "benefit", "npv", "cases_averted"):
                a = getattr(self, key)[:, j]
                row[f"{key}_mean"] = a.mean()
                row[f"{key}_p2.5"], row[f"{key}_p97.5"] = np.percentile(a, [2.5, 97.5])
            row["p_npv_positive"] = np.nan if name == self.reference else (self.npv[:, j] > 0).mean()
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
        """(draws, options): λ · cases averted (discounted) − cost; without a reference, no programme (0) comes first."""
        nb = wtp * self.cases_averted_discounted - self._net_cost(cost_basis)
        return nb if self.reference is not None else np.column_stack([np.zeros(self.draws), nb])

    def _columns(self) -> list[str]:
        return self.options if self.reference is not None else [NO_PROGRAMME] + self.options

    def ceac(self, wtp=None, cost_basis: str = "programme") -> pd.DataFrame:
        """Acceptability curve: P(option is optimal) per willingness to pay per case averted."""
        grid = np.asarray(self.wtp_grid if wtp is None else wtp, dtype=float)
        rows = [acceptability(self.net_benefit(w, cost_basis)) for w in grid]
        return pd.DataFrame(rows, index=pd.Index(grid, name="wtp"), columns=self._columns())

    def evpi(self, population: float | None = None) -> float:
        """EVPI of the choice among the options (and no programme when there is no reference), valued in NPV (EUR)."""
        nb = self.npv if self.reference is not None else np.column_stack([np.zeros(self.draws), self.npv])
        return evpi(nb, population)

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
    reference: str | None = None,
) -> PsaResult:
    """Sample every uncertain parameter and run all options in one vectorised pass.

    With `reference` (one of the options), every array is the increment over that option.
    """
    seed = model.psa_seed if seed is None else seed
    samples = sample_parameters(model, draws, seed)
    names = list(options or model.option_names)
    if reference is not None and reference not in names:
        raise ValueError(f"reference {reference!r} is not among the options {names}")
    sim = simulate(model, {c: samples[c].to_numpy() for c in samples.columns}, options=names)
    pvs = {p: present_values(sim, p) for p in ("society", "social_security")}
    pv = pvs[perspective or model.perspective]

    def stack(key: str, table=pv) -> np.ndarray:
        out = np.column_stack([table[n][key] for n in names])
        return out - table[reference][key][:, None] if reference is not None else out

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
        reference=reference,
        npv_by_perspective={p: stack("npv", table) for p, table in pvs.items()},
    )
