"""How long ``presslens report OUT_DIR`` takes on the bundled sample, and what it prints.

Analyses the bundled sample once into a temporary folder, then runs the report command on that folder in a
fresh process (as a user would) and prints wall time, CPU time and the console output. The target is under
5 s; on a shared machine wall time includes waiting for a core, so CPU time is printed too.

    PYTHONPATH=$PWD:$PWD/plugins python benchmarks/report_speed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import toolkit

    sample = toolkit.sample_corpus()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "analysis"
        toolkit.analyze(sample.folder, metadata=sample.metadata, out=folder, quiet=True)
        for run in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "toolkit.cli", "report", str(folder)], capture_output=True, text=True, env=env
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            size = (folder / "report.html").stat().st_size / 1e3
            print(f"run {run + 1}: wall {wall:.2f}s, cpu {cpu:.2f}s, exit {done.returncode}, {size:.0f} kB")
            print("  console:", (done.stdout + done.stderr).strip().replace("\n", "\n           "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
