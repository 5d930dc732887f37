import pytest

from policy_kit import records
from policy_kit.memo.bind import PlaceholderError, bind, format_value

NB, NN = "\u00a0", "\u202f"


@pytest.fixture
def results(tmp_path):
    rec = records.Recorder(tmp_path, "plan")
    rec.scalar("plan.recommended.roi", 2.345, unit="ratio")
    rec.scalar("plan.recommended.annual_cost", 12_345_678.0, unit="EUR")
    rec.scalar("plan.recommended.cases_averted_total", 1234.4, unit="cases")
    rec.scalar("plan.last_year", 2030, unit="year")
    return records.read(tmp_path)


def test_bind_formats_by_unit(results):
    text = bind("Retour {plan.recommended.roi} € par euro, coût {plan.recommended.annual_cost}, "
                "{plan.recommended.cases_averted_total} cas d'ici {plan.last_year}.", results)
    assert text == f"Retour 2,3 € par euro, coût 12{NB}M€, 1{NN}200 cas d'ici 2030."


def test_unknown_placeholder_named_with_hint(results):
    with pytest.raises(PlaceholderError) as info:
        bind("{plan.recommended.roi} et {plan.recomended.annual_cost}", results, where="memo.asks[1]")
    message = info.value.render()
    assert "memo.asks[1]" in message and "{plan.recomended.annual_cost}" in message
    assert "did you mean '{plan.recommended.annual_cost}'" in message


def test_format_value_exact_and_rounded():
    assert format_value(0.1234, "share") == f"12{NB}%"
    assert format_value(0.1234, "share", exact=True) == f"12,3{NB}%"
    assert format_value(0.034, "share") == f"3,4{NB}%"
    assert format_value(61.77, "EUR/day") == f"61,77{NB}€"
    assert format_value(1_234_567, "EUR", "en") == "€1.2m"
