"""Random-effects pooling checked against metafor on the BCG vaccine data (dat.bcg)."""

from __future__ import annotations

import numpy as np
import pytest

from policy_kit.evidence import pool_effects

# metafor::dat.bcg: tpos, tneg, cpos, cneg for the 13 trials
BCG = np.array([
    [4, 119, 11, 128], [6, 300, 29, 274], [3, 228, 11, 209], [62, 13536, 248, 12619],
    [33, 5036, 47, 5761], [180, 1361, 372, 1079], [8, 2537, 10, 619], [505, 87886, 499, 87892],
    [29, 7470, 45, 7232], [17, 1699, 65, 1600], [186, 50448, 141, 27197], [5, 2493, 3, 2338],
    [27, 16886, 29, 17825],
], dtype=float)


@pytest.fixture(scope="module")
def log_rr():
    """escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)"""
    a, b, c, d = BCG.T
    yi = np.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def test_dersimonian_laird_matches_metafor(log_rr):
    # metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r (also matches Stata metan)
    res = pool_effects(*log_rr, method="DL")
    assert res.estimate == pytest.approx(-0.7141, abs=5e-4)
    assert res.ci_low == pytest.approx(-1.0644, abs=5e-4)
    assert res.ci_high == pytest.approx(-0.3638, abs=5e-4)
    assert res.tau2 == pytest.approx(0.3088, abs=5e-4)
    assert res.i2 * 100 == pytest.approx(92.1173, abs=5e-3)
    assert res.q == pytest.approx(152.2330, abs=5e-3)
    assert res.k == 13


def test_reml_matches_metafor(log_rr):
    # rma(yi, vi, data=dat) with the default REML estimator
    res = pool_effects(*log_rr, method="REML")
    assert res.estimate == pytest.approx(-0.7145, abs=5e-4)
    assert res.se == pytest.approx(0.1798, abs=5e-4)
    assert res.tau2 == pytest.approx(0.3132, abs=5e-4)
    assert res.ci_low == pytest.approx(-1.0669, abs=5e-4)
    assert res.ci_high == pytest.approx(-0.3622, abs=5e-4)


def test_reml_solves_the_restricted_score_equation(log_rr):
    y, v = log_rr
    tau2 = pool_effects(y, v, method="REML").tau2
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    # derivative of the restricted log-likelihood in tau²
    score = -0.5 * np.sum(w) + 0.5 * np.sum(w**2) / np.sum(w) + 0.5 * np.sum(w**2 * (y - mu) ** 2)
    assert score == pytest.approx(0.0, abs=1e-4)


def test_prediction_interval(log_rr):
    res_z = pool_effects(*log_rr, method="REML", pi_method="z")
    half = 1.959964 * np.sqrt(res_z.se**2 + res_z.tau2)
    assert res_z.pi_low == pytest.approx(res_z.estimate - half, abs=1e-5)
    res_t = pool_effects(*log_rr, method="REML")
    assert res_t.pi_low < res_z.pi_low and res_t.pi_high > res_z.pi_high  # t(k-2) is wider
    assert np.isnan(pool_effects([0.3, 0.5], [0.04, 0.05]).pi_low)  # t with k − 2 = 0 df is undefined


def test_homogeneous_effects_give_zero_tau2():
    effects, variances = [0.40, 0.41, 0.39], [0.04, 0.05, 0.045]
    for method in ("DL", "REML"):
        res = pool_effects(effects, variances, method=method)
        assert res.tau2 == 0.0 and res.i2 == 0.0
        assert sum(res.weights) == pytest.approx(1.0)


@pytest.mark.parametrize("effects, variances", [([0.1], [0.01]), ([0.1, 0.2], [0.01, -0.01]), ([0.1, 0.2], [0.01])])
def test_bad_input_refused(effects, variances):
    with pytest.raises(ValueError):
        pool_effects(effects, variances)


def test_unknown_method_refused(log_rr):
    with pytest.raises(ValueError, match="unknown method"):
        pool_effects(*log_rr, method="PM")
