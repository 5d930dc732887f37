"""Check a rendered memo before it leaves the building.

``check_document(path, recorded_numbers=…)`` returns a list of problems (empty = good). Rules:

placeholder
    Text still holding a template placeholder: ``{name}``, ``{{ name }}``, or the words TODO,
    XXX, FIXME, TBD. Everything is searched: body, tables, headers, footers, footnotes.

unrecorded-number
    Every number in the text must match a recorded result. A number is read the fr-BE way
    (narrow or plain no-break space between thousands, decimal comma; nl-BE also takes a dot
    between thousands; en-GB a comma) with its unit: « 12 % » is 0.12, « 4,2 M€ » is 4 200 000,
    « 1,3 milliard » is 1.3e9. It matches a recorded value when the recorded value rounds to it at
    the precision shown (« 4,2 M€ » matches 4 213 000; « 13 % » matches 0.131). Signs are ignored
    (« une baisse de 0,32 » matches -0.32). A percentage also matches a recorded value given in
    percent (12.3); a bare number also matches a recorded share (« entre 11 et 15 % »).
    Recorded numbers may be floats (shares for percentages) or formatted strings (« 12 % »).
    Not checked, by design:
      - years 2000–2100 written as plain integers, and periods such as « 2025-2030 »;
      - dates (« 23 novembre 2026 », 2026-11-23, 23/11/2026) and times (14:30);
      - tokens mixing letters and digits (H1, 3e, 1er, sha256, a41c) and versions (0.1.0);
      - field results: caption numbers (SEQ), cross-references (REF), page numbers, the table of
        contents; list numbers and footnote marks are not text at all;
      - table cells holding only a suppression marker or a threshold (« < 5 », « < 0,001 »);
      - footnotes, paragraphs in the « Source » style (table and figure notes), and the
        provenance section (between ``_Provenance…`` bookmarks, see Section.provenance):
        they carry sample sizes, versions and hashes, not results.

language-purity
    In an nl or en document, no sentence in another of the three languages. A sentence (a paragraph,
    cell, header or footnote split at . ! ? ;) is foreign when it holds at least two function words
    of another language and more of them than of its own (``foreign_language``). Text between
    quotation marks (« », ‘ ’, “ ”, " ") is a quoted title and is left out, and so are capitalised
    words inside a sentence (« La Libre Belgique ») and « et al. »; a proper name rarely carries two
    function words (« Union des classes moyennes » has one).

missing-alt-text
    A picture (wp:docPr) without a description.

heading-skip
    A heading more than one level deeper than the previous one (Title counts as level 0, so the
    first heading must be Heading 1).

missing-style
    A paragraph, run or table that points at a style id the document does not define (Word then
    silently shows it as Normal), or a style listed in ``required_styles`` that is absent.

straight-apostrophe, hyphen-minus (French documents)
    The apostrophe is ’, never ' ; a negative number starts with the minus sign −, not a hyphen.
    Checked everywhere but the provenance section (file names, hashes).

jargon
    ``jargon``: (term, pattern) pairs (see ``memo.jargon``). In the memo (``glossary_key=None``) no
    term may appear; in the annex a term may appear only if the glossary table (``glossary_key``)
    defines it in its first column, and the glossary defines each term once.

key-figure-vs-table
    ``key_table``: the key of the table the key-message figures summarise (« tab:options »). Each
    number of the key box's figures must be found, at the precision shown, in one and the same
    row of that table: a key figure that no row bears out contradicts the table.

count-disagreement
    ``check_counts(memo, annex)``: a count both documents state as « n des m <nom> » (« n of the m
    <noun> », « n van de m <noun> ») must be the same in both.

suppressed-cell
    Small cells must not be published. Two ways to say which:
      - ``suppressed_cells``: cells the caller suppressed, as (table, row, column) with table the
        caption number (1 = « Tableau 1 ») or the table's key, row the 0-based data row or the
        text of its first cell, column the 0-based index or the header text. Such a cell must not
        show any digit: a percentage or count there is flagged.
      - ``min_cell``: in every captioned table, find count columns (header matching
        ``count_header``, any case: n, effectif, nombre, aantal, count, répondants, respondents,
        respondenten, participants, deelnemers). A row
        whose count is below ``min_cell``, or shows a suppression marker (``suppressed_markers``,
        e.g. « < 5 »), must not show a percentage in any cell.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from babel.dates import get_month_names
from lxml import etree

from ..errors import Problem as _BaseProblem
from ..errors import UserError
from ..formatting import LOCALES, typography

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PROVENANCE_PREFIX = "_Provenance"
# compared without case; « Contents n » is how LibreOffice names the TOC entry styles
NOT_CHECKED_STYLES = {"source", "footnote text", "toc 1", "toc 2", "toc 3", "contents 1", "contents 2", "contents 3"}
DEFAULT_MARKERS = ("< 5", "<5", "< 10", "<10", "s", "n.d.", "*", "c", "x", "–")
DEFAULT_COUNT_HEADER = r"^\s*(n|effectifs?|nombre|aantal|count|r[ée]pondants|respondent(?:s|en)|participants|deelnemers)\b"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Problem(_BaseProblem):
    kind: str = ""


@dataclass
class _Para:
    part: str
    index: int
    style_id: str | None
    text: str = ""  # everything visible
    checked: str = ""  # text that number rules apply to (field results blanked)
    provenance: bool = False
    footnote: bool = False
    table: int | None = None  # running index of the table in the part
    row: int | None = None
    col: int | None = None


@dataclass
class _TableInfo:
    index: int
    number: int | None = None  # caption SEQ number
    bookmark: str | None = None
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    description: str | None = None  # w:tblCaption, the table's accessible name


# --------------------------------------------------------------------------- reading

def _style_map(z: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """style id → (name, type)."""
    if "word/styles.xml" not in z.namelist():
        return {}
    root = etree.fromstring(z.read("word/styles.xml"))
    out = {}
    for style in root.iter(w("style")):
        name_el = style.find(w("name"))
        name = name_el.get(w("val")) if name_el is not None else style.get(w("styleId"))
        out[style.get(w("styleId"))] = (name, style.get(w("type")))
    return out


def _walk(root, part: str, *, footnote: bool = False) -> tuple[list[_Para], list[_TableInfo]]:
    paras: list[_Para] = []
    tables: list[_TableInfo] = []
    table_stack: list[list] = []  # [info, row, col]
    field_stack: list[str] = []
    simple_fields = 0
    provenance_ids: set[str] = set()
    current: _Para | None = None
    pending_caption: tuple[int | None, str | None] | None = None
    caption_bookmark: str | None = None
    caption_seq: int | None = None

    def in_field_result() -> bool:
        return simple_fields > 0 or "result" in field_stack

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == w("bookmarkStart"):
                name = el.get(w("name"), "")
                if name.startswith(PROVENANCE_PREFIX):
                    provenance_ids.add(el.get(w("id")))
                elif current is not None:
                    caption_bookmark = name
            elif tag == w("bookmarkEnd"):
                provenance_ids.discard(el.get(w("id")))
            elif tag == w("tbl"):
                info = _TableInfo(index=len(tables))
                if pending_caption:
                    info.number, info.bookmark = pending_caption
                    pending_caption = None
                tables.append(info)
                table_stack.append([info, -1, -1])
            elif tag == w("tblCaption") and table_stack:
                table_stack[-1][0].description = el.get(w("val"))
            elif tag == w("tr") and table_stack:
                table_stack[-1][1] += 1
                table_stack[-1][2] = -1
            elif tag == w("tc") and table_stack:
                table_stack[-1][2] += 1
            elif tag == w("p"):
                style = el.find(f"{w('pPr')}/{w('pStyle')}")
                current = _Para(part, len(paras), style.get(w("val")) if style is not None else None,
                                provenance=bool(provenance_ids), footnote=footnote)
                if table_stack:
                    info, row, col = table_stack[-1]
                    current.table, current.row, current.col = info.index, row, col
                caption_bookmark, caption_seq = None, None
            elif tag == w("fldChar"):
                kind = el.get(w("fldCharType"))
                if kind == "begin":
                    field_stack.append("instr")
                elif kind == "separate" and field_stack:
                    field_stack[-1] = "result"
                elif kind == "end" and field_stack:
                    field_stack.pop()
            elif tag == w("instrText") and current is not None:
                m = re.match(r"\s*SEQ\s+\S+", el.text or "")
                if m:
                    caption_seq = -1  # number read from the result text below
            elif tag == w("fldSimple"):
                simple_fields += 1
            elif tag in (w("t"), w("tab"), w("br"), w("noBreakHyphen")) and current is not None:
                text = el.text or "" if tag == w("t") else {"tab": "\t", "br": "\n"}.get(etree.QName(tag).localname, "-")
                current.text += text
                current.checked += " " * len(text) if in_field_result() else text
                if caption_seq == -1 and in_field_result() and text.strip().isdigit():
                    caption_seq = int(text.strip())
        else:
            if tag == w("fldSimple"):
                simple_fields -= 1
            elif tag == w("tbl"):
                table_stack.pop()
            elif tag == w("p") and current is not None:
                paras.append(current)
                if current.table is not None:
                    tables[current.table].cells[(current.row, current.col)] = (
                        tables[current.table].cells.get((current.row, current.col), "") + current.text)
                if current.table is None:
                    # a table takes the number of a caption paragraph right above it
                    has_seq = caption_seq is not None and caption_seq > 0
                    pending_caption = (caption_seq, caption_bookmark) if has_seq else None
                current = None
    return paras, tables


# --------------------------------------------------------------------------- numbers

@dataclass(frozen=True)
class FoundNumber:
    text: str
    value: float  # in base units: 0.12 for « 12 % », 4.2e6 for « 4,2 M€ »
    precision: float  # one unit of the last digit shown, in base units
    unit: str | None  # "%", "€", "M€", …


_GROUP = {"fr": "[\u202f\u00a0]", "nl": "[.\u202f\u00a0]", "en": ","}
_DECIMAL = {"fr": ",", "nl": ",", "en": r"\."}
_UNITS = [
    (r"%", 0.01), (r"Md€|mld\.?\s?€|mld\.|milliards?|miljard|bn", 1e9), (r"M€|mln\.?\s?€|mln\.|millions?|miljoen", 1e6),
    (r"k€", 1e3), (r"€", 1.0), (r"m\b", 1e6),
]
_UNIT_RE = re.compile(r"[ \u00a0\u202f]?(" + "|".join(u for u, _ in _UNITS) + ")")
_GAP = "[ \u00a0\u202f]"
_IN_TEN = re.compile(r"(?<![\d,.])(\d{1,2})(?:[ \u00a0\u202f]+(?:cas|times))?[ \u00a0\u202f]+(?:sur|in|op de)[ \u00a0\u202f]+10\b"
                     r"(?:[ \u00a0\u202f]+gevallen)?")


def _number_re(language: str) -> re.Pattern:
    g, d = _GROUP[language], _DECIMAL[language]
    # a unit may be glued to the number (« 12% », « €4.2m »); otherwise no letter or digit may follow
    return re.compile(rf"(?<![\w.,\u2019'])(\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}(\d+))?"
                      rf"(?=[kM]d?€|%|m\b|bn\b|(?![\d\w]))")


def _masks(language: str) -> list[re.Pattern]:
    months = "|".join(sorted({m.lower() for m in get_month_names("wide", locale=LOCALES[language]).values()}
                             | {m.lower() for m in get_month_names("abbreviated", locale=LOCALES[language]).values()},
                             key=len, reverse=True))
    return [
        re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO date
        re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
        re.compile(r"\b\d+(?:\.\d+){2,}\b"),  # version
        re.compile(r"\b\d+(?:[.,]\d+)?(?:e|er|ère|ème|th|st|nd|rd|de|ste)\b"),  # ordinal: « 97,5e centile »
        re.compile(r"\b\d{1,2}[:h]\d{2}\b"),  # time
        re.compile(rf"\b\d{{1,2}}(?:er|e)?{_GAP}+(?:{months})\b\.?(?:{_GAP}+\d{{4}})?", re.IGNORECASE),  # date
        re.compile(rf"\b(?:{months}){_GAP}+\d{{4}}\b", re.IGNORECASE),  # « novembre 2026 »
        re.compile(r"\b(?=\w*\d)(?=\w*[^\W\d])(?!\d+(?:m|bn|k)\b)\w+\b"),  # identifiers: H1, 3e, sha256
    ]


def find_numbers(text: str, language: str = "fr") -> list[FoundNumber]:
    """The numbers a reader sees in ``text``, with the rules of the module docstring."""
    for mask in _masks(language):
        text = mask.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for m in _IN_TEN.finditer(text):  # « dans 4 cas sur 10 »: a probability rounded to tenths
        found.append(FoundNumber(m.group(0), int(m.group(1)) / 10, 0.1, "share"))
    text = _IN_TEN.sub(lambda m: " " * len(m.group(0)), text)
    for m in _number_re(language).finditer(text):
        integer, decimals = m.group(1), m.group(2)
        digits = re.sub(r"\D", "", integer)
        value = float(digits + ("." + decimals if decimals else ""))
        # text rounds to significant figures (« 510 » for 512): trailing zeros of a whole number are rounding
        trailing = len(digits) - len(digits.rstrip("0")) if not decimals and digits.strip("0") else 0
        precision = 10.0 ** (-len(decimals) if decimals else trailing)
        unit, scale = None, 1.0
        um = _UNIT_RE.match(text, m.end())
        if um:
            unit = um.group(1)
            scale = next(s for pattern, s in _UNITS if re.fullmatch(pattern, unit))
        elif re.search(r"€[ \u00a0\u202f]?-?$", text[max(0, m.start() - 3):m.start()]):
            unit = "€"  # the currency before the number, as nl-BE and en-GB write it (« € 61,77 », « €61.77 »)
        if unit is None and not decimals and digits == integer and 1900 <= value <= 2100:
            continue  # a year
        found.append(FoundNumber(m.group(0), value * scale, precision * scale, unit))
    return found


def _recorded_values(recorded: Iterable[float | int | str], language: str) -> list[float]:
    values = []
    for item in recorded:
        if isinstance(item, str):  # quoted text reads as the documents print it
            values += [abs(n.value) for n in find_numbers(typography(item, language), language)]
        elif item is not None and math.isfinite(float(item)):
            values.append(abs(float(item)))
    return values


def number_is_recorded(number: FoundNumber, recorded: list[float]) -> bool:
    value = abs(number.value)
    tol = number.precision / 2 * (1 + 1e-9) + 1e-12
    candidates = [(value, tol)]
    if number.unit == "%":
        candidates.append((value * 100, tol * 100))  # recorded in percent
    if number.unit is None:
        candidates.append((value / 100, tol / 100))  # « entre 11 et 15 % »
    return any(abs(v - r) <= t for v, t in candidates for r in recorded)


# --------------------------------------------------------------------------- languages

# Short words that mark a language and are not words of the other two (« en », « de », « in », « is »,
# « of », « an », « on » and « per » are shared, so they are left out).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset("le la les des du et est sont une pour par dans avec sur au aux qui que cette ces ou pas nous "
                    "leur leurs été sera selon sans très à".split()),
    "nl": frozenset("het een van voor met op zijn niet dat die bij naar wordt worden ook uit tot deze aan om geen hun "
                    "wij onze als dan maar door heeft hebben zal kan werd".split()),
    "en": frozenset("the and to are for with that this from which be by were has have its their our will than "
                    "but into".split()),
}
PURITY_LANGUAGES = ("nl", "en")
# inside ‘…’, a ’ between letters is an apostrophe (‘… c’est la fin’), not the closing mark
_QUOTED = re.compile(r"«[^»]*»|‘(?:[^’]|’(?=\w))*’|“[^”]*”|\"[^\"]*\"")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_ELISION = re.compile(r"^(?:l|d|qu|n|s|c|j)['’]\w")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def foreign_language(sentence: str, language: str) -> str | None:
    """The other language ``sentence`` is written in, or None; quoted titles do not count."""
    found = _WORD.findall(_QUOTED.sub(" ", sentence.replace("et al.", " ")))
    # a capitalised word inside a sentence is part of a name (« Le Vif », « La Libre Belgique », « L'Echo »)
    words = [w.lower() for i, w in enumerate(found) if i == 0 or not w[:1].isupper()]
    # a French elision (« l'option », « d'incapacité ») counts as one French function word
    elided = sum(bool(_ELISION.match(w)) for w in words)
    own = sum(w in FUNCTION_WORDS[language] for w in words) + (elided if language == "fr" else 0)
    counts = {other: sum(w in FUNCTION_WORDS[other] for w in words) + (elided if other == "fr" else 0)
              for other in FUNCTION_WORDS if other != language}
    other, hits = max(counts.items(), key=lambda kv: kv[1])
    return other if hits >= 2 and hits > own else None


def foreign_sentences(text: str, language: str) -> list[tuple[str, str]]:
    """(sentence, its language) for every sentence of ``text`` in another language than ``language``."""
    found = []
    for sentence in _SENTENCE_END.split(text):
        other = foreign_language(sentence, language)
        if other:
            found.append((sentence.strip(), other))
    return found


# --------------------------------------------------------------------------- the checks

_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}|\{[^{}\n]*\}|\b(?:TODO|XXX|FIXME|TBD)\b")


def _locate(p: _Para, styles) -> str:
    style = styles.get(p.style_id, (p.style_id or "Normal",))[0]
    where = f"{p.part}, paragraph {p.index + 1} ({style})"
    if p.table is not None:
        where = f"{p.part}, table {p.table + 1}, row {p.row + 1}, column {p.col + 1}"
    snippet = p.text.strip()
    return f"{where}: « {snippet[:60]}{'…' if len(snippet) > 60 else ''} »"


def check_document(
    docx_path: Path | str,
    *,
    recorded_numbers: Iterable[float | int | str] | None = None,
    language: str = "fr",
    required_styles: Iterable[str] = (),
    suppressed_cells: Iterable[tuple[int | str, int | str, int | str]] = (),
    min_cell: int | None = None,
    suppressed_markers: Iterable[str] = DEFAULT_MARKERS,
    count_header: str = DEFAULT_COUNT_HEADER,
    jargon: Iterable[tuple[str, re.Pattern]] = (),
    glossary_key: str | None = None,
    key_table: str | None = None,
    key_box: str | None = None,
) -> list[Problem]:
    """Problems found in a .docx; see the module docstring for each rule.

    ``recorded_numbers=None`` skips the number rule (e.g. for a template).
    """
    docx_path = Path(docx_path)
    markers = tuple(suppressed_markers)
    problems: list[Problem] = []
    with zipfile.ZipFile(docx_path) as z:
        names = z.namelist()
        styles = _style_map(z)
        parts = {"word/document.xml": False}
        parts.update({n: False for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n)})
        if "word/footnotes.xml" in names:
            parts["word/footnotes.xml"] = True
        if "word/endnotes.xml" in names:
            parts["word/endnotes.xml"] = True
        roots = {name: etree.fromstring(z.read(name)) for name in parts}

    all_paras: list[_Para] = []
    body_tables: list[_TableInfo] = []
    for name, is_note in parts.items():
        paras, tables = _walk(roots[name], name.split("/")[-1], footnote=is_note)
        all_paras += paras
        if name == "word/document.xml":
            body_tables = tables

    # placeholders
    for p in all_paras:
        for m in _PLACEHOLDER.finditer(p.text):
            problems.append(Problem(_locate(p, styles), "leftover placeholder", found=m.group(0), kind="placeholder"))

    # numbers
    if recorded_numbers is not None:
        recorded = _recorded_values(recorded_numbers, language)
        for p in all_paras:
            style_name = styles.get(p.style_id, ("",))[0]
            if p.footnote or p.provenance or style_name.casefold() in NOT_CHECKED_STYLES:
                continue
            if p.table is not None and _is_marker(p.text, markers):
                continue
            for number in find_numbers(p.checked, language):
                if not number_is_recorded(number, recorded):
                    problems.append(Problem(_locate(p, styles), "number matches no recorded result",
                                            found=number.text, kind="unrecorded-number",
                                            hint="pass it in recorded_numbers, or compute it in the pipeline"))

    # language purity
    if language in PURITY_LANGUAGES:
        for p in all_paras:
            for sentence, other in foreign_sentences(p.text, language):
                problems.append(Problem(_locate(p, styles), f"a sentence in {other} in a document in {language}",
                                        expected=f"every sentence in {language}, outside quoted titles", found=sentence[:80],
                                        kind="language-purity"))

    # pictures
    for name, root in roots.items():
        for doc_pr in root.iter(f"{{{WP}}}docPr"):
            if not (doc_pr.get("descr") or "").strip():
                problems.append(Problem(f"{name.split('/')[-1]}, picture « {doc_pr.get('name', '?')} »",
                                        "picture without alt text", kind="missing-alt-text"))

    # heading levels
    previous = 0
    for p in all_paras:
        if p.part != "document.xml" or p.table is not None:
            continue
        name = styles.get(p.style_id, ("",))[0]
        if name.casefold() == "title":
            previous = 0
            continue
        m = re.fullmatch(r"heading (\d)", name.casefold())
        if not m:
            continue
        level = int(m.group(1))
        if level > previous + 1:
            problems.append(Problem(_locate(p, styles), "heading level skipped",
                                    expected=f"Heading {previous + 1} or higher", found=f"Heading {level}",
                                    kind="heading-skip"))
        previous = level

    # styles
    names_present = {name.casefold() for name, _ in styles.values()}
    for style in required_styles:
        if style.casefold() not in names_present:
            problems.append(Problem(docx_path.name, f"required style « {style} » is missing", kind="missing-style"))
    for name, root in roots.items():
        for tag in ("pStyle", "rStyle", "tblStyle"):
            for el in root.iter(w(tag)):
                sid = el.get(w("val"))
                if sid not in styles:
                    problems.append(Problem(f"{name.split('/')[-1]}", f"{tag} uses a style the document lacks",
                                            found=sid, kind="missing-style"))

    problems += _suppression_problems(body_tables, list(suppressed_cells), min_cell, markers, count_header)
    if language == "fr":
        problems += _typography_problems(all_paras, styles)
    problems += check_jargon(all_paras, body_tables, styles, list(jargon), glossary_key)
    if key_table is not None:
        problems += _key_figure_problems(all_paras, body_tables, styles, key_table, key_box, language)
    return problems


# --------------------------------------------------------------------------- typography, jargon, consistency

_HYPHEN_MINUS = re.compile(r"(?:^|(?<=[\s(«\[\u00a0\u202f]))-(?=\d)")


def _typography_problems(paras: list[_Para], styles) -> list[Problem]:
    problems = []
    for p in paras:
        if p.provenance:
            continue
        if "'" in p.text:
            problems.append(Problem(_locate(p, styles), "straight apostrophe in French text", expected="’ (U+2019)",
                                    found="'", kind="straight-apostrophe"))
        for m in _HYPHEN_MINUS.finditer(p.text):
            problems.append(Problem(_locate(p, styles), "hyphen used as a minus sign", expected="− (U+2212)",
                                    found=p.text[m.start():m.start() + 8].strip(), kind="hyphen-minus"))
    return problems


def check_jargon(paras: list[_Para], tables: list[_TableInfo], styles, jargon: list[tuple[str, re.Pattern]],
                 glossary_key: str | None) -> list[Problem]:
    """Technical terms: none in the memo; in the annex only those its glossary defines, each once."""
    if not jargon:
        return []
    problems: list[Problem] = []
    glossary = _find_table(tables, glossary_key) if glossary_key else None
    defined: dict[str, int] = {}
    if glossary is not None:
        _header, rows = _table_grid(glossary)
        for row in rows:
            for term, pattern in jargon:
                if row and pattern.fullmatch(row[0].strip()):
                    defined[term] = defined.get(term, 0) + 1
        for term, count in defined.items():
            if count > 1:
                problems.append(Problem(f"glossary, « {term} »", "term defined more than once", expected="one definition",
                                        found=str(count), kind="jargon"))
    elif glossary_key:
        problems.append(Problem(glossary_key, "glossary table not found", kind="jargon"))
    for p in paras:
        if p.provenance or (glossary is not None and p.table == glossary.index):
            continue
        for term, pattern in jargon:
            m = pattern.search(p.text)
            if m and term not in defined:
                problems.append(Problem(_locate(p, styles), "technical term the reader may not know",
                                        expected="plain words" if glossary_key is None else "a definition in the glossary",
                                        found=m.group(0), kind="jargon"))
    return problems


def _compatible(a: FoundNumber, b: FoundNumber) -> bool:
    """Two shown numbers that can be the same value, each rounded at its own precision."""
    def family(n: FoundNumber) -> str:
        return "money" if n.unit and "€" in n.unit or n.unit in ("m", "bn") else ("share" if n.unit in ("%", "share") else "plain")
    if family(a) != family(b):
        return False
    return abs(abs(a.value) - abs(b.value)) <= max(a.precision, b.precision) / 2 * (1 + 1e-9) + 1e-12


def _key_figure_problems(paras: list[_Para], tables: list[_TableInfo], styles, key_table: str, key_box: str | None,
                         language: str) -> list[Problem]:
    table = _find_table(tables, key_table)
    box = next((t for t in tables if key_box is not None and t.description == key_box), None)
    if box is None:  # the box is the first uncaptioned table with figures under its sentence
        box = next((t for t in tables if t.number is None and t.index > 0 and any(r == 1 for r, _c in t.cells)), None)
    if table is None or box is None:
        return [Problem(key_table, "key figures or their table not found", kind="key-figure-vs-table")]
    figure_names = {sid for sid, (name, _t) in styles.items() if name.casefold() == "key figure"}
    figures = [(p, n) for p in paras if p.table == box.index and p.row == 1 and p.style_id in figure_names
               for n in find_numbers(p.text, language)]
    _header, rows = _table_grid(table)
    row_numbers = [[n for cell in row[1:] for n in find_numbers(cell, language)] for row in rows]
    if any(all(any(_compatible(n, m) for m in numbers) for _p, n in figures) for numbers in row_numbers):
        return []
    problems = []
    for p, n in figures:
        if not any(any(_compatible(n, m) for m in numbers) for numbers in row_numbers):
            problems.append(Problem(_locate(p, styles), "key figure that no row of the table bears out",
                                    expected=f"the value shown in {key_table}", found=n.text, kind="key-figure-vs-table"))
    return problems or [Problem(key_table, "the key figures are not all in one row of the table",
                                found=", ".join(n.text for _p, n in figures), kind="key-figure-vs-table")]


_COUNT_PHRASES = {
    "fr": r"(\d[\d\u202f\u00a0]*) des (\d[\d\u202f\u00a0]*) (\w+)",
    "nl": r"(\d[\d.\u202f\u00a0]*) van de (\d[\d.\u202f\u00a0]*) (\w+)",
    "en": r"(\d[\d,]*) of the (\d[\d,]*) (\w+)",
}


def _counts(path: Path, language: str) -> dict[str, list[tuple[FoundNumber, FoundNumber, str]]]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    paras, _tables = _walk(root, "document.xml")
    found: dict[str, list] = {}
    for p in paras:
        if p.provenance:
            continue
        for m in re.finditer(_COUNT_PHRASES[language], p.checked):
            part, whole = find_numbers(m.group(1), language), find_numbers(m.group(2), language)
            if part and whole:
                found.setdefault(m.group(3).casefold(), []).append((part[0], whole[0], m.group(0)))
    return found


def check_counts(memo: Path | str, annex: Path | str, language: str = "fr") -> list[Problem]:
    """A count both documents state (« 40 des 56 paramètres ») must agree."""
    in_memo, in_annex = _counts(Path(memo), language), _counts(Path(annex), language)
    problems = []
    for noun, stated in in_memo.items():
        for part, whole, text in stated:
            others = in_annex.get(noun, [])
            if others and not any(_compatible(part, a) and _compatible(whole, b) for a, b, _t in others):
                problems.append(Problem(f"{Path(memo).name} and {Path(annex).name}", f"the two documents disagree on the {noun}",
                                        expected=" or ".join(f"« {t} »" for _a, _b, t in others), found=f"« {text} »",
                                        kind="count-disagreement"))
    return problems


def _find_table(tables: list[_TableInfo], ref: int | str) -> _TableInfo | None:
    for t in tables:
        if isinstance(ref, int) and t.number == ref:
            return t
        if isinstance(ref, str) and t.bookmark and (t.bookmark == ref or t.bookmark.endswith(
                "_" + re.sub(r"[^A-Za-z0-9_]", "_", ref)[-35:])):
            return t
    return None


def _table_grid(t: _TableInfo) -> tuple[list[str], list[list[str]]]:
    rows = max((r for r, _ in t.cells), default=-1) + 1
    cols = max((c for _, c in t.cells), default=-1) + 1
    grid = [[t.cells.get((r, c), "").strip() for c in range(cols)] for r in range(rows)]
    return (grid[0], grid[1:]) if grid else ([], [])


def _is_marker(text: str, markers: tuple[str, ...]) -> bool:
    """A suppression marker or threshold (« < 5 », « s », « < 0,001 »): a bound, not a result."""
    text = text.strip()
    return text in markers or bool(re.fullmatch(r"[<≤][\s\u00a0\u202f]*\d+(?:[.,]\d+)?", text))


_PERCENT = re.compile(r"\d[\d\s\u00a0\u202f.,]*[\u00a0\u202f ]?%")


def _suppression_problems(tables, suppressed, min_cell, markers, count_header) -> list[Problem]:
    problems = []
    for table_ref, row_ref, col_ref in suppressed:
        t = _find_table(tables, table_ref)
        if t is None:
            problems.append(Problem(f"table {table_ref}", "suppressed cell refers to a table not in the document",
                                    kind="suppressed-cell"))
            continue
        header, body = _table_grid(t)
        r = row_ref if isinstance(row_ref, int) else next((i for i, row in enumerate(body) if row and row[0] == row_ref), None)
        c = col_ref if isinstance(col_ref, int) else next((i for i, h in enumerate(header) if h == col_ref), None)
        if r is None or c is None or r >= len(body) or c >= len(header):
            problems.append(Problem(f"table {table_ref}", "suppressed cell not found",
                                    found=f"row {row_ref!r}, column {col_ref!r}", kind="suppressed-cell"))
            continue
        text = body[r][c]
        if re.search(r"\d", text) and not _is_marker(text, markers):
            what = "a percentage" if "%" in text else "a number"
            problems.append(Problem(f"table {table_ref}, row {row_ref!r}, column {col_ref!r}",
                                    f"suppressed cell shown as {what}", expected="a suppression marker such as "
                                    + " or ".join(f"« {m} »" for m in markers[:2]), found=text, kind="suppressed-cell"))
    if min_cell is not None:
        for t in tables:
            if t.number is None:
                continue  # header block and key-message box are not data tables
            header, body = _table_grid(t)
            count_cols = [i for i, h in enumerate(header) if re.match(count_header, h, re.IGNORECASE)]
            for r, row in enumerate(body):
                small = False
                for i in count_cols:
                    cell = row[i] if i < len(row) else ""
                    if _is_marker(cell, markers):
                        small = True
                    else:
                        digits = re.sub(r"[\s\u00a0\u202f.]", "", cell)
                        if digits.isdigit() and int(digits) < min_cell:
                            small = True
                if not small:
                    continue
                for c, cell in enumerate(row):
                    if _PERCENT.search(cell):
                        problems.append(Problem(
                            f"table {t.number}, row « {row[0] if row else r} », column « {header[c]} »",
                            f"percentage shown for a count below {min_cell}", expected="a suppression marker",
                            found=cell, kind="suppressed-cell"))
    return problems


def check_or_raise(docx_path: Path | str, **kwargs) -> None:
    """As check_document, but raise a UserError listing every problem."""
    problems = check_document(docx_path, **kwargs)
    if problems:
        raise UserError(f"{Path(docx_path).name} failed {len(problems)} check(s)", problems)
