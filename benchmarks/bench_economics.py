"""Time of the probabilistic analysis: 10,000 draws × 4 options × 10 yearly cycles.

Goal: under 1 s on 2 cores. Prints the figure; not a test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import policy_kit.economics as eco
from policy_kit.params import load
from policy_kit.plan import plan_model

ROOT = Path(__file__).resolve().parents[1]


def main(draws: int = 10_000, repeats: int = 5) -> None:
    params = load(ROOT / "params" / "memorandum-2024.yaml")
    model = plan_model(eco.build_model(params.economics), params.plan)  # the plan's options, as the plan stage runs them
    assert len(model.option_names) == 4 and model.horizon_years == 10
    eco.run_psa(model, draws=200, seed=0)  # warm-up: imports and beta fits are cached
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        result = eco.run_psa(model, draws=draws, seed=i, reference=params.plan.baseline)
        times.append(time.perf_counter() - start)
    best, median = min(times), sorted(times)[len(times) // 2]
    print(
        f"PSA {draws:,} draws × {len(result.options)} options × {model.horizon_years} cycles: "
        f"best {best:.3f} s, median {median:.3f} s over {repeats} runs ({os.cpu_count()} CPUs visible); goal < 1 s"
    )
    start = time.perf_counter()
    ow = eco.one_way(model, "full", reference=params.plan.baseline)
    print(f"one-way analysis over {len(ow)} parameters: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
