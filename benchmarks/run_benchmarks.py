"""How fast the workbench is, measured in one run on this machine (`make benchmark`).

  (a) `policy-kit run` of the default params, cold (empty step cache)
  (b) the same notebooks run one by one with the papermill CLI, each exported with the nbconvert CLI,
      the way a user would without this tool
  (c) the same analyses as one plain Python script: the stage functions the notebooks call, in one
      process (the floor: imports plus compute)
  (d) `policy-kit run` again: every step restored from the cache
  (e) `policy-kit sweep` of 20 variations, sequentially (--workers 1) and in parallel (--workers 2),
      each from an empty step cache
  (h) `policy-kit sweep --headlines` of 200 and of 1,000 variations (base case, no PSA), in one process

Everything runs in a scratch copy of the project (params/, data/, notebooks/), as subprocesses, so the
times include interpreter start-up and imports as a user sees them. Memory: the largest single process
(getrusage of the children) and the peak of the whole process tree (RSS summed over /proc every 0.2 s).

The figures, with the machine's conditions (cores, load average, memory), go to benchmarks/results.json, and
the table in benchmarks/README.md is regenerated from that file (benchmarks/report.py).

Usage: python benchmarks/run_benchmarks.py [--sweep-size N] [--json FILE] [--no-readme]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PARAMS = "memorandum-2024.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import GOALS, conditions, write_readme  # noqa: E402 - the benchmarks folder is not a package


# ---------------------------------------------------------------------------------------------- measuring
def _children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="utf-8") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            parts = handle.read().split(b"\0")
    except OSError:
        return "?"
    words = [Path(p.decode(errors="replace")).name for p in parts[:3] if p]
    return " ".join(words)[:60]


class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak = pid, every, 0
        self.at_peak: list[tuple[int, str]] = []  # (RSS, command) of each process when the sum peaked
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            tree, todo, sizes = _children_of(), [self.pid], []
            while todo:
                pid = todo.pop()
                sizes.append((_rss_bytes(pid), pid))
                todo += tree.get(pid, [])
            total = sum(size for size, _ in sizes)
            if total > self.peak:
                self.peak = total
                self.at_peak = sorted(((size, _command(pid)) for size, pid in sizes), reverse=True)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class Measured:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.tree_peak: dict[str, int] = {}
        self.tree_at_peak: dict[str, list] = {}
        self.largest: dict[str, int] = {}  # getrusage of the children: the largest process so far, after each case

    def run(self, label: str, cmd: list[str], *, cwd: Path | None = None, env: dict | None = None) -> float:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        memory = TreeMemory(proc.pid)
        out, err = proc.communicate()
        elapsed = time.perf_counter() - started
        peak = memory.stop()
        if proc.returncode != 0:
            sys.stderr.write(f"\n{label}: {' '.join(cmd)} exited with {proc.returncode}\n{out[-2000:]}\n{err[-4000:]}\n")
            raise SystemExit(1)
        self.seconds[label] = self.seconds.get(label, 0.0) + elapsed
        if peak > self.tree_peak.get(label, 0):
            self.tree_peak[label], self.tree_at_peak[label] = peak, memory.at_peak
        self.largest[label] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
        return elapsed


# ---------------------------------------------------------------------------------------------- the cases
def scratch_project() -> Path:
    project = Path(tempfile.mkdtemp(prefix="policy-kit-bench-"))
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


def injected_parameters(project: Path, run_dir: Path) -> dict:
    """What `policy-kit run` injects into each notebook, and the provenance file the memo step reads."""
    from policy_kit.params import load
    from policy_kit.runner import provenance

    params_file = project / "params" / PARAMS
    params = load(params_file)
    run_dir.mkdir(parents=True, exist_ok=True)
    prov = provenance(params_file, params, project)
    (run_dir / "provenance.json").write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return {"params_file": str(params_file), "run_dir": str(run_dir), "params": params.model_dump(mode="json")}


def plain_script(project: Path, injected: dict) -> str:
    """The notebooks' code cells, parameters cells left out, one after the other in one script."""
    import nbformat

    lines = ["import json", f"_injected = json.loads({json.dumps(json.dumps(injected))})"]
    for notebook in sorted((project / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        lines += [f"# ---- {notebook.name}", "params_file, run_dir, params = _injected['params_file'], _injected['run_dir'], _injected['params']"]
        lines += [cell.source for cell in nb.cells if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])]
    return "\n".join(lines) + "\n"


def sweep_args(size: int) -> list[str]:
    """Budget caps × accompaniment uptakes: plan and memo change in every variation, economics in some."""
    caps = ["4e6", "5.5e6", "7e6", "8.5e6", "10e6"]
    uptakes = ["0.01", "0.02", "0.05", "0.1"]
    if size >= 20:
        return ["--set", "plan.budget_cap=" + ",".join(caps), "--set", "economics.components.accompaniment.uptake=" + ",".join(uptakes)]
    values = [str(4_000_000 + i * 6_000_000 // max(size - 1, 1)) for i in range(size)]
    return ["--set", "plan.budget_cap=" + ",".join(values)]


def headline_args(size: int) -> list[str]:
    """Budget caps × app uptakes, `size` variations in all (a multiple of 10)."""
    caps = [f"{4e6 + i * 6e6 / 9:.0f}" for i in range(10)]
    n = max(1, size // 10)
    uptakes = [f"{0.01 + i * 0.07 / max(n - 1, 1):.6f}" for i in range(n)]
    return ["--set", "plan.budget_cap=" + ",".join(caps), "--set", "economics.components.app.uptake=" + ",".join(uptakes)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep-size", type=int, default=20, help="variations in (e); 20 by default")
    parser.add_argument("--json", type=Path, default=Path(__file__).resolve().parent / "results.json",
                        help="where the figures go (default: benchmarks/results.json)")
    parser.add_argument("--no-readme", action="store_true", help="leave benchmarks/README.md as it is")
    parser.add_argument("--keep", action="store_true", help="keep the scratch project")
    args = parser.parse_args()
    before = conditions()

    project = scratch_project()
    params = project / "params" / PARAMS
    briefings = project / "briefings"
    policy_kit = [str(BIN / "policy-kit")]
    m = Measured()
    print(f"scratch project {project}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}", flush=True)
    try:
        # (a) cold, then (d) cached straight after, before anything else can touch the cache
        print("(a) policy-kit run, cold …", flush=True)
        m.run("a", policy_kit + ["run", str(params)])
        print("(d) policy-kit run, cached …", flush=True)
        m.run("d", policy_kit + ["run", str(params)])
        manifest = json.loads((briefings / "memorandum-2024" / "manifest.json").read_text(encoding="utf-8"))
        restored = len(manifest["cached_steps"])

        # (b) papermill CLI + nbconvert CLI, notebook by notebook
        print("(b) papermill + nbconvert CLIs …", flush=True)
        manual = project / "by-hand-run"
        injected = injected_parameters(project, manual)
        import yaml

        (project / "injected.yaml").write_text(yaml.safe_dump(injected, allow_unicode=True), encoding="utf-8")
        for notebook in sorted((project / "notebooks").glob("*.ipynb")):
            executed = manual / "notebooks" / notebook.name
            executed.parent.mkdir(parents=True, exist_ok=True)
            m.run("b", [str(BIN / "papermill"), str(notebook), str(executed), "-f", str(project / "injected.yaml"),
                        "--cwd", str(project / "notebooks"), "-k", "python3"])
            m.run("b", [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])

        # (c) one plain script
        print("(c) plain script …", flush=True)
        script_run = project / "script-run"
        script = project / "analyses.py"
        script.write_text(plain_script(project, injected_parameters(project, script_run)), encoding="utf-8")
        m.run("c", [sys.executable, str(script)], cwd=project / "notebooks")

        # (e) sweep, sequential then parallel, each from an empty step cache
        for label, workers in (("e1", "1"), ("e2", "2")):
            shutil.rmtree(briefings / ".cache", ignore_errors=True)
            print(f"(e) policy-kit sweep, {args.sweep_size} variations, --workers {workers} …", flush=True)
            m.run(label, policy_kit + ["sweep", str(params), *sweep_args(args.sweep_size), "--workers", workers, "--out", str(project / label)])

        # (h) headline sweeps, right after each other so that they meet the same load
        for label, size in (("h200", 200), ("h1000", 1000)):
            print(f"(h) policy-kit sweep --headlines, {size} variations …", flush=True)
            m.run(label, policy_kit + ["sweep", str(params), "--headlines", *headline_args(size), "--out", str(project / label)])
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    finally:
        if not args.keep:
            shutil.rmtree(project, ignore_errors=True)

    s = m.seconds
    ratios = {
        "a/b": s["a"] / s["b"],
        "a/c": s["a"] / s["c"],
        "d/a": s["d"] / s["a"],
        "sweep speed-up": s["e1"] / s["e2"],
        "peak memory (GB)": max(m.tree_peak.values()) / 1e9,  # the stricter reading: all processes of a command together
        "h200/a": s["h200"] / s["a"],
        "h1000/h200": s["h1000"] / s["h200"],  # linear or better: at most 1000/200
    }
    print()
    print(f"(a) policy-kit run, cold                 {s['a']:7.1f} s")
    print(f"(b) papermill + nbconvert CLIs          {s['b']:7.1f} s")
    print(f"(c) plain Python script                 {s['c']:7.1f} s")
    print(f"(d) policy-kit run, cached              {s['d']:7.2f} s   ({restored} of 4 steps restored)")
    print(f"(e) sweep of {args.sweep_size}, sequential             {s['e1']:7.1f} s")
    print(f"(e) sweep of {args.sweep_size}, 2 workers              {s['e2']:7.1f} s")
    print(f"(h) headline sweep of 200               {s['h200']:7.1f} s   ({200 / s['h200']:.0f} variations/s)")
    print(f"(h) headline sweep of 1,000             {s['h1000']:7.1f} s   ({1000 / s['h1000']:.0f} variations/s)")
    print("memory, whole process tree at its peak: " + ", ".join(f"{k} {v / 1e9:.2f} GB" for k, v in m.tree_peak.items()))
    print("memory, largest single process so far, after each case: " + ", ".join(f"{k} {v / 1e9:.2f} GB" for k, v in m.largest.items()))
    worst = max(m.tree_peak, key=m.tree_peak.get)
    print(f"at the peak ({worst}): " + ", ".join(f"{cmd} {size / 1e6:.0f} MB" for size, cmd in m.tree_at_peak[worst][:8]))
    print()
    failed = 0
    for name, value in ratios.items():
        limit, sense, _ = GOALS[name]
        ok = value <= limit if sense == "≤" else value >= limit
        failed += not ok
        print(f"{name:18s} {value:6.2f}   goal {sense} {limit:<5g} {'PASS' if ok else 'FAIL'}")
    record = {"seconds": s, "ratios": ratios, "tree_peak_bytes": m.tree_peak, "largest_process_bytes": largest,
              "cached_steps": restored, "sweep_size": args.sweep_size,
              "variations_per_s": {"h200": 200 / s["h200"], "h1000": 1000 / s["h1000"]},
              "conditions": {"before": before, "after": conditions()}}
    args.json.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")
    if not args.no_readme:
        write_readme(record)
        print("benchmarks/README.md table regenerated from them")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
