"""Hand-computable checks of the cohort engine, discounting and effect conversions."""

import math

import numpy as np
import pytest

from policy_kit.economics import (
    combine_relative_risks,
    discount,
    discount_factors,
    discount_schedule_names,
    effect_size_to_relative_risk,
    effect_weights,
    load_discount_schedule,
    odds_ratio_to_relative_risk,
    population_relative_risk,
    run_cohort,
    run_cohort_draws,
)


def test_one_cycle_by_hand():
    p = np.array([[0.9, 0.1], [0.2, 0.8]])
    trace = run_cohort([100.0, 0.0], p, cycles=2)
    assert trace.shape == (3, 2)
    assert trace[1] == pytest.approx([90.0, 10.0])
    assert trace[2] == pytest.approx([90 * 0.9 + 10 * 0.2, 90 * 0.1 + 10 * 0.8])


def test_matrices_changing_by_cycle():
    stay = np.eye(2)
    move = np.array([[0.0, 1.0], [0.0, 1.0]])
    trace = run_cohort([1.0, 0.0], np.stack([stay, move, stay]))
    assert trace[:, 1] == pytest.approx([0.0, 0.0, 1.0, 1.0])


def test_bad_row_is_refused_with_cycle_and_row():
    good = np.eye(2)
    bad = np.array([[0.5, 0.6], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"cycle 2, row 0 does not sum to 1"):
        run_cohort([1, 0], np.stack([good, bad]), states=None)
    with pytest.raises(ValueError, match=r"negative"):
        run_cohort([1, 0], np.array([[1.2, -0.2], [0, 1]]), cycles=1, states=None)
    with pytest.raises(ValueError, match="pass `cycles`"):
        run_cohort([1, 0], good)


def test_bad_row_names_the_state():
    p = np.eye(6)
    p[1, 2] = 0.1  # at_risk row now sums to 1.1
    with pytest.raises(ValueError, match=r"cycle 1, 'at_risk' \(row 1\)"):
        run_cohort(np.ones(6), p, cycles=1)


def test_draws_variant_matches_loop():
    rng = np.random.default_rng(1)
    raw = rng.random((5, 3, 4, 4))
    p = raw / raw.sum(axis=-1, keepdims=True)
    traces = run_cohort_draws([1.0, 0, 0, 0], p, states=None)
    assert traces.shape == (5, 4, 4)
    for d in range(5):
        assert traces[d] == pytest.approx(run_cohort([1.0, 0, 0, 0], p[d], states=None))
    p[3, 1, 2, 0] += 0.5
    with pytest.raises(ValueError, match=r"draw 3, cycle 2, row 2"):
        run_cohort_draws([1.0, 0, 0, 0], p, states=None)


def test_discount_factor_table():
    f = discount_factors(3, 0.03)
    assert f == pytest.approx([1 / 1.03, 1 / 1.03**2, 1 / 1.03**3])
    assert discount_factors(3, 0.03, timing="start") == pytest.approx([1.0, 1 / 1.03, 1 / 1.03**2])
    assert discount_factors(2, 0.03, half_cycle=True) == pytest.approx([1.03**-0.5, 1.03**-1.5])
    assert discount([100.0, 100.0], 0.05).sum() == pytest.approx(100 / 1.05 + 100 / 1.05**2)
    assert discount([100.0, 100.0], 0.05, start_year=0) == pytest.approx([100.0, 100 / 1.05])
    with pytest.raises(ValueError, match="half_cycle"):
        discount_factors(2, 0.03, timing="start", half_cycle=True)


def test_schedules():
    assert {"kce-2012", "green-book-2022", "eu-better-regulation"} <= set(discount_schedule_names())
    kce = load_discount_schedule("kce-2012")
    assert "Cleemput" in kce.source and kce.vintage == "2008"
    assert kce.cost_factors(2) == pytest.approx([1 / 1.03, 1 / 1.03**2])
    assert kce.health_factors(1) == pytest.approx([1 / 1.015])
    gb = load_discount_schedule("green-book-2022")
    f = gb.cost_factors(32)
    assert f[29] == pytest.approx(1.035**-30)
    assert f[30] == pytest.approx(1.035**-30 / 1.03)  # year 31 falls in the 3 % band
    assert f[31] == pytest.approx(1.035**-30 / 1.03**2)
    assert gb.rate(76) == 0.025 and gb.rate(100, "health") == 0.015
    assert load_discount_schedule("eu-better-regulation").cost_factors(1) == pytest.approx([1 / 1.03])
    with pytest.raises(ValueError, match="unknown discount schedule 'nope'; available"):
        load_discount_schedule("nope")


def test_effect_conversions():
    # Chinn: d = 0 gives OR = 1; d = √3/π gives ln OR = 1
    assert effect_size_to_relative_risk(0.0, 0.2) == pytest.approx(1.0)
    assert effect_size_to_relative_risk(math.sqrt(3) / math.pi, 0.2, direction="increase") == pytest.approx(
        math.e / (1 - 0.2 + 0.2 * math.e)
    )
    # Zhang & Yu: rare outcome, RR ≈ OR; p0 · RR stays below 1
    assert odds_ratio_to_relative_risk(0.5, 1e-6) == pytest.approx(0.5, rel=1e-5)
    assert 0.9 * odds_ratio_to_relative_risk(20.0, 0.9) < 1.0
    assert population_relative_risk(0.5, 0.2) == pytest.approx(0.9)
    assert combine_relative_risks(0.9, 0.8) == pytest.approx(0.72)
    w = effect_weights(4, 2.5, 0.1)
    assert w == pytest.approx([1.0, 0.9, 0.81 * 0.5, 0.0])
