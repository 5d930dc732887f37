"""The model's structure: open population from today's state, calibration, per-participant waning, derived transitions."""

import numpy as np
import pytest

import policy_kit.economics as eco
from policy_kit.economics.calibration import calibrate, calibration_table, states_table
from policy_kit.economics.model import OptionSpec, derived_values
from policy_kit.params.economics import EconomicsParams

from conftest import default_params


@pytest.fixture(scope="module")
def params():
    return default_params().economics


@pytest.fixture(scope="module")
def model(params):
    return eco.build_model(params)


def test_starts_from_todays_state_not_from_zero(model):
    states = states_table(model)
    start = states[states["year"] == model.start_year - 1].set_index("state")["persons"]
    assert start["invalidity"] == pytest.approx(model.parameters["population_dynamics.invalidity_at_start"].value)
    assert start["incapacity"] > 0 and start["back_at_work"] > 0
    assert start.drop("left").sum() == pytest.approx(model.parameters["population"].value)
    assert set(states.columns) == {"year", "state", "persons"}


def test_status_quo_reproduces_the_calibration_targets(model):
    table = calibration_table(model)
    assert len(table) >= 3 and table["within"].all(), table
    assert list(table.columns) == ["target", "label_fr", "source", "year", "published", "modelled", "tolerance", "within"]
    # the invalidity stock no longer runs away: 10 years on it stays below twice today's
    states = states_table(model).query("state == 'invalidity'").set_index("year")["persons"]
    assert states.iloc[-1] < 2 * states.iloc[0]


def test_defaults_are_the_calibrated_values(model):
    name = "transition.incapacity->invalidity"
    fitted = calibrate(model, [name])[name]
    assert fitted == pytest.approx(model.parameters[name].value, abs=0.005)


def test_open_population_grows_and_entrants_replace_leavers(model):
    sim = eco.simulate(model, options=[])
    trace = sim.traces["no_programme"][0]
    alive = trace[:, :-1].sum(axis=1)
    growth = model.parameters["population_dynamics.growth"].value
    assert alive[-1] == pytest.approx(alive[0] * (1 + growth) ** model.horizon_years, rel=1e-6)
    left = np.diff(trace[:, -1])
    assert np.allclose(sim.entrants[0], left + growth * alive[:-1])


def test_effects_wane_per_participant_and_cases_averted_plateau(params):
    data = params.model_dump()
    data["horizon_years"] = 30
    data["population_dynamics"]["growth"] = {"value": 0.0, "kind": "share", "quality": "assumption"}
    model = eco.build_model(EconomicsParams.model_validate(data))
    constant = OptionSpec("constant", "couverture constante", ("accompaniment",), {"accompaniment": (1.0,) * 30})
    model = model.with_options([constant])
    averted = eco.simulate(model).entries_averted["constant"][0]
    # every year's new participants bring a fresh effect: no fading at constant coverage
    assert averted[-1] > 0.8 * averted.max()
    assert averted[-1] == pytest.approx(averted[-2], rel=0.01)
    # and a participant's effect is gone effect_years after their own start: stopping delivery ends it
    stop = OptionSpec("stop", "arrêt", ("accompaniment",), {"accompaniment": (1.0,) * 5 + (0.0,) * 25})
    gone = eco.simulate(model.with_options([stop])).entries_averted["stop"][0]
    assert abs(gone[-1]) < 0.02 * gone.max()


def test_at_risk_to_incapacity_is_derived_from_incidence_and_prevalence(model):
    v = {k: np.atleast_1d(x) for k, x in model.base_values().items()}
    for prevalence in (0.125, 0.269):
        w = {**v, "risk_prevalence": np.array([prevalence])}
        d = derived_values(w)
        trace = eco.simulate(model, {"risk_prevalence": prevalence}, options=[]).traces["no_programme"][0]
        expected = v["incidence.all_causes"][0] * v["incidence.mental_share"][0] * v["population"][0]
        # a higher prevalence lowers the derived probability: new incapacities stay at incidence × population
        assert trace[1, 2] == pytest.approx(expected, rel=1e-6)
        assert d["transition.at_risk->incapacity"][0] < 0.2
    assert "transition.at_risk->incapacity" not in model.parameters  # derived: never varied on its own
    samples = eco.sample_parameters(model, 200, 1)
    assert {"incidence.all_causes", "incidence.mental_share", "risk_prevalence"} <= set(samples.columns)


def test_effect_on_incapacity_onset_is_its_own_relative_risk(params, model):
    for name, component in params.components.items():
        for effect in component.effects:
            if effect.transition == "at_risk->incapacity":
                assert effect.type == "rr" and effect.value.kind == "ratio"
                assert effect.value.high >= 1.0  # the range includes no effect
                assert effect.value.is_assumption and "NON TROUVÉ" in effect.value.note
