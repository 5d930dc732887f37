"""Cohort state-transition (Markov) engine with yearly cycles.

Occupancy is counted at the cycle boundaries: row 0 is the start vector, row t the cohort after
t transitions. Transition matrices are row-stochastic (row = state of origin).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from policy_kit.params.states import (  # noqa: F401 - the engine's public names
    ABSORBING,
    DERIVED_TRANSITIONS,
    REMAINDER_STATE,
    STATE_INDEX,
    STATES,
    parse_transition,
    transition_key,
)

STATE_LABELS_FR: dict[str, str] = {
    "well": "en bonne santé",
    "at_risk": "à risque de burn-out",
    "incapacity": "incapacité primaire (première année)",
    "invalidity": "invalidité (au-delà d'un an)",
    "back_at_work": "reprise du travail",
    "left": "sortie du statut d'indépendant",
}

ROW_TOLERANCE = 1e-6


def _state_name(i: int, states: Sequence[str] | None) -> str:
    if states is not None and i < len(states):
        return f"{states[i]!r} (row {i})"
    return f"row {i}"


def check_transitions(matrices: np.ndarray, *, states: Sequence[str] | None = None, tol: float = ROW_TOLERANCE) -> None:
    """Refuse negative entries and rows that do not sum to 1.

    `matrices` has shape (..., cycles, S, S); the message names the first faulty cycle (1-based),
    row and, for draws, the draw index.
    """
    m = np.asarray(matrices, dtype=float)
    if not np.all(np.isfinite(m)):
        idx = np.argwhere(~np.isfinite(m))[0]
        raise ValueError(f"transition matrices contain a non-finite value at index {tuple(int(i) for i in idx)}")
    negative = m < -tol
    row_sums = m.sum(axis=-1)
    bad_rows = np.abs(row_sums - 1.0) > tol
    for mask, what in ((negative.any(axis=-1), "has a negative entry"), (bad_rows, "does not sum to 1")):
        if mask.any():
            idx = tuple(int(i) for i in np.argwhere(mask)[0])
            *draw, cycle, row = idx
            where = f"cycle {cycle + 1}, {_state_name(row, states)}"
            if draw:
                where = f"draw {draw[0]}, " + where
            detail = (
                f"sums to {row_sums[idx]:.6g}" if what == "does not sum to 1" else f"min {m[idx].min():.6g}"
            )
            raise ValueError(
                f"transition matrix {where} {what} ({detail}); each row must hold non-negative probabilities "
                f"summing to 1 within {tol:g}"
            )


def _as_cycle_stack(transitions: np.ndarray, cycles: int | None, lead: int) -> tuple[np.ndarray, int]:
    """Give (…, cycles, S, S) from a per-cycle stack or one matrix repeated `cycles` times."""
    p = np.asarray(transitions, dtype=float)
    if p.ndim == lead + 2:
        if cycles is None:
            raise ValueError("one transition matrix was given: pass `cycles` to say how many cycles to run")
        p = np.broadcast_to(p[..., None, :, :], p.shape[:-2] + (cycles,) + p.shape[-2:])
    elif p.ndim == lead + 3:
        if cycles is not None and cycles != p.shape[-3]:
            raise ValueError(f"`cycles`={cycles} but the transition stack holds {p.shape[-3]} cycles")
    else:
        raise ValueError(f"transitions must have {lead + 2} or {lead + 3} dimensions; got shape {p.shape}")
    if p.shape[-1] != p.shape[-2]:
        raise ValueError(f"transition matrices must be square; got shape {p.shape[-2:]}")
    return p, p.shape[-3]


def run_cohort(
    start: Sequence[float] | np.ndarray,
    transitions: np.ndarray,
    cycles: int | None = None,
    *,
    states: Sequence[str] | None = STATES,
    check: bool = True,
) -> np.ndarray:
    """Occupancy trace of a cohort: shape (cycles + 1, S), row 0 = `start`.

    `transitions` is one (S, S) matrix (then `cycles` is required) or a stack (cycles, S, S) when
    the matrices change by cycle. Rows must be non-negative and sum to 1 (ValueError otherwise,
    naming the cycle and row). The cohort size is preserved: each row of the trace sums to sum(start).
    """
    x0 = np.asarray(start, dtype=float)
    p, n = _as_cycle_stack(transitions, cycles, lead=0)
    if x0.shape != (p.shape[-1],):
        raise ValueError(f"start vector has shape {x0.shape}; the matrices have {p.shape[-1]} states")
    if check:
        check_transitions(p, states=states if states is not None and len(states) == p.shape[-1] else None)
    trace = np.empty((n + 1, x0.size))
    trace[0] = x0
    for t in range(n):
        trace[t + 1] = trace[t] @ p[t]
    return trace


def run_cohort_draws(
    start: np.ndarray,
    transitions: np.ndarray,
    cycles: int | None = None,
    *,
    states: Sequence[str] | None = STATES,
    check: bool = True,
) -> np.ndarray:
    """Vectorised `run_cohort` over draws: shape (draws, cycles + 1, S).

    `transitions` is (draws, cycles, S, S) or (draws, S, S) with `cycles`; `start` is (S,) or
    (draws, S). Loops over cycles only, never over draws.
    """
    p, n = _as_cycle_stack(transitions, cycles, lead=1)
    d, s = p.shape[0], p.shape[-1]
    x0 = np.broadcast_to(np.asarray(start, dtype=float), (d, s))
    if check:
        check_transitions(p, states=states if states is not None and len(states) == s else None)
    trace = np.empty((d, n + 1, s))
    trace[:, 0] = x0
    for t in range(n):
        trace[:, t + 1] = np.einsum("ds,dsk->dk", trace[:, t], p[:, t])
    return trace


def run_open_population_draws(
    start: np.ndarray,
    transitions: np.ndarray,
    entry_mix: np.ndarray,
    *,
    growth: np.ndarray | None = None,
    entrants: np.ndarray | None = None,
    absorbing: Sequence[int] = (STATE_INDEX["left"],),
) -> tuple[np.ndarray, np.ndarray]:
    """An open population: x_{t+1} = x_t · P_t + e_t · mix, vectorised over draws.

    `start` (draws, S) persons; `transitions` (draws, cycles, S, S); `entry_mix` (draws, S), the
    states entrants start in (rows sum to 1). Either `entrants` (draws, cycles) is given, or it is
    computed: the persons who reached an absorbing state in the cycle are replaced and the living
    population grows by `growth` (draws,). Returns the trace (draws, cycles + 1, S), absorbing states
    accumulating, and the entrants (draws, cycles).
    """
    p, n = _as_cycle_stack(transitions, None, lead=1)
    d, s = p.shape[0], p.shape[-1]
    x0 = np.broadcast_to(np.asarray(start, dtype=float), (d, s))
    mix = np.broadcast_to(np.asarray(entry_mix, dtype=float), (d, s))
    alive = np.ones(s, dtype=bool)
    alive[list(absorbing)] = False
    trace = np.empty((d, n + 1, s))
    trace[:, 0] = x0
    computed = entrants is None
    out = np.empty((d, n)) if computed else np.broadcast_to(np.asarray(entrants, dtype=float), (d, n))
    g = np.zeros(d) if growth is None else np.broadcast_to(np.asarray(growth, dtype=float), (d,))
    for t in range(n):
        moved = np.einsum("ds,dsk->dk", trace[:, t], p[:, t])
        if computed:
            leavers = moved[:, ~alive].sum(axis=1) - trace[:, t, ~alive].sum(axis=1)
            out[:, t] = leavers + g * trace[:, t, alive].sum(axis=1)
        trace[:, t + 1] = moved + out[:, t, None] * mix
    return trace, np.array(out)
