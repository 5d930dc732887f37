"""Where a run may publish: the rule that keeps `run --out` from replacing anything but a briefing.

Publishing swaps a finished run into place and removes what was there. That is safe only for a folder
this tool wrote (a briefing: it holds the run manifest) or for a path that does not exist yet; anything
else is refused before any step runs. Hidden staging folders that a crashed or killed run left beside
its destination are removed by the next run there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from policy_kit.errors import Problem, UserError

MANIFEST = "manifest.json"
# Keys every manifest this tool writes holds; a manifest.json of another program lacks them.
MANIFEST_KEYS = {"run_id", "params_sha256", "steps", "timings_s"}
FAILED_SUFFIX = ".failed"
# Staging and swap folders carry the pid of the run that made them: `.NAME.partial-PID-RANDOM`, `.NAME.old-PID`.
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:partial|old)-(?P<pid>\d+)(?:-[A-Za-z0-9_]+)?$")


class OutDirError(UserError):
    """The run folder given cannot be published to; nothing ran."""


def is_briefing(folder: Path) -> bool:
    """True if `folder` is a run folder this tool published (its manifest has the run's keys)."""
    manifest = folder / MANIFEST
    if not folder.is_dir() or folder.is_symlink() or not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and MANIFEST_KEYS <= data.keys()


def _is_failed_folder(folder: Path, notebooks: set[str]) -> bool:
    """A `<run>.failed/` folder as the runner leaves it: only kept notebooks of the steps."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    return folder.is_dir() and not folder.is_symlink() and all(e.is_file() and e.name in notebooks for e in entries)


def _refuse(target: Path, given: str, why: str, hint: str) -> OutDirError:
    return OutDirError(f"Cannot publish the run to {given}: nothing was run",
                       [Problem(str(target), why, expected="a briefing folder (one holding manifest.json of an earlier run) "
                                                           "or a path that does not exist yet", hint=hint)])


def check_out_dir(given: str | Path, notebooks: set[str]) -> Path:
    """Refuse, before anything runs, a destination whose publishing could lose something the tool did not make.

    `given` is the path as the user wrote it (named in the message); returns it resolved.
    """
    new_name = "give a new folder name, e.g. --out briefings/my-run"
    if Path(given).absolute().is_symlink():
        raise _refuse(Path(given).absolute(), str(given), "a symbolic link, which publishing would replace", new_name)
    target = Path(given).resolve()
    given = str(given)
    if target == Path(target.anchor) or not target.name:
        raise _refuse(target, given, "the root of the file system", new_name)
    if target.exists():
        if not target.is_dir():
            raise _refuse(target, given, "an existing file, which publishing would replace", new_name)
        if not is_briefing(target):
            found = "a folder inside a briefing" if _briefing_above(target) else "an existing folder that is not a briefing"
            raise _refuse(target, given, f"{found}: publishing would delete what it holds", new_name)
    else:
        above = _briefing_above(target)
        if above is not None:
            raise _refuse(target, given, f"inside the briefing {above}, which the next run there would replace", new_name)
        blocker = _first_existing(target.parent)
        if blocker is not None and not blocker.is_dir():
            raise _refuse(target, given, f"{blocker} is a file, not a folder", new_name)
    failed = target.with_name(target.name + FAILED_SUFFIX)
    if (failed.exists() or failed.is_symlink()) and not _is_failed_folder(failed, notebooks):
        raise _refuse(failed, given, "a failed run's notebooks would be kept here, but it holds something else",
                      "move or rename it, or give another --out")
    return target


def check_default_owner(target: Path, params_file: str) -> None:
    """A default run folder holding another params file's briefing is not replaced silently."""
    if not is_briefing(target):
        return
    try:
        owner = json.loads((target / MANIFEST).read_text(encoding="utf-8")).get("params_file")
    except (OSError, ValueError):
        return
    if isinstance(owner, str) and owner != params_file:
        raise OutDirError(f"Cannot publish the run to {target}: it holds the briefing of {owner}, not of {params_file}; nothing was run",
                          [Problem(str(target), "run folder of another params file", expected=f"the briefing of {params_file}",
                                   found=f"the briefing of {owner}", hint="rename the params file, or give --out")])


def _briefing_above(path: Path) -> Path | None:
    for parent in path.parents:
        if is_briefing(parent):
            return parent
    return None


def _first_existing(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid: leave it
    return True


def clean_leftovers(parent: Path) -> list[Path]:
    """Remove staging and swap folders left in `parent` by runs whose process is gone; the removed paths.

    A swap folder (`.NAME.old-PID`) whose briefing NAME is missing is the last good briefing of a run killed
    between the two renames of its publish: it is put back, not removed.
    """
    removed = []
    try:
        entries = sorted(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if not match or not entry.is_dir() or entry.is_symlink() or _alive(int(match["pid"])):
            continue
        original = parent / match["name"]
        if ".old-" in entry.name and not original.exists() and is_briefing(entry):
            try:
                entry.rename(original)
                continue
            except OSError:
                pass
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
