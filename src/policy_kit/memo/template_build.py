"""Build the house template (memo/template.docx) from python-docx's default document.

Run ``python -m policy_kit.memo.template_build`` after changing a style here; the committed
template must equal a fresh build (a test checks it), so the file never drifts from this code.

Font: Arial. Word has it on Windows and macOS; LibreOffice on Linux substitutes Liberation Sans,
which is metric-compatible (same widths, so the same line and page breaks as in Word) and covers
the narrow no-break space U+202F that French typography needs. Calibri would fall back to
Carlito only where that font is installed, and to DejaVu Sans (wider) elsewhere.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from . import docx_kit

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
KEY_FILL = "E3ECF7"
HEADER_FILL = "D9E2F3"
BANNER_FILL = "B00020"
FLAG_FILL = "FCE8C8"  # rows a reader must notice (unsourced assumptions)
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = Cm(2.2), Cm(2.0), Cm(2.0)

# Every style the renderer uses; render() checks them on the template it is given.
PARAGRAPH_STYLES = (
    "Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Key Message", "Key Figure",
    "Key Figure Label", "Banner", "Caption", "Footnote Text", "List Bullet", "List Number",
    "Source", "Table Text", "Table Text Compact", "Header Block", "Header", "Footer", "TOC Heading", "TOC 1", "TOC 2", "TOC 3",
)
CHARACTER_STYLES = ("Footnote Reference",)
TABLE_STYLES = ("Table House",)
REQUIRED_STYLES = PARAGRAPH_STYLES + CHARACTER_STYLES + TABLE_STYLES

TEMPLATE_PATH = resources.files(__package__).joinpath("template.docx")
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def _strip_theme_fonts(styles_element) -> None:
    """Theme font attributes win over explicit names; drop them so Arial applies everywhere."""
    for rfonts in styles_element.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)


def _clear_theme_colors(styles_element) -> None:
    for color in styles_element.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


def _shade(pPr, fill: str) -> None:
    for old in pPr.findall(qn("w:shd")):
        pPr.remove(old)
    pPr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _borders(pPr, color: str, size: int = 6, sides=("top", "left", "bottom", "right"), space: int = 4) -> None:
    for old in pPr.findall(qn("w:pBdr")):
        pPr.remove(old)
    inner = "".join(f'<w:{s} w:val="single" w:sz="{size}" w:space="{space}" w:color="{color}"/>' for s in sides)
    pPr.append(parse_xml(f"<w:pBdr {nsdecls('w')}>{inner}</w:pBdr>"))


def _order_pPr(pPr) -> None:
    """Keep pPr children in schema order after appending (Word is strict about it)."""
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange"]
    rank = {qn(f"w:{n}"): i for i, n in enumerate(order)}
    for child in sorted(pPr, key=lambda el: rank.get(el.tag, len(rank))):
        pPr.remove(child)
        pPr.append(child)


def _paragraph_style(styles, name: str, *, base: str = "Normal", size: float | None = None, bold: bool | None = None,
                     italic: bool | None = None, color: RGBColor | None = None, before: float | None = None,
                     after: float | None = None, line: float | None = None, keep_next: bool | None = None,
                     align=None, next_style: str | None = None):
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles[base]
    style.hidden = False
    style.quick_style = True
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    if align is not None:
        fmt.alignment = align
    if next_style is not None:
        style.next_paragraph_style = styles[next_style]
    return style


def _table_style(styles) -> None:
    try:
        style = styles["Table House"]
    except KeyError:
        style = styles.add_style("Table House", WD_STYLE_TYPE.TABLE)
    style.base_style = styles["Normal Table"]
    el = style.element
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:tcPr", "w:tblStylePr"):
        for old in el.findall(qn(tag)):
            el.remove(old)
    el.append(parse_xml(
        f'<w:pPr {nsdecls("w")}><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'))
    el.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'))
    el.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblStyleRowBandSize w:val="1"/><w:tblBorders>'
        '<w:top w:val="single" w:sz="8" w:space="0" w:color="1F3A5F"/>'
        '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="1F3A5F"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        '</w:tblBorders><w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'))
    el.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
        f'<w:tblPr/><w:trPr><w:tblHeader/></w:trPr><w:tcPr><w:tcBorders>'
        '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="1F3A5F"/></w:tcBorders>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr></w:tblStylePr>'))


def _character_style(styles, name: str, *, superscript: bool = False):
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.base_style = styles["Default Paragraph Font"]
    style.hidden = False
    style.font.superscript = superscript
    return style


def build_template_document():
    document = docx.Document()
    styles = document.styles

    # Document defaults: Arial 10.5 pt, 1.15 lines, 6 pt after.
    rpr_default = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    rpr_default.find(qn("w:sz")).set(qn("w:val"), "21")
    rpr_default.find(qn("w:szCs")).set(qn("w:val"), "21")
    ppr_default = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "264")

    _paragraph_style(styles, "Normal")
    _paragraph_style(styles, "Title", size=18, bold=True, color=NAVY, after=10, line=1.0)
    title_pPr = styles["Title"].element.get_or_add_pPr()
    _borders(title_pPr, "1F3A5F", size=8, sides=("bottom",))
    _order_pPr(title_pPr)
    _paragraph_style(styles, "Heading 1", size=13, bold=True, color=NAVY, before=14, after=4, keep_next=True,
                     next_style="Normal")
    _paragraph_style(styles, "Heading 2", base="Heading 1", size=11.5, bold=True, color=NAVY, before=10, after=3,
                     next_style="Normal")
    _paragraph_style(styles, "Heading 3", base="Heading 2", size=10.5, bold=True, italic=False, color=GREY,
                     before=8, after=2, next_style="Normal")
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        styles[name].font.name = FONT

    # The key message box: paragraphs and cells share one fill so the box reads as one block.
    for name, kwargs in (
        ("Key Message", dict(size=11, bold=True, color=NAVY, before=2, after=4, keep_next=True)),
        ("Key Figure", dict(size=16, bold=True, color=NAVY, before=2, after=0, line=1.0,
                            align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)),
        ("Key Figure Label", dict(size=8.5, color=GREY, before=0, after=2, line=1.0, align=WD_ALIGN_PARAGRAPH.CENTER)),
    ):
        style = _paragraph_style(styles, name, **kwargs)
        pPr = style.element.get_or_add_pPr()
        _shade(pPr, KEY_FILL)
        _order_pPr(pPr)

    # Demo-data warning: white on red, full width, impossible to miss on page 1.
    banner = _paragraph_style(styles, "Banner", size=10.5, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF), before=0,
                              after=8, line=1.0, align=WD_ALIGN_PARAGRAPH.CENTER)
    pPr = banner.element.get_or_add_pPr()
    _shade(pPr, BANNER_FILL)
    _borders(pPr, BANNER_FILL, size=12, space=3)
    _order_pPr(pPr)

    _paragraph_style(styles, "Caption", size=9, bold=True, color=GREY, before=6, after=4, line=1.0)
    _paragraph_style(styles, "Source", size=8, italic=True, color=GREY, before=2, after=8, line=1.0)
    _paragraph_style(styles, "Table Text", size=9, before=0, after=0, line=1.0)
    # tables of eight columns or more: one point smaller, so headers keep their words whole
    _paragraph_style(styles, "Table Text Compact", size=8, before=0, after=0, line=1.0)
    _paragraph_style(styles, "Header Block", size=10, before=1, after=1, line=1.0)
    _paragraph_style(styles, "Footnote Text", size=8, before=0, after=0, line=1.0)
    _character_style(styles, "Footnote Reference", superscript=True)
    for name in ("List Bullet", "List Number"):
        _paragraph_style(styles, name, after=3)
    text_right = int(PAGE_WIDTH - 2 * MARGIN_SIDE)
    for name in ("Header", "Footer"):
        style = _paragraph_style(styles, name, size=8, color=GREY, before=0, after=0, line=1.0)
        # replace the Letter-size tab stops of the default template with A4 ones
        tabs = style.element.get_or_add_pPr().find(qn("w:tabs"))
        if tabs is not None:
            style.element.pPr.remove(tabs)
        style.paragraph_format.tab_stops.add_tab_stop(text_right // 2, WD_TAB_ALIGNMENT.CENTER)
        style.paragraph_format.tab_stops.add_tab_stop(text_right, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph_style(styles, "TOC Heading", base="Heading 1", size=13, bold=True, color=NAVY, before=6, after=6)
    for level in (1, 2, 3):
        style = _paragraph_style(styles, f"TOC {level}", after=2, before=4 if level == 1 else 0,
                                 bold=level == 1)
        style.paragraph_format.left_indent = Cm(0.6 * (level - 1))

    _table_style(styles)
    _strip_theme_fonts(styles.element)
    _clear_theme_colors(styles.element)
    rfonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    old = rpr_default.find(qn("w:rFonts"))
    if old is not None:
        rpr_default.remove(old)
    rpr_default.insert(0, rfonts)

    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = section.footer_distance = Cm(1.0)

    # python-docx's default package carries a thumbnail of its own sample page.
    package = document.part.package
    for rel in list(package.rels.values()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel.rId]
            package.rels._target_parts_by_rId.pop(rel.rId, None)

    docx_kit.set_core_properties(document, title="", author="", created=FIXED_DATE)
    return document


def build_template(path: Path | str | None = None) -> Path:
    """Write the house template; byte-identical on every run."""
    return docx_kit.save(build_template_document(), Path(path) if path else Path(str(TEMPLATE_PATH)))


if __name__ == "__main__":
    print(build_template())
