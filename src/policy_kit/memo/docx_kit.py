"""OXML helpers for what python-docx 1.2 has no API for.

Fields (PAGE, NUMPAGES, SEQ, REF, TOC) always carry a cached result so the document reads
correctly before anyone updates fields; footnotes; custom document properties; fixed core
properties; DataFrame tables that fit the page and repeat their header; pictures with alt text;
and a deterministic save (same inputs, same bytes).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from copy import deepcopy
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

import pandas as pd
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from ..errors import Problem, UserError

CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CT_CUSTOM_PROPS = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id Word uses for every user-defined property.
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --------------------------------------------------------------------------- styles

def style_names(document: DocumentObject) -> set[str]:
    return {s.name for s in document.styles if s.name}


def find_style(document: DocumentObject, name: str):
    """Style by name, ignoring case: LibreOffice saves « Heading 1 » where python-docx looks for
    « heading 1 », so ``document.styles[name]`` fails on templates it wrote."""
    wanted = name.casefold()
    for style in document.styles:
        if style.name and style.name.casefold() == wanted:
            return style
    raise KeyError(f"no style named {name!r}")


def _set_paragraph_style(paragraph: DocxParagraph, style_id: str) -> None:
    """pStyle by id: python-docx's style setter scans every style, which dominates big tables."""
    pPr = paragraph._p.get_or_add_pPr()
    pPr.get_or_add_pStyle().val = style_id


def check_styles(document: DocumentObject, required: Iterable[str], *, source: str = "template") -> None:
    """Fail before anything is written if the template lacks a style the renderer uses.

    python-docx silently falls back to the default style (or raises a bare KeyError) otherwise.
    Names compare without case because LibreOffice saves « heading 1 » for « Heading 1 ».
    """
    present = {name.casefold() for name in style_names(document)}
    missing = sorted({name for name in required if name.casefold() not in present})
    if missing:
        raise UserError(
            f"The {source} lacks {len(missing)} style(s) the memo needs",
            [Problem(where=source, message=f"missing style « {name} »") for name in missing],
        )


# --------------------------------------------------------------------------- runs and fields

def _text_run(text: str, rpr=None):
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(deepcopy(rpr))
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run


def _text_runs(text: str, rpr=None) -> list:
    """Runs for ``text``; each « \\n » becomes a line break inside the same paragraph."""
    runs = []
    for i, line in enumerate(text.split("\n")):
        run = _text_run(line, rpr)
        if i:
            run.insert(len(run) - 1, OxmlElement("w:br"))
        runs.append(run)
    return runs


def _fld_char(kind: str, rpr=None):
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(deepcopy(rpr))
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    run.append(fld)
    return run


def _instr_run(instruction: str, rpr=None):
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(deepcopy(rpr))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction.strip()} "
    run.append(instr)
    return run


def run_properties(bold: bool = False, italic: bool = False, style_id: str | None = None):
    rpr = OxmlElement("w:rPr")
    if style_id:
        rs = OxmlElement("w:rStyle")
        rs.set(qn("w:val"), style_id)
        rpr.append(rs)
    if bold:
        rpr.append(OxmlElement("w:b"))
    if italic:
        rpr.append(OxmlElement("w:i"))
    return rpr if len(rpr) else None


def add_field(paragraph: DocxParagraph, instruction: str, cached_text: str, *, rpr=None) -> None:
    """Append a complex field whose result already reads ``cached_text``."""
    p = paragraph._p
    p.append(_fld_char("begin", rpr))
    p.append(_instr_run(instruction, rpr))
    p.append(_fld_char("separate", rpr))
    p.append(_text_run(cached_text, rpr))
    p.append(_fld_char("end", rpr))


def add_text(paragraph: DocxParagraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    paragraph._p.append(_text_run(text, run_properties(bold, italic)))


def add_page_x_of_y(paragraph: DocxParagraph, label: str, *, rpr=None) -> None:
    """« Page 2 / 3 »: PAGE and NUMPAGES fields; viewers recompute both when they lay out."""
    paragraph._p.append(_text_run(f"{label}\u00a0", rpr))
    add_field(paragraph, "PAGE", "1", rpr=rpr)
    paragraph._p.append(_text_run("\u00a0/\u00a0", rpr))
    add_field(paragraph, "NUMPAGES", "1", rpr=rpr)


def add_seq(paragraph: DocxParagraph, identifier: str, number: int, *, rpr=None) -> None:
    """Caption number: ``SEQ Tableau \\* ARABIC`` with the number already filled in."""
    add_field(paragraph, f"SEQ {identifier} \\* ARABIC", str(number), rpr=rpr)


def add_ref(paragraph: DocxParagraph, bookmark: str, cached_text: str, *, rpr=None) -> None:
    """Cross-reference to a bookmarked caption label, as a hyperlink (``\\h``)."""
    add_field(paragraph, f"REF {bookmark} \\h", cached_text, rpr=rpr)


# --------------------------------------------------------------------------- bookmarks

class Bookmarks:
    """Bookmark ids must be unique per document; numbering them in order keeps output stable."""

    def __init__(self, document: DocumentObject):
        ids = [int(v) for v in document.element.xpath("//w:bookmarkStart/@w:id") if v.lstrip("-").isdigit()]
        self._next = max(ids, default=-1) + 1
        self._names: set[str] = set()

    @staticmethod
    def name_for(key: str, prefix: str = "_Ref_") -> str:
        # Leading underscore hides the bookmark in Word's dialog, as Word does for its own _Ref ids.
        return (prefix + re.sub(r"[^A-Za-z0-9_]", "_", key))[:40]

    def start(self, paragraph: DocxParagraph, name: str) -> int:
        if name in self._names:
            raise ValueError(f"bookmark {name!r} used twice (two tables or figures share a key?)")
        self._names.add(name)
        bid = self._next
        self._next += 1
        el = OxmlElement("w:bookmarkStart")
        el.set(qn("w:id"), str(bid))
        el.set(qn("w:name"), name)
        paragraph._p.append(el)
        return bid

    @staticmethod
    def end(paragraph: DocxParagraph, bookmark_id: int) -> None:
        el = OxmlElement("w:bookmarkEnd")
        el.set(qn("w:id"), str(bookmark_id))
        paragraph._p.append(el)


# --------------------------------------------------------------------------- table of contents

def add_toc(
    document: DocumentObject,
    entries: Sequence[tuple[int, str] | tuple[int, str, str]],
    *,
    levels: str = "1-3",
) -> None:
    """TOC field pre-filled with one « TOC n » paragraph per heading (no page numbers until the
    fields are updated, which ``w:updateFields`` asks Word to do on opening).

    An entry (level, text, bookmark) links to the heading's bookmark, so the contents work as
    links before any update, in Word and in a PDF made by LibreOffice.
    """
    first = document.add_paragraph()
    first._p.append(_fld_char("begin"))
    first._p.append(_instr_run(f'TOC \\o "{levels}" \\h \\z \\u'))
    first._p.append(_fld_char("separate"))
    last = first
    for i, (level, text, *anchor) in enumerate(entries):
        para = first if i == 0 else document.add_paragraph()
        para.style = find_style(document, f"TOC {level}")
        if anchor:
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), anchor[0])
            link.set(qn("w:history"), "1")
            link.append(_text_run(text))
            para._p.append(link)
        else:
            para._p.append(_text_run(text))
        last = para
    last._p.append(_fld_char("end"))


def set_update_fields(document: DocumentObject) -> None:
    """Ask Word to refresh every field (page counts, TOC page numbers) when the file opens."""
    settings = document.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        existing = OxmlElement("w:updateFields")
        # schema order (CT_Settings): updateFields comes right before these, when present
        anchor = next((el for tag in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
                                      "w:rsids", "m:mathPr", "w:themeFontLang", "w:clrSchemeMapping",
                                      "w:decimalSymbol", "w:listSeparator")
                       if (el := settings.find(qn(tag))) is not None), None)
        if anchor is not None:
            anchor.addprevious(existing)
        else:
            settings.append(existing)
    existing.set(qn("w:val"), "true")


# --------------------------------------------------------------------------- footnotes

_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _xml_part_for(source_part, reltype: str, partname: str, content_type: str, default_xml: str) -> XmlPart:
    """The related XmlPart, creating it if missing. python-docx loads unknown parts as opaque
    blobs, so an existing one (from a user's template) is re-parsed and put in its place."""
    rels = source_part.rels
    for rel in rels.values():
        if rel.reltype == reltype and not rel.is_external:
            part = rel.target_part
            if isinstance(part, XmlPart):
                return part
            xml_part = XmlPart.load(part.partname, part.content_type, part.blob, part.package)
            rel._target = xml_part
            rels._target_parts_by_rId[rel.rId] = xml_part
            return xml_part
    xml_part = XmlPart(PackURI(partname), content_type, parse_xml(default_xml), source_part.package)
    source_part.relate_to(xml_part, reltype)
    return xml_part


class Footnotes:
    """Real Word footnotes: a footnotes part with separators, and w:footnoteReference runs."""

    def __init__(self, document: DocumentObject, *, keep_existing: bool = False):
        self.document = document
        self.part = _xml_part_for(document.part, RT.FOOTNOTES, "/word/footnotes.xml", CT_FOOTNOTES, _FOOTNOTES_XML)
        if not keep_existing:
            # notes of a template's own text would dangle once its body is replaced
            for note in self.part.element.findall(qn("w:footnote")):
                if note.get(qn("w:type")) in (None, "normal"):
                    self.part.element.remove(note)
        ids = [int(v) for v in self.part.element.xpath("./w:footnote/@w:id", namespaces={"w": W_NS})]
        self._next = max([0, *ids]) + 1
        self._declare_separators()

    def _declare_separators(self) -> None:
        settings = self.document.settings.element
        if settings.find(qn("w:footnotePr")) is not None:
            return
        pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
        # schema order: footnotePr follows updateFields/hdrShapeDefaults and precedes endnotePr/compat
        anchor = next((el for tag in ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
                                      "w:themeFontLang", "w:clrSchemeMapping", "w:decimalSymbol")
                       if (el := settings.find(qn(tag))) is not None), None)
        if anchor is not None:
            anchor.addprevious(pr)
        else:
            settings.append(pr)

    def add(self, paragraph: DocxParagraph, text: str, *, text_style: str = "FootnoteText",
            reference_style: str = "FootnoteReference") -> int:
        """Append a footnote reference to ``paragraph`` and the note itself to the footnotes part."""
        fid = self._next
        self._next += 1
        ref_rpr = run_properties(style_id=reference_style)
        run = OxmlElement("w:r")
        run.append(ref_rpr)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(fid))
        run.append(ref)
        paragraph._p.append(run)

        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{fid}"><w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{reference_style}"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
        )
        self.part.element.append(note)
        return fid


# --------------------------------------------------------------------------- document properties

def set_core_properties(
    document: DocumentObject,
    *,
    title: str = "",
    author: str = "",
    subject: str = "",
    keywords: Iterable[str] = (),
    created: dt.datetime,
    language: str = "",
) -> None:
    """Core properties with fixed dates: python-docx would otherwise leave its own placeholders."""
    cp = document.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.subject = subject
    cp.keywords = ", ".join(keywords)
    cp.comments = ""
    cp.category = ""
    cp.language = language
    cp.created = created
    cp.modified = created
    cp.revision = 1


def set_custom_properties(document: DocumentObject, properties: dict[str, str]) -> None:
    """Write docProps/custom.xml (File > Properties > Custom in Word), replacing any existing one."""
    items = "".join(
        f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(str(value))}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)  # pid 0 and 1 are reserved
    )
    xml = f'<Properties xmlns="{NS_CUSTOM}" xmlns:vt="{NS_VT}">{items}</Properties>'
    package = document.part.package
    for rel in list(package.rels.values()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel.rId]
            package.rels._target_parts_by_rId.pop(rel.rId, None)
    part = Part(PackURI("/docProps/custom.xml"), CT_CUSTOM_PROPS,
                ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml).encode("utf-8"), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_custom_properties(docx_path: Path | str) -> dict[str, str]:
    from lxml import etree

    with zipfile.ZipFile(docx_path) as z:
        if "docProps/custom.xml" not in z.namelist():
            return {}
        root = etree.fromstring(z.read("docProps/custom.xml"))
    return {p.get("name"): "".join(p.itertext()) for p in root.iter(f"{{{NS_CUSTOM}}}property")}


def set_document_language(document: DocumentObject, bcp47: str) -> None:
    """Proofing language in the default run properties (spelling, hyphenation, quotes in Word)."""
    rpr = document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), bcp47)


# --------------------------------------------------------------------------- numbered lists

def fresh_numbering(document: DocumentObject, style_name: str) -> int | None:
    """A new w:num that restarts at 1, sharing the list style's definition.

    Paragraphs of the « List Number » style otherwise continue the previous list's count.
    Returns None when the style is not numbered (a user template may use plain paragraphs).
    """
    style = find_style(document, style_name)
    num_ids = style.element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    if not num_ids:
        return None
    numbering = document.part.numbering_part.element
    num = numbering.num_having_numId(int(num_ids[0]))
    abstract_id = num.abstractNumId.val
    new = numbering.add_num(abstract_id)
    override = parse_xml(
        f'<w:lvlOverride {nsdecls("w")} w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    )
    new.append(override)
    return new.numId


def set_numbering(paragraph: DocxParagraph, num_id: int, level: int = 0) -> None:
    numPr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numPr.get_or_add_ilvl().val = level
    numPr.get_or_add_numId().val = num_id


# --------------------------------------------------------------------------- tables

_GAP = r"[\s\u00a0\u202f]*"
_NUM = r"\d[\d\u00a0\u202f .,']*"
_UNIT = r"(?:%|M€|Md€|k€|€|mln\.(?: ?€)?|mld\.(?: ?€)?|m|bn|pp|points?|procentpunt|€ ?/ ?€)"
_AMOUNT = rf"[-−+]?{_GAP}€?{_GAP}[-−]?{_NUM}{_GAP}{_UNIT}?"
# a number with its unit, or an interval whose bounds both carry it (« 23,1 % – 31,1 % »)
_NUMERIC_CELL = re.compile(rf"^[<>≤≥≈~±]?{_GAP}{_AMOUNT}(?:{_GAP}[–-]{_GAP}{_AMOUNT})?$")
MISSING_MARKERS = frozenset({"", "–", "—", "-", "n.d.", "n.a.", "s", "*", "nvt", "n/a"})


def looks_numeric(text: str) -> bool:
    """Every line reads as a number (a mean over its interval is two lines)."""
    lines = [line.strip() for line in str(text).split("\n") if line.strip()]
    return bool(lines) and all(_NUMERIC_CELL.match(line) for line in lines)


def numeric_columns(df: pd.DataFrame) -> list[bool]:
    """A column is numeric when every filled cell reads as a number (« – » and blanks are neutral)."""
    flags = []
    for col in df.columns:
        cells = [str(v).strip() for v in df[col].tolist()]
        filled = [c for c in cells if c not in MISSING_MARKERS]
        flags.append(bool(filled) and all(looks_numeric(c) for c in filled))
    return flags


def start_section(document: DocumentObject, *, landscape: bool):
    """A new section on a new page, in portrait or landscape.

    python-docx's ``orientation`` does not swap the page size, so a landscape page would keep a
    portrait shape: swap width and height here. Headers and footers are inherited.
    """
    section = document.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    if landscape != (width > height):
        section.page_width, section.page_height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    return section


def is_landscape(section) -> bool:
    return section.page_width > section.page_height


def text_width(document: DocumentObject) -> Emu:
    section = document.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)


# Advance widths of Arial (= Liberation Sans, metric-compatible) in 1/1000 em for ASCII 32–126,
# regular then bold: widths are measured, not guessed, so columns fit without font files at run time.
_ARIAL = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
    "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_ARIAL_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
    "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
_WIDTHS = {bold: {chr(32 + i): int(w) for i, w in enumerate(table.split())} for bold, table in ((False, _ARIAL), (True, _ARIAL_BOLD))}
_SPECIAL = {"€": 556, "–": 556, "—": 1000, "«": 556, "»": 556, "‘": 222, "’": 222, "“": 333, "”": 333, "…": 1000,
            "→": 1000, "×": 584, "°": 400, "\u00a0": 278, "\u202f": 200, "\u200b": 0, "\u2060": 0}
CELL_PADDING_CM = 0.36  # left + right cell margins of the house table style (0.3 cm), with some slack
_WORD_BREAKS = re.compile(r"[\s\u200b]+")  # zero-width spaces mark where long codes may wrap


def text_cm(text: str, size_pt: float = 9.0, *, bold: bool = False) -> float:
    """Printed width of ``text`` in Arial at ``size_pt`` (accented letters as their base letter)."""
    widths = _WIDTHS[bold]
    total = 0
    for ch in text:
        if ch in widths:
            total += widths[ch]
        elif ch in _SPECIAL:
            total += _SPECIAL[ch]
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            total += widths.get(base, 556)
    return total / 1000 * size_pt * 2.54 / 72


def _lines(text: str) -> list[str]:
    return str(text).split("\n")


def fit_widths(df: pd.DataFrame, total: int, widths_cm: Sequence[float] | None = None, *,
               size_pt: float = 9.0) -> list[int]:
    """Column widths in EMU that add up to the text width.

    Three floors per column: what must not wrap (a number's line, a text's longest word), what
    should not (the bold header's longest word too) and what reads on one line (the longest line).
    Space goes to the highest floor every column can reach, shared in proportion beyond it.
    Explicit ``widths_cm`` are scaled to the text width.
    """
    if widths_cm:
        if len(widths_cm) != len(df.columns):
            raise ValueError(f"{len(widths_cm)} widths for {len(df.columns)} columns")
        raw = [float(w) for w in widths_cm]
    else:
        floors: list[tuple[float, float, float]] = []
        for col, is_numeric in zip(df.columns, numeric_columns(df)):
            lines = [line for v in df[col].tolist() for line in _lines(v)]
            body_words = [w for text in lines for w in _WORD_BREAKS.split(text) if w]
            head_words = [w for text in _lines(col) for w in _WORD_BREAKS.split(text) if w]
            head_lines = _lines(col)
            width = lambda texts, bold=False: max((text_cm(t, size_pt, bold=bold) for t in texts), default=0.0)  # noqa: E731
            hard = max(width(body_words), width(lines) if is_numeric else 0.0)
            soft = max(hard, width(head_words, True))
            wide = max(soft, width(lines), width(head_lines, True) * 0.5)  # a header may take two lines
            floors.append(tuple(w + CELL_PADDING_CM for w in (hard, soft, wide)))
        total_cm = total / 360000
        raw = [f[0] for f in floors]
        for lower, upper in ((0, 1), (1, 2)):
            low_sum, high_sum = sum(f[lower] for f in floors), sum(f[upper] for f in floors)
            if high_sum <= total_cm:
                raw = [f[upper] for f in floors]
            elif low_sum <= total_cm:
                share = (total_cm - low_sum) / (high_sum - low_sum)
                raw = [f[lower] + (f[upper] - f[lower]) * share for f in floors]
                break
            else:
                break
    scale = total / sum(raw)
    widths = [int(w * scale) for w in raw]
    widths[-1] += total - sum(widths)  # rounding remainder, so the sum is exact
    return widths


def _set_cell_width(cell, width: int) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcW = tcPr.find(qn("w:tcW"))
    if tcW is None:
        tcW = OxmlElement("w:tcW")
        tcPr.insert(0, tcW)
    tcW.set(qn("w:w"), str(int(width / 635)))  # EMU → twentieths of a point
    tcW.set(qn("w:type"), "dxa")


def shade_cell(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    for old in tcPr.findall(qn("w:shd")):
        tcPr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # schema order inside tcPr: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, …, vAlign
    anchor = next((tcPr.find(qn(t)) for t in ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
                   if tcPr.find(qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(shd)
    else:
        tcPr.append(shd)


def set_table_layout(table: DocxTable, widths: Sequence[int]) -> None:
    """Fixed layout, grid and every cell's width: Word and LibreOffice both honour that."""
    tbl = table._tbl
    tblPr = tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(int(sum(widths) / 635)))
    tblW.set(qn("w:type"), "dxa")
    layout = tblPr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tblPr.append(layout)
    layout.set(qn("w:type"), "fixed")
    _reorder_tblPr(tblPr)
    table.autofit = False
    for gridCol, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gridCol.set(qn("w:w"), str(int(width / 635)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            _set_cell_width(cell, width)


_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription"]


def _reorder_tblPr(tblPr) -> None:
    """Word rejects a file whose tblPr children are out of schema order."""
    rank = {qn(f"w:{n}"): i for i, n in enumerate(_TBLPR_ORDER)}
    children = sorted(tblPr, key=lambda el: rank.get(el.tag, len(rank)))
    for child in children:
        tblPr.remove(child)
        tblPr.append(child)


def set_table_description(table: DocxTable, caption: str) -> None:
    """Accessible name of the table (Word: Table Properties > Alt Text)."""
    tblPr = table._tbl.tblPr
    el = tblPr.find(qn("w:tblCaption"))
    if el is None:
        el = OxmlElement("w:tblCaption")
        tblPr.append(el)
    el.set(qn("w:val"), caption[:255])
    _reorder_tblPr(tblPr)


def remove_borders(table: DocxTable) -> None:
    tblPr = table._tbl.tblPr
    for old in tblPr.findall(qn("w:tblBorders")):
        tblPr.remove(old)
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    tblPr.append(borders)
    _reorder_tblPr(tblPr)


def _row_flag(row, tag: str) -> None:
    trPr = row._tr.get_or_add_trPr()
    if trPr.find(qn(tag)) is None:
        el = OxmlElement(tag)
        trPr.append(el)
    # cantSplit must precede tblHeader in CT_TrPr's sequence
    for name in ("w:cantSplit", "w:tblHeader"):
        el = trPr.find(qn(name))
        if el is not None:
            trPr.remove(el)
            trPr.append(el)


def repeat_header(row) -> None:
    """The row repeats at the top of every page the table runs over (w:tblHeader)."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row) -> None:
    _row_flag(row, "w:cantSplit")


def keep_with_next(paragraph: DocxParagraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def df_to_table(
    document: DocumentObject,
    df: pd.DataFrame,
    *,
    style: str = "Table House",
    alignments: dict[str, str] | None = None,
    widths_cm: Sequence[float] | None = None,
    header_fill: str | None = "D9E2F3",
    cell_style: str | None = None,
    transform=lambda text: text,
    row_fills: dict[int, str] | None = None,
    size_pt: float = 9.0,
) -> DocxTable:
    """A real Word table from a DataFrame of formatted strings.

    Header row repeated on each page and bold; numeric columns right-aligned (header included,
    so labels sit over their figures); widths on every cell so the table fits the text width.
    The header shading is also set directly on the cells because LibreOffice ignores part of
    table-style conditional formatting. ``row_fills`` shades data rows (0-based) to flag them;
    « \\n » in a cell is a line break.
    """
    alignments = dict(alignments or {})
    row_fills = dict(row_fills or {})
    numeric = numeric_columns(df)
    columns = [str(c) for c in df.columns]
    align = [alignments.get(col, "right" if is_num else "left") for col, is_num in zip(columns, numeric)]
    jc = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
    cell_style_id = find_style(document, cell_style).style_id if cell_style else None

    table = document.add_table(rows=len(df) + 1, cols=len(columns))
    table.style = find_style(document, style)
    widths = fit_widths(df, int(text_width(document)), widths_cm, size_pt=size_pt)
    set_table_layout(table, widths)

    def fill(cell, text: str, a: str, rpr=None) -> None:
        para = cell.paragraphs[0]
        if cell_style_id:
            _set_paragraph_style(para, cell_style_id)
        for run in _text_runs(transform(text), rpr):
            para._p.append(run)
        para.alignment = jc[a]

    header = table.rows[0]
    repeat_header(header)
    keep_row_together(header)
    for cell, text, a in zip(header.cells, columns, align):
        fill(cell, text, a, run_properties(bold=True))
        if header_fill:
            shade_cell(cell, header_fill)
    for r, values in enumerate(df.itertuples(index=False), start=1):
        row = table.rows[r]
        keep_row_together(row)
        for cell, value, a in zip(row.cells, values, align):
            fill(cell, "" if value is None else str(value), a)
            if r - 1 in row_fills:
                shade_cell(cell, row_fills[r - 1])
    return table


# --------------------------------------------------------------------------- pictures

def add_picture(paragraph: DocxParagraph, path: Path | str, *, width_cm: float, alt_text: str,
                title: str | None = None, max_width: int | None = None):
    """Inline picture with its description (wp:docPr descr/title), read aloud by screen readers."""
    if not alt_text or not alt_text.strip():
        raise ValueError(f"picture {path} needs alt text")
    width = Cm(width_cm)
    if max_width is not None and width > max_width:
        width = Emu(max_width)
    shape = paragraph.add_run().add_picture(str(path), width=width)
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt_text)
    doc_pr.set("title", title or alt_text[:120])
    doc_pr.set("name", Path(path).name)
    return shape


# --------------------------------------------------------------------------- saving

def deterministic_bytes(docx_bytes: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and a stable member order.

    python-docx stamps each member with the current time, so two saves differ by a few bytes.
    """
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    names = source.namelist()
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    ordered = first + sorted(n for n in names if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(name))
    return out.getvalue()


def save(document: DocumentObject, path: Path | str) -> Path:
    path = Path(path)
    buffer = io.BytesIO()
    document.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(deterministic_bytes(buffer.getvalue()))
    return path
