"""Step cache: a step whose inputs did not change reuses its recorded results and executed notebook.

A step's key hashes its notebook, the params sections it reads, the input data, the package code and
the key of the step before it (so any upstream change flows down). Entries hold the files the step
added to the run folder; they are written to a temporary folder and renamed, so a half-written entry
is never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import policy_kit
from policy_kit.paths import normal_permissions

# written by the runner, not by a step
IGNORED = {"provenance.json", "params.yaml"}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's own files: editing the code invalidates the cache even without a version bump."""
    package_dir = Path(policy_kit.__file__).parent
    digest = hashlib.sha256(policy_kit.__version__.encode())
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def step_key(*, notebook: Path, params_sections: dict, data_hashes: dict, upstream: str, extra: dict | None = None) -> str:
    payload = {
        "notebook": hashlib.sha256(notebook.read_bytes()).hexdigest(),
        "params": params_sections,
        "data": data_hashes,
        "code": code_fingerprint(),
        "upstream": upstream,
        "extra": extra or {},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def changed_files(folder: Path, before: dict[str, tuple[int, int]]) -> list[str]:
    """Files added or changed in `folder` since `before` (a snapshot), except the runner's own."""
    after = snapshot(folder)
    return sorted(rel for rel, stamp in after.items() if before.get(rel) != stamp and rel not in IGNORED)


class StepCache:
    def __init__(self, root: Path):
        self.root = root

    def claim(self, key: str):
        """Hold the right to compute `key` until `release`; waits while another process computes it.

        Parallel runs that need the same step (the variations of a sweep all need the same evidence step)
        then compute it once: the others wait, find the entry, and restore it. Where file locks are not
        available it does not wait.
        """
        try:
            import fcntl
        except ImportError:  # not on POSIX: parallel runs may compute the same step twice, as before
            return None
        lock = self.entry(key).parent / f"{key}.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a")  # noqa: SIM115 - released by release(), possibly from another thread
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:
            handle.close()
            raise
        return handle

    @staticmethod
    def release(claim) -> None:
        if claim is not None:
            claim.close()  # closing the file drops its lock

    def entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def has(self, key: str) -> bool:
        return (self.entry(key) / "files.json").exists()

    def restore(self, key: str, run_dir: Path) -> bool:
        """Copy a cached step's files into the run folder; False if there is no entry."""
        entry = self.entry(key)
        manifest = entry / "files.json"
        if not manifest.exists():
            return False
        try:
            os.utime(manifest)  # last use: pruning removes the entries unused longest
        except OSError:
            pass
        for rel in json.loads(manifest.read_text(encoding="utf-8")):
            target = run_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(entry / "files" / rel, target)
        return True

    def store(self, key: str, run_dir: Path, files: list[str]) -> None:
        """Keep the files a step produced (paths relative to the run folder)."""
        entry = self.entry(key)
        if entry.exists():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=entry.parent))
        normal_permissions(tmp)  # a shared cache: entries readable like the user's other folders
        try:
            produced = sorted(set(files))
            for rel in produced:
                (tmp / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(run_dir / rel, tmp / "files" / rel)
            (tmp / "files.json").write_text(json.dumps(produced, indent=0), encoding="utf-8")
            os.rename(tmp, entry)
        except OSError:
            pass  # another process stored the same entry first: theirs is as good
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def size(self) -> int:
        """Bytes held by the cache's entries."""
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file()) if self.root.is_dir() else 0

    def prune(self, max_bytes: int, *, keep: tuple[str, ...] | list[str] = (), min_age_s: float = 600.0) -> list[str]:
        """Remove the entries unused longest until the cache holds at most `max_bytes`; returns the keys removed.

        Entries in `keep` (the steps of the run that is finishing) and entries used in the last `min_age_s`
        seconds (a parallel run may be restoring them) stay, even if the cache then stays over its cap.
        """
        import time

        if not self.root.is_dir():
            return []
        entries = []
        for manifest in self.root.glob("*/*/files.json"):
            entry = manifest.parent
            try:
                used = manifest.stat().st_mtime
                size = sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())
            except OSError:
                continue  # removed meanwhile
            entries.append((used, entry, size))
        total = sum(size for _, _, size in entries)
        removed = []
        now = time.time()
        for used, entry, size in sorted(entries, key=lambda e: e[0]):
            if total <= max_bytes:
                break
            if entry.name in keep or now - used < min_age_s:
                continue
            # renamed first: a run that looks the entry up meanwhile finds nothing rather than half of it
            doomed = entry.with_name(f".gone-{entry.name}-{os.getpid()}")
            try:
                entry.rename(doomed)
            except OSError:
                continue
            shutil.rmtree(doomed, ignore_errors=True)
            (entry.parent / f"{entry.name}.lock").unlink(missing_ok=True)
            total -= size
            removed.append(entry.name)
        return removed
