"""Charts speak the run's language: titles, axes, legends, codes and number formats, through the memo catalogues."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

import policy_kit.economics as eco
from policy_kit import plan
from policy_kit.economics import charts as eco_charts
from policy_kit.plan.stage import analysed_option, parameter_words
from policy_kit.evidence import charts as ev_charts
from policy_kit.evidence import funnels, pool_effects, prepost, prevalence, read_pilot_activity, read_prepost
from policy_kit.evidence.synthetic import generate_survey
from policy_kit.i18n import translator
from policy_kit.memo.checker import foreign_language
from policy_kit.params import load
from policy_kit.plan import charts as plan_charts

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "params" / "memorandum-2024.yaml"
DATA = ROOT / "data"
LANGUAGES = ("fr", "nl", "en")
NB = "\u00a0"
PROPER_NAMES = {"Icarius (UCM)"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("languages")
    params = {}
    for language in LANGUAGES:
        path = folder / f"memorandum-{language}.yaml"
        path.write_text(DEFAULT.read_text(encoding="utf-8").replace("\n  language: fr\n", f"\n  language: {language}\n", 1),
                        encoding="utf-8")
        params[language] = load(path, root=ROOT, check_data=False)
    paired = prepost(read_prepost(DATA / "pilots" / "synthetic_accompaniment_prepost.csv"))
    return {
        "params": params,
        "prevalence": prevalence(generate_survey()),
        "funnel": funnels(read_pilot_activity(DATA / "pilots" / "pilot_activity.csv")),
        "paired": paired,
        "pooled": pool_effects(paired["d_z"], paired["var_dz"], method="REML"),
    }


def draw_all(inputs, language: str) -> dict:
    """Every chart a run records, drawn in ``language`` from that language's params."""
    params = inputs["params"][language]
    model = eco.build_model(params.economics)
    results = plan.evaluate_plan(model, params.plan, draws=200)
    option = analysed_option(results)
    one_way = eco.one_way(results.model, option, reference=results.baseline)
    psa = results.psa
    paired = inputs["paired"]
    return {
        "prevalence": ev_charts.prevalence_chart(inputs["prevalence"], language=language),
        "funnel": ev_charts.funnel_chart(inputs["funnel"], component="accompaniment", language=language),
        "forest": ev_charts.forest_plot(list(paired["group"]), paired["d_z"], paired["d_z_low"], paired["d_z_high"],
                                        inputs["pooled"], language=language),
        "tornado": eco_charts.tornado(one_way, language=language,
                                      labels=parameter_words(params.economics, one_way["parameter"], translator(language))),
        "ce_plane": eco_charts.ce_plane(psa.ce_plane().query("option != @results.baseline"), language=language),
        "ceac": eco_charts.ceac(psa.ceac(), {o: results.label(o) for o in psa.options}, language=language),
        "budget": plan_charts.budget_impact(results, language=language),
        "cases": plan_charts.cases_averted(results, language=language),
        "comparison": plan_charts.option_comparison(results, language=language),
    }


_TEXTS: dict[int, list[str]] = {}


def texts(figure) -> list[str]:
    if id(figure) not in _TEXTS:
        figure.canvas.draw()  # tick labels exist once drawn
        _TEXTS[id(figure)] = [t.get_text() for t in figure.findobj(Text) if t.get_text().strip()]
    return _TEXTS[id(figure)]


def png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def drawn(inputs):
    out = {language: draw_all(inputs, language) for language in LANGUAGES}
    yield out
    plt.close("all")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_on_every_chart_is_in_the_run_language(drawn, language):
    for name, figure in drawn[language].items():
        words = texts(figure)
        assert [t for t in words if foreign_language(t, language)] == [], name
        # the French words of the same chart are gone
        wordy = lambda found: {t for t in found if len(t) > 12 and t[0].isalpha()} - PROPER_NAMES  # noqa: E731
        assert not wordy(words) & wordy(texts(drawn["fr"][name])), name


def test_titles_come_from_the_catalogues(drawn):
    for language in LANGUAGES:
        _ = translator(language)
        assert _("Programme cost") in texts(drawn[language]["ce_plane"])
        assert _("Share of respondents (weighted)") in texts(drawn[language]["prevalence"])
        assert _("budget cap") in texts(drawn[language]["budget"])


def test_numbers_on_the_axes_follow_the_locale(drawn):
    axis = {lang: [t.get_text() for t in drawn[lang]["prevalence"].axes[0].get_xticklabels()] for lang in LANGUAGES}
    assert f"20{NB}%" in axis["fr"] and "20%" in axis["nl"] and "20%" in axis["en"]
    money = {lang: " ".join(t.get_text() for t in drawn[lang]["budget"].axes[0].get_yticklabels()) for lang in LANGUAGES}
    assert "M€" in money["fr"] and "mln." in money["nl"] and "€" in money["en"] and "m" in money["en"]


def test_recorded_pictures_differ_by_language(drawn):
    for name in drawn["fr"]:
        pictures = {png(drawn[language][name]) for language in LANGUAGES}
        assert len(pictures) == 3, name


def test_subgroups_read_in_order_and_in_the_run_language():
    import pandas as pd

    table = pd.DataFrame({"by": ["hours_band"] * 3 + ["gender"] * 2,
                          "group": ["70 h et plus", "moins de 40 h", "40 à 49 h", "homme", "femme"],
                          "estimate": [0.6, 0.1, 0.2, 0.3, 0.3], "ci_low": [0.5, 0.05, 0.1, 0.2, 0.2],
                          "ci_high": [0.7, 0.15, 0.3, 0.4, 0.4], "suppressed": [False] * 5, "display": [""] * 5})
    figure = ev_charts.subgroup_chart(table, language="nl")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["minder dan 40 u", "40 tot 49 u", "70 u of meer", "Mannen", "Vrouwen"]
    plt.close(figure)
