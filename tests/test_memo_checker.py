"""The memo checker: passes the sample memo, catches each kind of problem."""

from __future__ import annotations

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn

from policy_kit.errors import UserError
from policy_kit.memo import Paragraph, Section, Table, check_document, check_or_raise, find_numbers, render
from policy_kit.memo.sample import recorded_numbers, sample_content
from policy_kit.memo.template_build import REQUIRED_STYLES


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    out = tmp_path_factory.mktemp("good")
    return render(sample_content(out), out / "memo.docx")


def kinds(problems):
    return {p.kind for p in problems}


def test_good_memo_passes(good):
    assert check_document(good, recorded_numbers=recorded_numbers(), required_styles=REQUIRED_STYLES) == []
    check_or_raise(good, recorded_numbers=recorded_numbers())


def test_numbers_are_really_checked(good):
    problems = check_document(good, recorded_numbers=[])
    found = {p.found for p in problems}
    assert kinds(problems) == {"unrecorded-number"}
    assert "1\u202f240" in found and "4,2" in found and "58" in found  # text, key box, table cells
    assert "2026" not in found and "23" not in found  # year, date in the header block
    assert "7" not in found  # « 7 études » sits in the provenance section


def render_with(tmp_path, paragraph_text=None, table=None, name="bad.docx"):
    content = sample_content(tmp_path)
    blocks = []
    if paragraph_text:
        blocks.append(Paragraph(paragraph_text))
    if table is not None:
        blocks.append(table)
    content.sections.insert(1, Section("Ajout", 1, blocks))
    return render(content, tmp_path / name)


def test_placeholder(tmp_path):
    path = render_with(tmp_path, "Le coût total est de {montant} ; TODO vérifier.")
    problems = check_document(path, recorded_numbers=recorded_numbers())
    assert [p.found for p in problems if p.kind == "placeholder"] == ["{montant}", "TODO"]
    with pytest.raises(UserError, match="failed 2 check"):
        check_or_raise(path, recorded_numbers=recorded_numbers())


def test_unrecorded_number(tmp_path):
    path = render_with(tmp_path, "Le programme a traité 4\u202f321 dossiers, soit 37\u00a0% du total.")
    problems = check_document(path, recorded_numbers=recorded_numbers())
    assert [p.found for p in problems] == ["4\u202f321", "37"]
    assert kinds(problems) == {"unrecorded-number"}


def test_picture_without_alt_text(good, tmp_path):
    document = docx.Document(str(good))
    document.inline_shapes[0]._inline.docPr.set("descr", "")
    bad = tmp_path / "no-alt.docx"
    document.save(bad)
    assert kinds(check_document(bad, recorded_numbers=recorded_numbers())) == {"missing-alt-text"}


def test_skipped_heading_level(good, tmp_path):
    document = docx.Document(str(good))
    document.add_paragraph("Détail", style="Heading 3")  # follows a Heading 1
    bad = tmp_path / "skip.docx"
    document.save(bad)
    problems = check_document(bad, recorded_numbers=recorded_numbers())
    assert kinds(problems) == {"heading-skip"}
    assert problems[0].found == "Heading 3"


def test_style_missing_from_the_document(good, tmp_path):
    document = docx.Document(str(good))
    document.paragraphs[5]._p.get_or_add_pPr().get_or_add_pStyle().set(qn("w:val"), "GhostStyle")
    bad = tmp_path / "ghost.docx"
    document.save(bad)
    problems = check_document(bad, recorded_numbers=recorded_numbers(), required_styles=["Title", "Memo Stamp"])
    assert kinds(problems) == {"missing-style"}
    assert {p.found for p in problems} == {"GhostStyle", None}
    assert any("Memo Stamp" in p.message for p in problems)


def small_cells_table():
    data = pd.DataFrame({
        "Secteur": ["Construction", "Agriculture", "Pêche"],
        "n": ["120", "3", "< 5"],
        "Prévalence": ["16\u00a0%", "33\u00a0%", "25\u00a0%"],
    })
    return Table(data, "Prévalence par secteur, 2025", key="tab:petits")


def test_percentage_in_a_small_row(tmp_path):
    path = render_with(tmp_path, table=small_cells_table())
    recorded = [*recorded_numbers(), 120, 3, 0.16, 0.33, 0.25]
    assert check_document(path, recorded_numbers=recorded) == []
    problems = check_document(path, recorded_numbers=recorded, min_cell=5)
    assert kinds(problems) == {"suppressed-cell"}
    assert sorted(p.found for p in problems) == ["25\u00a0%", "33\u00a0%"]
    assert "row « Agriculture »" in problems[0].where or "row « Agriculture »" in problems[1].where


def test_cell_declared_suppressed_but_shown(tmp_path):
    path = render_with(tmp_path, table=small_cells_table())
    recorded = [*recorded_numbers(), 120, 3, 0.16, 0.33, 0.25]
    by_key = check_document(path, recorded_numbers=recorded, suppressed_cells=[("tab:petits", "Pêche", "Prévalence")])
    by_number = check_document(path, recorded_numbers=recorded, suppressed_cells=[(1, 2, 2)])
    assert [p.found for p in by_key] == [p.found for p in by_number] == ["25\u00a0%"]
    assert "shown as a percentage" in by_key[0].message
    assert check_document(path, recorded_numbers=recorded, suppressed_cells=[(1, "Pêche", "n")]) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1\u202f279\u202f170 indépendants", [(1279170.0, None)]),
        ("4,2\u00a0M€ et 61,77\u00a0€", [(4.2e6, "M€"), (61.77, "€")]),
        ("12,5\u00a0% en 2025-2030", [(0.125, "%")]),
        ("le 21 septembre 2023, run 2026-11-20-a41c, v0.1.0, H1", []),
        ("1,3 milliard", [(1.3e9, "milliard")]),
    ],
)
def test_find_numbers_fr(text, expected):
    got = [(round(n.value, 6), n.unit) for n in find_numbers(text, "fr")]
    assert got == expected


def test_find_numbers_nl_and_en():
    assert [n.value for n in find_numbers("1.240 zelfstandigen, 12,5\u00a0%", "nl")] == [1240.0, 0.125]
    assert [n.value for n in find_numbers("1,240 people and €4.2m", "en")] == [1240.0, 4.2e6]


def _one_section_memo(tmp_path, language: str, sentences: list[str]):
    from policy_kit.memo import Header, MemoContent

    content = MemoContent(
        language=language,
        header=Header(to="Board", from_="Research", date="23 November 2026", subject="Prevention plan",
                      classification="Internal use"),
        sections=[Section("Summary", 1, [Paragraph(s) for s in sentences])],
    )
    return render(content, tmp_path / f"{language}.docx")


@pytest.mark.parametrize("language, own, foreign, other", [
    ("en", "The plan pays back within the horizon of the model.",
     "Le plan est rentable pour les caisses et pour l'INASTI.", "fr"),
    ("nl", "Het plan verdient zichzelf terug binnen de horizon van het model.",
     "The plan pays back for the funds and for the taxpayer.", "en"),
    ("en", "The cost is shared by the funds and the state.",
     "De kosten worden gedeeld door de fondsen en de staat.", "nl"),
])
def test_language_purity_fires_on_a_sentence_in_another_language(tmp_path, language, own, foreign, other):
    # a quoted title in another language is not a sentence of the document
    quoted = {"en": "The figure comes from ‘Les congés indemnisés des travailleurs indépendants’ by the FPS Economy.",
              "nl": "Het cijfer komt uit ‘Les congés indemnisés des travailleurs indépendants’ van de FOD Economie."}[language]
    clean = _one_section_memo(tmp_path, language, [own, quoted])
    assert [p for p in check_document(clean, language=language) if p.kind == "language-purity"] == []

    mixed = _one_section_memo(tmp_path, language, [own, foreign + " " + own, quoted])
    problems = [p for p in check_document(mixed, language=language) if p.kind == "language-purity"]
    assert [p.found for p in problems] == [foreign]
    assert f"in {other}" in problems[0].message
    with pytest.raises(UserError, match="failed 1 check"):
        check_or_raise(mixed, language=language)


def test_language_purity_leaves_names_and_citations_alone():
    from policy_kit.memo.checker import foreign_language

    assert foreign_language("Read in Le Vif and La Libre Belgique, after Heber et al. 2017.", "en") is None
    assert foreign_language("UCM — Union des classes moyennes", "nl") is None
    # an apostrophe inside a quoted title does not close it
    assert foreign_language("UCM Voice, ‘Bien-être des indépendants : c’est la fin’, 15 september 2023;", "nl") is None
    assert foreign_language("UCM Voice, ‘c’est la fin’, mais le plan est rentable pour les caisses.", "nl") == "fr"
    assert foreign_language("Le plan est rentable pour les caisses.", "en") == "fr"
