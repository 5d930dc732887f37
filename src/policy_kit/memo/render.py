"""MemoContent → memo.docx / annex.docx, on the house template (or the caller's).

Layout of the memo: page header (organisation, demo warning), demo banner, title, header block
(À / De / Date / Objet / Classification), key-message box, sections; footer with the
classification and « Page X / Y ». The annex has the same parts plus a table of contents and no
key-message box unless the content carries one.

Nothing is written until the template has every style and the content is consistent (unique
keys, resolvable cross-references, pictures with alt text, heading levels 1–3 without jumps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from ..errors import Problem, UserError
from ..formatting import NBSP, locale_for, typography
from . import docx_kit
from .content import (
    BulletList,
    CrossRef,
    Figure,
    Footnote,
    Inline,
    MemoContent,
    NumberedList,
    Paragraph,
    Run,
    Section,
    Table,
)
from .i18n import translator
from .template_build import BANNER_FILL, FLAG_FILL, KEY_FILL, REQUIRED_STYLES, TEMPLATE_PATH

MARKER = re.compile(r"\[\^(\d+)\]|\[@([^\]\s]+)\]")
MAX_HEADING_LEVEL = 3
COMPACT_COLUMNS = 8  # from this many columns a table is set one point smaller
PROVENANCE_BOOKMARK = "_Provenance"
DASH = "\u2013"


@dataclass(frozen=True)
class _Target:
    bookmark: str
    label: str  # « Tableau 1 »
    number: int
    seq: str  # SEQ identifier: the translated label, as Word names its own sequences


def render(content: MemoContent, out_path: Path | str, template: Path | str | None = None) -> Path:
    """Write the leadership memo. Returns the path written."""
    return _Renderer(content, template, annex=False).write(out_path)


def render_annex(content: MemoContent, out_path: Path | str, template: Path | str | None = None) -> Path:
    """Write the technical annex: same content model, table of contents first, headings to level 3."""
    return _Renderer(content, template, annex=True).write(out_path)


def build_document(content: MemoContent, template: Path | str | None = None, *, annex: bool = False):
    """The python-docx Document, unsaved (for callers that add to it before saving)."""
    return _Renderer(content, template, annex=annex).build()


class _Renderer:
    def __init__(self, content: MemoContent, template: Path | str | None, *, annex: bool):
        self.content = content
        self.annex = annex
        self.language = content.language
        self.locale = locale_for(content.language)  # also validates the language
        self._ = translator(content.language)
        self.template = Path(template) if template else Path(str(TEMPLATE_PATH))

    # ------------------------------------------------------------------ entry points
    def write(self, out_path: Path | str) -> Path:
        return docx_kit.save(self.build(), out_path)

    def build(self):
        if not self.template.exists():
            raise UserError(f"Template not found: {self.template}")
        doc = docx.Document(str(self.template))
        docx_kit.check_styles(doc, REQUIRED_STYLES, source=str(self.template))
        self.targets = self._number_targets()
        self._validate()

        self.doc = doc
        self.style_ids = {s.name.casefold(): s.style_id for s in doc.styles if s.name}
        self.bookmarks = docx_kit.Bookmarks(doc)
        self.footnotes = docx_kit.Footnotes(doc)
        self._clear_body()

        bcp47 = self.locale.replace("_", "-")
        docx_kit.set_document_language(doc, bcp47)
        props = self.content.properties
        docx_kit.set_core_properties(
            doc,
            title=props.title or self.content.header.subject,
            author=props.author or self.content.header.from_,
            subject=props.subject or self.content.header.subject,
            keywords=props.keywords,
            created=props.created,
            language=bcp47,
        )
        docx_kit.set_custom_properties(doc, self.content.all_custom_properties())
        if self.annex:  # only the annex's table of contents needs Word to refresh fields; the memo opens without a prompt
            docx_kit.set_update_fields(doc)

        self._page_header_footer()
        if self.content.banner:
            self.doc.add_paragraph(self.t(self.content.banner), style=self.s("Banner"))
        title = self.content.title or self._("Annex" if self.annex else "Memo")
        self.doc.add_paragraph(self.t(title), style=self.s("Title"))
        self._header_block()
        if self.content.key_message is not None:
            self._key_message()
        if self.annex:
            self._toc()
        for i, section in enumerate(self.content.sections):
            self._section(section, i)
        return doc

    # ------------------------------------------------------------------ checks before writing
    def _number_targets(self) -> dict[str, _Target]:
        """Tables and figures numbered in reading order, so cross-references can point forward."""
        targets: dict[str, _Target] = {}
        counts = {"Table": 0, "Figure": 0}
        self.block_numbers: dict[int, _Target] = {}
        for section in self.content.sections:
            for block in section.blocks:
                if isinstance(block, (Table, Figure)):
                    kind = "Table" if isinstance(block, Table) else "Figure"
                    counts[kind] += 1
                    label = self._(kind)
                    key = block.key or f"{kind.lower()}-{counts[kind]}"
                    target = _Target(docx_kit.Bookmarks.name_for(key), f"{label}{NBSP}{counts[kind]}",
                                     counts[kind], label)
                    if block.key:
                        targets[block.key] = target
                    self.block_numbers[id(block)] = target
        return targets

    def _validate(self) -> None:
        problems: list[Problem] = []
        keys: dict[str, str] = {}
        previous_level = 0
        for section in self.content.sections:
            where = f"section « {section.title} »"
            if not 1 <= section.level <= MAX_HEADING_LEVEL:
                problems.append(Problem(where, "heading level out of range", "1 to 3", str(section.level)))
            elif section.level > previous_level + 1:
                problems.append(Problem(where, "heading level skipped", f"at most {previous_level + 1}",
                                        str(section.level)))
            previous_level = section.level
            for block in section.blocks:
                key = getattr(block, "key", None)
                if key:
                    bookmark = docx_kit.Bookmarks.name_for(key)
                    if bookmark in keys:
                        problems.append(Problem(where, f"key « {key} » used twice (or clashes with « {keys[bookmark]} »)"))
                    keys[bookmark] = key
                if isinstance(block, Figure):
                    if not block.alt_text or not block.alt_text.strip():
                        problems.append(Problem(where, f"figure « {block.caption} » has no alt text"))
                    if not Path(block.path).is_file():
                        problems.append(Problem(where, "figure file not found", found=str(block.path)))
                for ref in self._crossrefs(block):
                    if ref not in self.targets:
                        problems.append(Problem(where, f"cross-reference to unknown key « {ref} »",
                                                expected=", ".join(sorted(self.targets)) or "a table or figure key"))
                if isinstance(block, Paragraph) and isinstance(block.text, str):
                    for m in MARKER.finditer(block.text):
                        if m.group(1) and not 1 <= int(m.group(1)) <= len(block.footnotes):
                            problems.append(Problem(where, f"footnote marker [^{m.group(1)}] has no footnote",
                                                    expected=f"1 to {len(block.footnotes)}"))
        if self.content.logo and not Path(self.content.logo).is_file():
            problems.append(Problem("logo", "file not found", found=str(self.content.logo)))
        if problems:
            raise UserError("The memo content cannot be rendered", problems)

    @staticmethod
    def _crossrefs(block) -> list[str]:
        texts: list = []
        if isinstance(block, Paragraph):
            texts = [block.text]
        elif isinstance(block, (BulletList, NumberedList)):
            texts = list(block.items)
        refs = []
        for text in texts:
            if isinstance(text, str):
                refs += [m.group(2) for m in MARKER.finditer(text) if m.group(2)]
            else:
                refs += [x.key for x in text if isinstance(x, CrossRef)]
        return refs

    # ------------------------------------------------------------------ helpers
    def s(self, name: str):
        return docx_kit.find_style(self.doc, name)

    def t(self, text: str) -> str:
        return typography(text, self.language)

    def _clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _inline(self, paragraph: DocxParagraph, content: str | list[Inline], footnotes=()) -> None:
        """Text with footnote and cross-reference markers, or explicit runs."""
        notes = [n.text if isinstance(n, Footnote) else n for n in footnotes]
        used: set[int] = set()
        if isinstance(content, str):
            tokens: list[Inline] = []
            pos = 0
            for m in MARKER.finditer(content):
                tokens.append(content[pos:m.start()])
                if m.group(1):
                    index = int(m.group(1)) - 1
                    used.add(index)
                    tokens.append(Footnote(notes[index]))
                else:
                    tokens.append(CrossRef(m.group(2)))
                pos = m.end()
            tokens.append(content[pos:])
        else:
            tokens = list(content)
        for token in tokens:
            if isinstance(token, str):
                if token:
                    docx_kit.add_text(paragraph, self.t(token))
            elif isinstance(token, Run):
                docx_kit.add_text(paragraph, self.t(token.text), bold=token.bold, italic=token.italic)
            elif isinstance(token, Footnote):
                self._footnote(paragraph, token.text)
            elif isinstance(token, CrossRef):
                target = self.targets[token.key]
                docx_kit.add_ref(paragraph, target.bookmark, target.label)
        for index, note in enumerate(notes):
            if index not in used:
                self._footnote(paragraph, note)

    def _footnote(self, paragraph: DocxParagraph, text: str) -> None:
        self.footnotes.add(paragraph, self.t(text), text_style=self.style_ids["footnote text"],
                           reference_style=self.style_ids["footnote reference"])

    # ------------------------------------------------------------------ page furniture
    def _page_header_footer(self, section=None) -> None:
        """Organisation (and demo warning) on top, classification and « Page X / Y » below.

        Every section gets its own copy, with tab stops at its own text width, so a landscape
        page keeps the page number at its right margin.
        """
        section = section or self.doc.sections[0]
        section.different_first_page_header_footer = False
        header = section.header
        header.is_linked_to_previous = False
        para = header.paragraphs[0]
        for extra in header.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        para.clear()
        para.style = self.s("Header")
        self._section_tabs(para, section)
        if self.content.logo:
            para.add_run().add_picture(str(self.content.logo), height=Cm(0.9))
            para.add_run("  ")
        if self.content.organisation:
            docx_kit.add_text(para, self.t(self.content.organisation), bold=True)
        if self.content.banner:
            para.add_run("\t\t")
            run = para.add_run(self.t(self._("Demonstration data")).upper())
            run.bold = True
            run.font.color.rgb = docx.shared.RGBColor.from_string(BANNER_FILL)

        footer = section.footer
        footer.is_linked_to_previous = False
        fpara = footer.paragraphs[0]
        fpara.clear()
        for extra in footer.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        fpara.style = self.s("Footer")
        self._section_tabs(fpara, section)
        docx_kit.add_text(fpara, self.t(self.content.header.classification))
        fpara.add_run("\t\t")
        docx_kit.add_page_x_of_y(fpara, self._("Page"))

    @staticmethod
    def _section_tabs(paragraph: DocxParagraph, section) -> None:
        """Centre and right tab stops at this section's text width, replacing the style's."""
        width = section.page_width - section.left_margin - section.right_margin
        style_tabs = [t.position for t in paragraph.style.paragraph_format.tab_stops]
        if style_tabs and abs(max(style_tabs) - width) < Cm(0.1):
            return  # the style already fits (portrait)
        stops = paragraph.paragraph_format.tab_stops
        for position in style_tabs:
            stops.add_tab_stop(position, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(Emu(width // 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)

    def _header_block(self) -> None:
        h = self.content.header
        rows = [("To", h.to), ("From", h.from_), ("Date", h.date), ("Subject", h.subject),
                ("Classification", h.classification)]
        table = self.doc.add_table(rows=len(rows), cols=2)
        docx_kit.remove_borders(table)
        total = int(docx_kit.text_width(self.doc))
        label_width = int(Cm(3.2))
        docx_kit.set_table_layout(table, [label_width, total - label_width])
        docx_kit.set_table_description(table, self._("Subject"))
        for row, (label, value) in zip(table.rows, rows):
            docx_kit.keep_row_together(row)
            left, right = row.cells
            lp, rp = left.paragraphs[0], right.paragraphs[0]
            lp.style = rp.style = self.s("Header Block")
            docx_kit.add_text(lp, self.t(self._(label)), bold=True)
            docx_kit.add_text(rp, self.t(value), bold=label == "Subject")
        spacer = self.doc.add_paragraph(style=self.s("Header Block"))
        spacer.paragraph_format.space_after = Pt(4)

    def _key_message(self) -> None:
        km = self.content.key_message
        figures = km.figures
        cols = max(1, len(figures))
        table = self.doc.add_table(rows=2 if figures else 1, cols=cols)
        docx_kit.remove_borders(table)
        # a thick rule on the left marks the box as the thing to read first
        tblPr = table._tbl.tblPr
        borders = tblPr.find(qn("w:tblBorders"))
        left = borders.find(qn("w:left"))
        left.set(qn("w:val"), "single")
        left.set(qn("w:sz"), "24")
        left.set(qn("w:space"), "0")
        left.set(qn("w:color"), "1F3A5F")
        total = int(docx_kit.text_width(self.doc))
        base = total // cols
        docx_kit.set_table_layout(table, [base] * (cols - 1) + [total - base * (cols - 1)])
        docx_kit.set_table_description(table, self._("Key message"))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        top = table.rows[0].cells[0].merge(table.rows[0].cells[-1]) if cols > 1 else table.rows[0].cells[0]
        para = top.paragraphs[0]
        para.style = self.s("Key Message")
        self._inline(para, km.sentence)
        for cell in table.rows[0].cells:
            docx_kit.shade_cell(cell, KEY_FILL)
        docx_kit.keep_row_together(table.rows[0])
        if figures:
            row = table.rows[1]
            docx_kit.keep_row_together(row)
            for cell, figure in zip(row.cells, figures):
                docx_kit.shade_cell(cell, KEY_FILL)
                value = cell.paragraphs[0]
                value.style = self.s("Key Figure")
                docx_kit.add_text(value, self.t(figure.value_text))
                label = cell.add_paragraph(style=self.s("Key Figure Label"))
                docx_kit.add_text(label, self.t(figure.label))
                if figure.note:
                    note = cell.add_paragraph(style=self.s("Key Figure Label"))
                    docx_kit.add_text(note, self.t(figure.note), italic=True)
        self.doc.add_paragraph(style=self.s("Header Block"))

    def _toc(self) -> None:
        self.doc.add_paragraph(self.t(self._("Contents")), style=self.s("TOC Heading"))
        entries = [(s.level, self.t(s.title), self._heading_bookmark(i)) for i, s in enumerate(self.content.sections)
                   if s.level <= MAX_HEADING_LEVEL]
        docx_kit.add_toc(self.doc, entries, levels=f"1-{MAX_HEADING_LEVEL}")

    @staticmethod
    def _heading_bookmark(index: int) -> str:
        return f"_Toc{index + 1:06d}"  # Word's own prefix: hidden in its bookmark dialog

    # ------------------------------------------------------------------ body
    def _section(self, section: Section, index: int) -> None:
        body = self.doc.element.body
        if section.landscape != docx_kit.is_landscape(self.doc.sections[-1]):
            self._page_header_footer(docx_kit.start_section(self.doc, landscape=section.landscape))
        bookmark_id = None
        if section.provenance:
            bookmark_id = self.bookmarks._next
            self.bookmarks._next += 1
            start = docx_kit.OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(bookmark_id))
            start.set(qn("w:name"), f"{PROVENANCE_BOOKMARK}{index}")
            body.sectPr.addprevious(start)
        heading = self.doc.add_paragraph(self.t(section.title), style=self.s(f"Heading {section.level}"))
        if self.annex:  # the contents link here; the bookmark spans the heading's text, as Word's do
            bookmark_start = self.bookmarks.start(heading, self._heading_bookmark(index))
            start = heading._p[-1]
            heading._p.remove(start)
            heading._p.insert(1 if heading._p.pPr is not None else 0, start)
            self.bookmarks.end(heading, bookmark_start)
        for block in section.blocks:
            self._block(block)
        if bookmark_id is not None:
            end = docx_kit.OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(bookmark_id))
            body.sectPr.addprevious(end)

    def _block(self, block) -> None:
        if isinstance(block, Paragraph):
            para = self.doc.add_paragraph(style=self.s(block.style or "Normal"))
            self._inline(para, block.text, block.footnotes)
        elif isinstance(block, BulletList):
            for item in block.items:
                self._inline(self.doc.add_paragraph(style=self.s("List Bullet")), item)
        elif isinstance(block, NumberedList):
            num_id = docx_kit.fresh_numbering(self.doc, "List Number")
            for item in block.items:
                para = self.doc.add_paragraph(style=self.s("List Number"))
                if num_id is not None:
                    docx_kit.set_numbering(para, num_id)
                self._inline(para, item)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Figure):
            self._figure(block)
        else:
            raise TypeError(f"unknown block {type(block).__name__}")

    def _caption(self, target: _Target, text: str, footnotes) -> DocxParagraph:
        """« Tableau 1 – text »: the bookmark spans label and number, so REF fields read « Tableau 1 »."""
        para = self.doc.add_paragraph(style=self.s("Caption"))
        bid = self.bookmarks.start(para, target.bookmark)
        docx_kit.add_text(para, f"{target.seq}{NBSP}")
        docx_kit.add_seq(para, target.seq, target.number)
        self.bookmarks.end(para, bid)
        docx_kit.add_text(para, f" {DASH} ")
        self._inline(para, text, footnotes)
        return para

    def _table(self, block: Table) -> None:
        target = self.block_numbers[id(block)]
        caption = self._caption(target, block.caption, block.footnotes)
        docx_kit.keep_with_next(caption)
        compact = len(block.data.columns) >= COMPACT_COLUMNS
        table = docx_kit.df_to_table(
            self.doc, block.data, style="Table House", alignments=block.alignments, widths_cm=block.widths_cm,
            cell_style="Table Text Compact" if compact else "Table Text", transform=self.t,
            row_fills=dict.fromkeys(block.flagged_rows, FLAG_FILL),
            size_pt=8.0 if compact else 9.0,
        )
        docx_kit.set_table_description(table, self.t(block.caption))
        # Keep the rows of a short table together with its caption.
        if len(table.rows) <= 15:
            for row in table.rows[:-1]:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        p.paragraph_format.keep_with_next = True
        if block.note:  # the note never starts a page on its own
            for cell in table.rows[-1].cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
        note = self.doc.add_paragraph(style=self.s("Source"))
        if block.note:
            self._inline(note, block.note)

    def _figure(self, block: Figure) -> None:
        target = self.block_numbers[id(block)]
        holder = self.doc.add_paragraph(style=self.s("Normal"))
        holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
        holder.paragraph_format.space_after = Pt(0)
        docx_kit.keep_with_next(holder)
        docx_kit.add_picture(holder, block.path, width_cm=block.width_cm, alt_text=self.t(block.alt_text),
                             title=self.t(block.title or block.caption),
                             max_width=int(docx_kit.text_width(self.doc)))
        self._caption(target, block.caption, block.footnotes)
        if block.note:
            self._inline(self.doc.add_paragraph(style=self.s("Source")), block.note)
