"""Where things live: the project root, data files named in params, output folders."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from policy_kit.errors import ParamsError, Problem


def project_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working folder) that holds notebooks/ and params/."""
    here = Path(start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "params").is_dir():
            return folder
    raise ParamsError(f"Cannot find the project folder (one with notebooks/ and params/) at or above {here}")


def resolve_input(root: Path, relative: str, *, key: str, allowed: tuple[str, ...] = ("data",)) -> Path:
    """A data path from params, relative to the project root; reading outside the allowed folders is refused."""
    candidate = (root / relative).resolve()
    bases = [(root / a).resolve() for a in allowed]
    if not any(candidate == b or b in candidate.parents for b in bases):
        folders = ", ".join("the project folder" if a in (".", "") else a + "/" for a in allowed)
        raise ParamsError(
            "Path points outside the project folder" if allowed == (".",) else "Path points outside the project's data folders",
            [Problem(key, "path not allowed", expected=f"a path under {folders}",
                     found=relative if ".." in Path(relative).parts or Path(relative).is_absolute() else f"{relative} (a link to {candidate})")],
        )
    return candidate


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file or folder name that cannot climb out of its parent or surprise a shell."""
    cleaned = _SAFE.sub("-", name).strip(".-")
    return cleaned or "run"


def briefing_name(stem: str) -> str:
    """The folder name of a params file's briefing: its name, or its cleaned name and a short hash of the original.

    Distinct names stay distinct folders: 'a b' and 'a-b' would otherwise share 'a-b'.
    """
    cleaned = safe_name(stem)
    if cleaned == stem:
        return stem
    return f"{cleaned}-{hashlib.sha256(stem.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
