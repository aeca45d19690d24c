"""``make bench``: run every ``benchmarks/<name>.py`` one after the other, then write RESULTS.md.

Benchmarks run one at a time on purpose: two at once on a 2-core machine slow each other down
and make the ratios meaningless. Usage: ``python benchmarks/run.py [name ...]``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run.py")
    if names:
        found = [p for p in found if p.stem in names]
    return found


def gather() -> str:
    sections = sorted((HERE / "results").glob("*.md"))
    head = ("# Benchmark results\n\nWritten by `make bench` (`benchmarks/run.py`) from "
            "`benchmarks/results/*.md`; each section comes from the script of the same name. "
            "Ratios compare timings taken in the same run.\n")
    return head + "".join("\n" + p.read_text() for p in sections)


def main(argv: list[str]) -> int:
    failed = []
    for script in scripts(argv):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        status = "ok" if done.returncode == 0 else f"FAILED ({done.returncode})"
        print(f"{status:10s} {time.perf_counter() - start:7.1f} s  benchmarks/{script.name}", flush=True)
        if done.returncode:
            failed.append(script.name)
    (HERE / "RESULTS.md").write_text(gather())
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
