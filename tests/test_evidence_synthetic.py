"""The synthetic demonstration data: labelled, reproducible, and faithful to the published marginals."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_kit.evidence import read_pilot_activity, read_prepost, read_survey
from policy_kit.evidence.synthetic import DEFAULT_SEED, PREPOST_FILE, SURVEY_FILE, main, write_synthetic

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    write_synthetic(out, DEFAULT_SEED)
    return out


def test_regeneration_is_byte_identical(generated, tmp_path):
    main(["--seed", str(DEFAULT_SEED), "--out-dir", str(tmp_path)])
    for name in (SURVEY_FILE, PREPOST_FILE):
        assert (tmp_path / name).read_bytes() == (generated / name).read_bytes(), name


def test_shipped_files_match_the_generator(generated):
    for name in (SURVEY_FILE, PREPOST_FILE):
        assert (DATA / name).read_bytes() == (generated / name).read_bytes(), f"data/{name} is stale: regenerate it"


def test_another_seed_gives_other_data(generated, tmp_path):
    write_synthetic(tmp_path, DEFAULT_SEED + 1)
    assert (tmp_path / SURVEY_FILE).read_bytes() != (generated / SURVEY_FILE).read_bytes()


def test_labelled_synthetic_in_name_and_header(generated):
    for name in (SURVEY_FILE, PREPOST_FILE):
        assert "synthetic" in Path(name).name
        first = (generated / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# SYNTHETIC DEMONSTRATION DATA – not real respondents")
        assert f"seed {DEFAULT_SEED}" in first
    assert read_survey(generated / SURVEY_FILE).is_synthetic
    assert read_prepost(generated / PREPOST_FILE).attrs["is_synthetic"]


def test_published_marginals_within_one_and_a_half_points(generated):
    frame = read_survey(generated / SURVEY_FILE).frame
    assert len(frame) == 879
    assert (frame["pilot"] == "icarius").all()
    observed = {
        "work-family": (frame["work_family_conflict"] >= 4).mean(),
        ">=50 h": (frame["hours_per_week"] >= 50).mean(),
        ">=70 h": (frame["hours_per_week"] >= 70).mean(),
        "sleep badly": (frame["sleep_quality"] <= 2).mean(),
        "stressed": (frame["stress"] >= 4).mean(),
    }
    published = {"work-family": 0.5502, ">=50 h": 0.5632, ">=70 h": 0.1377, "sleep badly": 0.49, "stressed": 0.599}
    for key, value in published.items():
        assert abs(observed[key] - value) <= 0.015, (key, observed[key])


def test_joint_structure_is_realistic(generated):
    frame = read_survey(generated / SURVEY_FILE).frame
    corr = frame[["bat_score", "hours_per_week", "sleep_quality", "isolation", "work_family_conflict",
                  "resources"]].astype(float).corr()["bat_score"]
    assert corr["hours_per_week"] > 0.2 and corr["isolation"] > 0.2 and corr["work_family_conflict"] > 0.2
    assert corr["sleep_quality"] < -0.2 and corr["resources"] < -0.2
    # francophone survey: Wallonia and Brussels over-represented against the population
    assert (frame["region"] == "flandre").mean() < 0.4


def test_prepost_file_has_three_pilots_of_similar_size(generated):
    frame = read_prepost(generated / PREPOST_FILE)
    sizes = frame["pilot"].value_counts()
    assert set(sizes.index) == {"icarius", "liantis", "acerta"}
    assert sizes["icarius"] == 30 and sizes.between(20, 40).all()
    assert frame[["bat_pre", "bat_post"]].stack().between(1, 5).all()


def test_pilot_activity_file_never_passes_assumptions_as_published():
    activity = read_pilot_activity(DATA / "pilots" / "pilot_activity.csv")
    published = activity[activity["status"] == "published"]
    assert (published["source"].str.len() > 10).all()
    assert not published["source"].str.contains("illustrative|assumption", case=False).any()
    costs = published[published["metric"] == "cost"].set_index("pilot")["value"]
    assert costs.to_dict() == {"icarius": 300000, "liantis": 300000, "acerta": 300000}
    icarius = published[published["pilot"] == "icarius"].set_index(["component", "metric"])["value"]
    assert icarius[("survey", "participants")] == 879
    assert icarius[("events", "sessions")] == 14
    assert icarius[("accompaniment", "completed")] == 30
    # nothing but the subsidy is published for Acerta and Liantis
    others = published[published["pilot"] != "icarius"]
    assert set(others["metric"]) == {"cost"}
