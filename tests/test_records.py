import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policy_kit import records


def test_scalar_table_figure_roundtrip(tmp_path):
    rec = records.Recorder(tmp_path, "evidence")
    rec.scalar("prevalence.risk", np.float64(0.123), unit="share", ci=(0.1, 0.15), origin="survey")
    rec.text("comment.prevalence", "Un indépendant sur huit.")
    rec.table("subgroups", pd.DataFrame({"group": ["f", "m"], "share": [0.1, 0.2]}), caption="Sous-groupes")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    path = rec.figure("forest", fig, caption="Forêt", alt="Graphique en forêt")
    plt.close(fig)

    got = records.read(tmp_path)
    assert got.value("evidence.prevalence.risk") == pytest.approx(0.123)
    assert got.ci("evidence.prevalence.risk") == (0.1, 0.15)
    assert got.entry("evidence.prevalence.risk")["origin"] == "survey"
    assert got.value("evidence.comment.prevalence") == "Un indépendant sur huit."
    assert got.table("evidence.subgroups")["share"].tolist() == [0.1, 0.2]
    assert got.figure_path("evidence.forest") == path and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_later_stage_reads_only_earlier_stages(tmp_path):
    records.Recorder(tmp_path, "evidence").scalar("a.b", 1)
    records.Recorder(tmp_path, "plan").scalar("c.d", 2)
    inputs = records.Recorder(tmp_path, "economics").inputs()
    assert "evidence.a.b" in inputs
    assert "plan.c.d" not in inputs
    with pytest.raises(records.MissingResult, match="plan.c.d"):
        inputs.value("plan.c.d")


def test_rerecording_a_key_overwrites_it_and_reopening_keeps_others(tmp_path):
    rec = records.Recorder(tmp_path, "evidence")
    rec.scalar("x.y", 1)
    rec.scalar("x.z", 5)
    rec.scalar("x.y", 2)
    again = records.Recorder(tmp_path, "evidence")  # a re-run notebook reopens the stage file
    again.scalar("x.w", 3)
    got = records.read(tmp_path)
    assert [got.value(k) for k in ("evidence.x.y", "evidence.x.z", "evidence.x.w")] == [2, 5, 3]


def test_nan_becomes_null_and_results_json_is_sorted(tmp_path):
    rec = records.Recorder(tmp_path, "economics")
    rec.scalar("b.value", float("nan"))
    rec.scalar("a.value", 1.5)
    out = records.write_results_json(tmp_path)
    data = json.loads(out.read_text())
    assert list(data) == ["economics.a.value", "economics.b.value"]
    assert data["economics.b.value"]["value"] is None


def test_bad_key_and_stage_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown stage"):
        records.Recorder(tmp_path, "nonsense")
    with pytest.raises(ValueError, match="dotted lower-case"):
        records.Recorder(tmp_path, "plan").scalar("Bad Key", 1)


def test_figures_are_byte_identical_across_saves(tmp_path):
    def draw(folder):
        fig, ax = plt.subplots()
        ax.bar(["a", "b"], [1, 2])
        p = records.Recorder(folder, "plan").figure("bars", fig, caption="c", alt="a")
        plt.close(fig)
        return p.read_bytes()

    assert draw(tmp_path / "one") == draw(tmp_path / "two")
