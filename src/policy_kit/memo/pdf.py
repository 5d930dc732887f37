"""PDF proofs of a .docx through LibreOffice, and their text through poppler.

Used to look at the memo as a reader will (page count, key figures on page 1) and in tests.
LibreOffice gets its own throw-away user profile, so it runs beside an open desktop instance
and never touches the user's settings.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UserError

CONVERT_TIMEOUT_S = 180


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise UserError(f"{tool} is not installed: install {package} (e.g. apt-get install {package}) to make PDF proofs")
    return path


def to_pdf(docx_path: Path | str, out_dir: Path | str, *, timeout: float = CONVERT_TIMEOUT_S) -> Path:
    """Convert with ``soffice --headless --convert-to pdf``; returns the PDF path."""
    soffice = soffice_path()
    if soffice is None:
        raise UserError("LibreOffice (soffice) is not installed: install libreoffice-writer to make PDF proofs")
    docx_path = Path(docx_path).resolve()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir.resolve()), str(docx_path)]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise UserError(f"LibreOffice did not convert {docx_path.name} within {timeout:.0f} s") from None
    pdf = out_dir / (docx_path.stem + ".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise UserError(f"LibreOffice failed to convert {docx_path.name}: {result.stderr.strip() or result.stdout.strip()}")
    return pdf


def pdf_text(pdf: Path | str, *, layout: bool = False) -> str:
    """Text of the PDF via pdftotext; pages are separated by form feeds."""
    cmd = [_require("pdftotext", "poppler-utils"), "-enc", "UTF-8"]
    if layout:
        cmd.append("-layout")
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path | str) -> int:
    info = subprocess.run([_require("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    if not match:
        raise UserError(f"cannot read the page count of {pdf}")
    return int(match.group(1))


def page_images(pdf: Path | str, out_prefix: Path | str, *, dpi: int = 60) -> list[Path]:
    """PNG of each page (pdftoppm), for a look at the layout."""
    out_prefix = Path(out_prefix)
    subprocess.run([_require("pdftoppm", "poppler-utils"), "-r", str(dpi), "-png", str(pdf), str(out_prefix)],
                   check=True, capture_output=True)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))
