"""Rendering the memo and annex: structure, Word features, determinism, typography, languages."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace

import docx
import pytest
from lxml import etree

from policy_kit.errors import UserError
from policy_kit.memo import (
    REQUIRED_STYLES,
    TEMPLATE_PATH,
    Paragraph,
    Section,
    check_styles,
    read_custom_properties,
    render,
    render_annex,
    translator,
)
from policy_kit.memo.i18n import LANGUAGES, messages
from policy_kit.memo.sample import annex_content, sample_content
from policy_kit.memo.template_build import build_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("memo")
    memo = render(sample_content(out), out / "memo.docx")
    again = render(sample_content(out), out / "memo-again.docx")
    annex = render_annex(annex_content(out), out / "annex.docx")
    return {"dir": out, "memo": memo, "again": again, "annex": annex}


def xml(path, part="word/document.xml"):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def body_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_template_has_every_style_and_matches_a_fresh_build(tmp_path):
    document = docx.Document(str(TEMPLATE_PATH))
    check_styles(document, REQUIRED_STYLES)
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    fresh = build_template(tmp_path / "template.docx")
    assert fresh.read_bytes() == TEMPLATE_PATH.read_bytes(), "template.docx is stale: rebuild it"


def test_check_styles_lists_every_missing_style(tmp_path):
    plain = tmp_path / "plain.docx"
    docx.Document().save(plain)
    with pytest.raises(UserError) as err:
        check_styles(docx.Document(str(plain)), REQUIRED_STYLES, source="plain.docx")
    text = str(err.value)
    for name in ("Key Message", "Banner", "Table House", "Footnote Text", "Source"):
        assert f"« {name} »" in text


def test_render_refuses_a_template_without_the_styles_before_writing(tmp_path):
    plain = tmp_path / "plain.docx"
    docx.Document().save(plain)
    with pytest.raises(UserError, match="style"):
        render(sample_content(tmp_path), tmp_path / "out.docx", template=plain)
    assert not (tmp_path / "out.docx").exists()


def test_styles_exist_in_the_memo(rendered):
    check_styles(docx.Document(str(rendered["memo"])), REQUIRED_STYLES)


def test_header_block_has_the_five_labels(rendered):
    document = docx.Document(str(rendered["memo"]))
    labels = [row.cells[0].text for row in document.tables[0].rows]
    assert labels == ["À", "De", "Date", "Objet", "Classification"]
    assert document.tables[0].rows[2].cells[1].text == "23 novembre 2026"


def test_banner_opens_page_one(rendered):
    document = docx.Document(str(rendered["memo"]))
    first = document.paragraphs[0]
    assert first.style.name == "Banner"
    assert first.text.startswith("Données de démonstration")
    header_text = document.sections[0].header.paragraphs[0].text
    assert "DÉMONSTRATION" in header_text


def test_key_message_box(rendered):
    document = docx.Document(str(rendered["memo"]))
    box = document.tables[1]
    assert box.rows[0].cells[0].paragraphs[0].style.name == "Key Message"
    values = [cell.paragraphs[0].text for cell in box.rows[1].cells]
    assert values == ["2,3\u00a0€", "1\u202f130", "4,2\u00a0M€"]
    fills = box._tbl.xpath(".//w:shd/@w:fill")
    assert fills and set(fills) == {"E3ECF7"}


def options_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "Option")


def test_table_header_repeats_and_numbers_align_right(rendered):
    document = docx.Document(str(rendered["memo"]))
    table = options_table(document)
    assert table.style.name == "Table House"
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    for row in table.rows[1:]:
        assert row.cells[0].paragraphs[0].alignment in (None, 0)  # text column: left
        for cell in row.cells[1:]:
            assert cell.paragraphs[0].alignment == 2, cell.text  # WD_ALIGN_PARAGRAPH.RIGHT
    widths = [int(w) for w in table._tbl.xpath(".//w:tr[2]/w:tc/w:tcPr/w:tcW/@w:w")]
    assert len(widths) == 7 and abs(sum(widths) - 16.6 / 2.54 * 1440) < 5  # fits the A4 text width


def test_captions_are_numbered_fields_with_cached_text(rendered):
    root = xml(rendered["memo"])
    instructions = [t.text.strip() for t in root.iter(f"{{{W}}}instrText")]
    assert "SEQ Tableau \\* ARABIC" in instructions and "SEQ Figure \\* ARABIC" in instructions
    assert any(i.startswith("REF _Ref_tab_options") for i in instructions)
    text = body_text(docx.Document(str(rendered["memo"])))
    assert "Tableau\u00a01 – Options chiffrées, 2025-2030" in text
    assert "Le Tableau\u00a01 compare" in text  # the REF field reads correctly before any update
    # the memo's fields carry their results: Word opens it without the "update fields?" prompt
    assert xml(rendered["memo"], "word/settings.xml").find(f"{{{W}}}updateFields") is None
    # the annex's table of contents gets its page numbers when Word refreshes it
    assert xml(rendered["annex"], "word/settings.xml").find(f"{{{W}}}updateFields").get(f"{{{W}}}val") == "true"


def test_picture_has_alt_text(rendered):
    root = xml(rendered["memo"])
    doc_prs = list(root.iter(f"{{{NS['wp']}}}docPr"))
    assert len(doc_prs) == 1
    assert doc_prs[0].get("descr").startswith("Barres horizontales")
    assert doc_prs[0].get("title")


def test_footnotes_part_holds_the_sources(rendered):
    with zipfile.ZipFile(rendered["memo"]) as z:
        assert "word/footnotes.xml" in z.namelist()
        content_types = z.read("[Content_Types].xml").decode()
    assert "footnotes+xml" in content_types
    notes = xml(rendered["memo"], "word/footnotes.xml")
    texts = ["".join(n.itertext()) for n in notes.findall("w:footnote", NS) if n.get(f"{{{W}}}type") is None]
    assert any("INASTI, Statistiques annuelles" in t for t in texts)
    refs = xml(rendered["memo"]).findall(".//w:footnoteReference", NS)
    assert len(refs) == len(texts) == 2


def test_custom_and_core_properties(rendered):
    props = read_custom_properties(rendered["memo"])
    assert props["RunId"] == "2026-11-20-a41c"
    assert props["ParamsHash"] == "sha256:5f1c0a9e"
    assert props["GitCommit"] == "3b9e2f1"
    assert props["PackageVersion"] == "0.1.0"
    assert props["DataHash:survey.csv"] == "sha256:ab12cd34"
    core = docx.Document(str(rendered["memo"])).core_properties
    assert core.title.startswith("Icarius") and core.author == "Service Études et prévention"
    assert core.created.year == 2000 and core.modified == core.created


def test_footer_has_page_x_of_y(rendered):
    footer = docx.Document(str(rendered["memo"])).sections[0].footer
    instructions = [t.text.strip() for t in footer._element.iter(f"{{{W}}}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Usage interne")
    assert "Page\u00a01\u00a0/\u00a01" in footer.paragraphs[0].text


def test_two_renders_are_byte_identical(rendered):
    assert rendered["memo"].read_bytes() == rendered["again"].read_bytes()
    with zipfile.ZipFile(rendered["memo"]) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_french_typography(rendered):
    document = docx.Document(str(rendered["memo"]))
    text = body_text(document) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "en 2025\u00a0: 46" in text
    assert re.search(r"[\u202f\u00a0];", text) and not re.search(r" ;", text)
    assert "indépendants ?" not in text and "indépendants\u202f?" in text
    assert "«\u00a0base.yaml\u00a0»" in text
    assert not re.search(r" [:;!?»]", text)


def test_annex_has_a_prefilled_table_of_contents(rendered):
    document = docx.Document(str(rendered["annex"]))
    root = xml(rendered["annex"])
    instructions = [t.text.strip() for t in root.iter(f"{{{W}}}instrText")]
    assert instructions[0].startswith('TOC \\o "1-3"')
    toc = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("TOC ")]
    assert ("TOC 1", "Données") in toc and ("TOC 3", "Hypothèses économiques") in toc
    assert any(p.style.name == "TOC Heading" and p.text == "Sommaire" for p in document.paragraphs)
    assert {p.style.name for p in document.paragraphs} >= {"Heading 1", "Heading 2", "Heading 3"}


@pytest.mark.parametrize(
    "language, labels, table_label",
    [("nl", ["Aan", "Van", "Datum", "Onderwerp", "Classificatie"], "Tabel"),
     ("en", ["To", "From", "Date", "Subject", "Classification"], "Table")],
)
def test_other_languages_take_labels_from_catalogues(tmp_path, language, labels, table_label):
    content = replace(sample_content(tmp_path), language=language, banner=None)
    path = render(content, tmp_path / f"memo-{language}.docx")
    document = docx.Document(str(path))
    assert [row.cells[0].text for row in document.tables[0].rows] == labels
    assert document.paragraphs[0].style.name == "Title"  # no banner requested
    assert f"{table_label}\u00a01 – " in body_text(document)
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer.split("\t")[-1].startswith(translator(language)("Page"))


def test_catalogues_are_complete_and_aligned():
    catalogues = {language: messages(language) for language in LANGUAGES}
    ids = set(catalogues["en"])
    for language, catalogue in catalogues.items():
        assert set(catalogue) == ids, language
        assert all(catalogue.values()), f"untranslated entries in {language}"
    assert translator("fr")("Contents") == "Sommaire"
    assert translator("nl")("Demonstration data") == "Demonstratiegegevens"


def test_content_errors_are_listed_before_writing(tmp_path):
    content = sample_content(tmp_path)
    content.sections.append(Section("Détail", 3, [Paragraph("Voir [@tab:absent].[^2]", footnotes=["x"])]))
    with pytest.raises(UserError) as err:
        render(content, tmp_path / "bad.docx")
    message = str(err.value)
    assert "heading level skipped" in message
    assert "unknown key « tab:absent »" in message
    assert "[^2]" in message
    assert not (tmp_path / "bad.docx").exists()
