"""The states of the cost-benefit model and the transitions between them.

Declared here, below both the params schema and the engine, so that validating params never imports
the engine. Every matrix, trace and label follows this order.
"""

from __future__ import annotations

STATES: tuple[str, ...] = ("well", "at_risk", "incapacity", "invalidity", "back_at_work", "left")
STATE_INDEX: dict[str, int] = {name: i for i, name in enumerate(STATES)}
# Where probability mass not assigned to an exit goes. A first-year incapacity cannot last a
# second year in that state: whoever neither moves to invalidity nor leaves is back at work.
REMAINDER_STATE: dict[str, str] = {
    "well": "well",
    "at_risk": "at_risk",
    "incapacity": "back_at_work",
    "invalidity": "invalidity",
    "back_at_work": "back_at_work",
    "left": "left",
}
ABSORBING = frozenset({"left"})
# Derived from primitives (incidence of incapacity, prevalence of risk), never given in params.
DERIVED_TRANSITIONS: tuple[str, ...] = ("at_risk->incapacity",)


def transition_key(origin: str, target: str) -> str:
    return f"{origin}->{target}"


def parse_transition(key: str) -> tuple[str, str]:
    """'at_risk->incapacity' → ('at_risk', 'incapacity'), with a clear error for anything else."""
    parts = key.split("->")
    if len(parts) != 2:
        raise ValueError(f"transition {key!r} is not of the form 'origin->target' (e.g. 'at_risk->incapacity')")
    origin, target = (p.strip() for p in parts)
    for state in (origin, target):
        if state not in STATE_INDEX:
            raise ValueError(f"transition {key!r} names an unknown state {state!r}; states are {', '.join(STATES)}")
    return origin, target
