"""Word memos for leadership: content model, house template, renderer, checker, PDF proofs.

    from policy_kit.memo import MemoContent, render, render_annex, check_document
    render(content, "out/memo.docx")
    problems = check_document("out/memo.docx", recorded_numbers=numbers)
"""

from .checker import FoundNumber, Problem, check_document, check_or_raise, find_numbers
from .content import (
    BulletList,
    CrossRef,
    DocumentProperties,
    Figure,
    Footnote,
    Header,
    KeyFigure,
    KeyMessage,
    MemoContent,
    NumberedList,
    Paragraph,
    Provenance,
    Run,
    Section,
    Table,
)
from .docx_kit import check_styles, read_custom_properties
from .i18n import demo_banner, translator
from .pdf import page_count, pdf_text, to_pdf
from .render import build_document, render, render_annex
from .template_build import REQUIRED_STYLES, TEMPLATE_PATH, build_template

__all__ = [
    "BulletList", "CrossRef", "DocumentProperties", "Figure", "Footnote", "FoundNumber", "Header", "KeyFigure",
    "KeyMessage", "MemoContent", "NumberedList", "Paragraph", "Problem", "Provenance", "REQUIRED_STYLES", "Run",
    "Section", "TEMPLATE_PATH", "Table", "build_document", "build_template", "check_document", "check_or_raise",
    "check_styles", "demo_banner", "find_numbers", "page_count", "pdf_text", "read_custom_properties", "render",
    "render_annex", "to_pdf", "translator",
]
