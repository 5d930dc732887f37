"""PDF proof of the sample memo through LibreOffice (skipped where it is not installed)."""

from __future__ import annotations

import shutil

import pytest

from policy_kit.memo import page_count, pdf_text, render, to_pdf
from policy_kit.memo.sample import sample_content

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler-utils are needed for PDF proofs",
)


@pytest.fixture(scope="module")
def memo_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    return to_pdf(render(sample_content(out), out / "memo.docx"), out)


def plain(text: str) -> str:
    # pdftotext writes no-break spaces as plain ones
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_sample_memo_fits_three_pages(memo_pdf):
    assert 1 <= page_count(memo_pdf) <= 3


def test_page_one_shows_banner_and_key_figures(memo_pdf):
    first_page = plain(pdf_text(memo_pdf).split("\f")[0])
    assert "Données de démonstration" in first_page
    for figure in ("2,3 €", "1 130", "4,2 M€", "retour par euro investi"):
        assert figure in first_page, figure
    assert "Tableau 1 – Options chiffrées" in plain(pdf_text(memo_pdf))


def test_footer_reads_page_x_of_y(memo_pdf):
    pages = plain(pdf_text(memo_pdf)).split("\f")
    total = page_count(memo_pdf)
    for number in range(1, total + 1):
        assert f"Page {number} / {total}" in pages[number - 1]


def test_a_template_saved_by_libreoffice_still_renders(tmp_path):
    """LibreOffice renames style ids and keeps its own footnotes part; the renderer copes."""
    import subprocess

    import docx

    from policy_kit.memo import check_document
    from policy_kit.memo.sample import recorded_numbers

    first = render(sample_content(tmp_path), tmp_path / "memo.docx")
    saved = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved), str(first)],
                   check=True, capture_output=True, timeout=180)
    again = render(sample_content(tmp_path), tmp_path / "again.docx", template=saved / "memo.docx")
    assert check_document(again, recorded_numbers=recorded_numbers()) == []
    assert docx.Document(str(again)).paragraphs[0].style.name == "Banner"
    import zipfile

    from lxml import etree

    notes = etree.fromstring(zipfile.ZipFile(again).read("word/footnotes.xml"))
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert len([n for n in notes.iter(f"{W}footnote") if n.get(f"{W}type") in (None, "normal")]) == 2
