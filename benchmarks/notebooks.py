"""Execution time of every notebook of the book, of all of them together, and of the book build.

Each notebook runs as ``make notebooks`` runs it (fresh kernel, widget state stored, default
mode) but nothing is written back; then the HTML book is built from the stored outputs into a
temporary folder. The budget is 60 s per notebook and 15 minutes for the whole book (BOOK_DESIGN).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import markdown_table, write_results

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from run_notebooks import DEFAULT_BUDGET_S, all_notebooks, execute  # noqa: E402

BOOK_BUDGET_S = 15 * 60


def main() -> None:
    rows, total = [], 0.0
    for path in all_notebooks():
        _, seconds = execute(path)
        total += seconds
        rows.append([path.relative_to(ROOT).as_posix(), seconds, "yes" if seconds <= DEFAULT_BUDGET_S else "NO"])
        print(f"{seconds:7.1f} s  {rows[-1][0]}", flush=True)
    rows.append(["**all notebooks**", total, "yes" if total <= BOOK_BUDGET_S else "NO"])

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--all",
                        "--path-output", out, "--quiet"], check=True, capture_output=True)
        build = time.perf_counter() - start
    rows.append(["HTML build from stored outputs (`make book`)", build, "—"])

    body = markdown_table(["what", "seconds", "within budget"], rows)
    body += (f"\n\nBudgets: {DEFAULT_BUDGET_S:g} s per notebook, {BOOK_BUDGET_S // 60} minutes for all "
             "notebooks together, in the default mode on 2 CPU cores.")
    write_results("notebooks", "Notebook execution and book build", body)


if __name__ == "__main__":
    main()
