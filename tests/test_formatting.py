import datetime as dt

from policy_kit import formatting as f

NB, NN = "\u00a0", "\u202f"


def test_fr_be_numbers_money_percent_dates():
    assert f.number(1234.5, 1) == f"1{NN}234,5"
    assert f.number(1279170) == f"1{NN}279{NN}170"
    assert f.percent(0.123, 1) == f"12,3{NB}%"
    assert f.percent(0.12) == f"12{NB}%"
    assert f.money(4_200_000) == f"4,2{NB}M€"
    assert f.money(61.77) == f"61,77{NB}€"
    assert f.money(300_000) == f"300{NN}000{NB}€"
    assert f.date(dt.date(2023, 9, 21)) == "21 septembre 2023"


def test_other_languages_use_their_locale():
    assert f.number(1234.5, 1, "nl") == "1.234,5"
    assert f.number(1234.5, 1, "en") == "1,234.5"
    assert f.date("2023-09-21", "nl") == "21 september 2023"
    assert f.money(4_200_000, language="en") == "€4.2m"


def test_nl_be_money_percent_dates_follow_cldr():
    # the currency sign first and « mln. » after the number, as Babel's nl_BE data writes it
    assert f.money(4_200_000, language="nl") == f"€{NB}4,2{NB}mln."
    assert f.money(1_300_000_000, language="nl") == f"€{NB}1,3{NB}mld."
    assert f.money(61.77, language="nl") == f"€{NB}61,77"
    assert f.money(300_000, language="nl") == f"€{NB}300.000"
    assert f.money(420_000, language="nl", scale="million") == f"€{NB}0,4{NB}mln."
    assert f.money(-61.77, language="nl") == f"€{NB}{f.MINUS}61,77"
    assert f.percent(0.123, 1, "nl") == "12,3%"
    assert f.date("2026-11-23", "nl") == "23 november 2026"
    assert f.month_year("2022-09-01", "nl") == "september 2022"


def test_en_gb_money_percent_dates_follow_cldr():
    assert f.money(4_200_000, language="en") == "€4.2m"
    assert f.money(1_300_000_000, language="en") == "€1.3bn"
    assert f.money(-4_200_000, language="en") == f"{f.MINUS}€4.2m"  # the minus sign, not a hyphen
    assert f.money(61.77, language="en") == "€61.77"
    assert f.money(300_000, language="en") == "€300,000"
    assert f.percent(0.123, 1, "en") == "12.3%"
    assert f.number(1279170, 0, "en") == "1,279,170"
    assert f.date("2026-11-23", "en") == "23 November 2026"


def test_fr_be_keeps_the_house_million_sign_only_for_millions():
    # CLDR writes « 4,2 M € »; the house style glues « M€ », and nothing else departs from CLDR
    assert f.money(4_200_000) == f"4,2{NB}M€"
    assert f.money(-1_300_000_000) == f"{f.MINUS}1,3{NB}Md€"
    assert f.money(999_999) == f"999{NN}999{NB}€"
    assert f.date("2026-11-23") == "23 novembre 2026"


def test_french_typography_spaces():
    text = f.typography("Objet : le plan « complet » ; est-il rentable ? Oui !")
    assert f"Objet{NB}:" in text
    assert f"«{NB}complet{NB}»" in text
    assert f"{NN};" in text and f"{NN}?" in text and f"{NN}!" in text
    # URLs and clock times are left alone
    assert f.typography("voir https://www.inasti.be à 12:30") == "voir https://www.inasti.be à 12:30"


def test_round_sig():
    assert f.round_sig(12345, 2) == 12000
    assert f.round_sig(0.012345, 2) == 0.012


def test_a_dutch_sentence_ending_on_an_abbreviation_takes_one_full_stop():
    cap = f.money(7_000_000, language="nl")  # « € 7 mln. »
    assert f.typography(f"jaarlijks plafond {cap}. Dat plafond", "nl") == f"jaarlijks plafond {cap} Dat plafond"
    assert f.typography("en zo verder...", "nl") == "en zo verder..."
