"""What a memo says, independent of Word.

The content is computed elsewhere from recorded results; this module only describes it. Every
number in it is an already formatted string (see ``policy_kit.formatting``): the renderer never
formats or rounds.

Inline markers in paragraph text:
  ``[^1]``      footnote 1 of the paragraph's ``footnotes`` list (1-based); footnotes without a
                marker are attached at the end of the paragraph;
  ``[@key]``    cross-reference to the table or figure whose ``key`` is ``key`` (« Tableau 1 »).
Runs can be given explicitly instead (``Paragraph([Run("x", bold=True), CrossRef("t1"), ...])``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

import pandas as pd

Alignment = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Footnote:
    """A source or remark shown at the foot of the page."""

    text: str


@dataclass(frozen=True)
class CrossRef:
    """Points at a Table or Figure by its key; rendered as a live REF field (« Tableau 2 »)."""

    key: str


Inline = Union[str, Run, Footnote, CrossRef]


@dataclass
class Paragraph:
    text: str | list[Inline]
    footnotes: list[str | Footnote] = field(default_factory=list)
    style: str | None = None  # a style of the template; None means body text


@dataclass
class BulletList:
    items: list[str | list[Inline]]


@dataclass
class NumberedList:
    items: list[str | list[Inline]]


@dataclass
class Table:
    """A table of already formatted strings. Numeric-looking columns are right-aligned unless
    ``alignments`` says otherwise. ``widths_cm`` is optional; the renderer fits the page width.
    « \n » in a cell is a line break (e.g. a mean over its interval)."""

    data: pd.DataFrame
    caption: str
    key: str | None = None
    alignments: dict[str, Alignment] = field(default_factory=dict)
    widths_cm: list[float] | None = None
    note: str | None = None  # shown under the table in the small "Source" style
    footnotes: list[str | Footnote] = field(default_factory=list)  # attached to the caption
    flagged_rows: list[int] = field(default_factory=list)  # 0-based data rows shaded as a warning


@dataclass
class Figure:
    path: Path | str
    caption: str
    alt_text: str
    key: str | None = None
    width_cm: float = 16.0
    title: str | None = None  # short name for screen readers; defaults to the caption
    note: str | None = None
    footnotes: list[str | Footnote] = field(default_factory=list)


Block = Union[Paragraph, BulletList, NumberedList, Table, Figure]


@dataclass
class Section:
    title: str
    level: int = 1
    blocks: list[Block] = field(default_factory=list)
    # Sources/method: numbers here are provenance (versions, hashes, sample ids), not results,
    # so the checker does not match them against recorded numbers.
    provenance: bool = False
    # Wide tables: the section starts on a landscape page; the next portrait section turns back.
    landscape: bool = False


@dataclass
class Header:
    to: str
    from_: str
    date: str  # already formatted: « 23 novembre 2026 »
    subject: str
    classification: str


@dataclass
class KeyFigure:
    label: str
    value_text: str
    note: str = ""  # unit year or comparison: « d'ici 2030 »


@dataclass
class KeyMessage:
    sentence: str
    figures: list[KeyFigure] = field(default_factory=list)


@dataclass
class DocumentProperties:
    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    # Fixed so that two renders of the same content are byte-identical.
    created: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


@dataclass
class Provenance:
    """Where the numbers come from; written as custom document properties (File > Properties)."""

    run_id: str = ""
    params_hash: str = ""
    data_hashes: dict[str, str] = field(default_factory=dict)
    git_commit: str = ""
    package_version: str = ""

    def as_properties(self) -> dict[str, str]:
        props = {
            "RunId": self.run_id,
            "ParamsHash": self.params_hash,
            "GitCommit": self.git_commit,
            "PackageVersion": self.package_version,
        }
        props.update({f"DataHash:{name}": digest for name, digest in sorted(self.data_hashes.items())})
        return {k: v for k, v in props.items() if v}


@dataclass
class MemoContent:
    language: str
    header: Header
    sections: list[Section]
    key_message: KeyMessage | None = None  # the annex usually has none
    banner: str | None = None  # « Données de démonstration … » whenever synthetic data was used
    title: str | None = None  # defaults to the catalogue's « Note » / « Annexe »
    organisation: str | None = None
    logo: Path | str | None = None
    properties: DocumentProperties = field(default_factory=DocumentProperties)
    provenance: Provenance = field(default_factory=Provenance)
    custom_properties: dict[str, str] = field(default_factory=dict)

    def all_custom_properties(self) -> dict[str, str]:
        return {**self.provenance.as_properties(), **self.custom_properties}
