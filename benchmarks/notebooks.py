"""Execution time of every notebook of the book, of all of them together, and of the book build.

The notebook times are not measured here: ``make notebooks`` stores each notebook's execution
time in its metadata (``metadata.theorybook.seconds``, default mode, fresh kernel, widget state
stored) when it writes the notebook, and this script gathers them, so the table lists every
notebook of ``book/`` and can never miss one. A notebook without a recorded time shows "not
recorded". Then the HTML book is built from the stored outputs into a temporary folder and
timed. The budget is 60 s per notebook and 15 minutes for the whole book (BOOK_DESIGN).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _harness import markdown_table, write_results

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from run_notebooks import DEFAULT_BUDGET_S, all_notebooks, recorded_seconds  # noqa: E402

BOOK_BUDGET_S = 15 * 60


def notebook_rows(paths: list[Path]) -> list[list[object]]:
    """One row per notebook (path, recorded seconds, within budget) and a total row."""
    rows, total, missing = [], 0.0, 0
    for path in paths:
        seconds = recorded_seconds(nbformat.read(path, as_version=4))
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        if seconds is None:
            missing += 1
            rows.append([name, "not recorded (run `make notebooks`)", "—"])
            continue
        total += seconds
        rows.append([name, float(seconds), "yes" if seconds <= DEFAULT_BUDGET_S else "NO"])
    label = "**all notebooks**" + (f" ({missing} not recorded)" if missing else "")
    rows.append([label, total, "yes" if total <= BOOK_BUDGET_S else "NO"])
    return rows


def main() -> None:
    rows = notebook_rows(all_notebooks())
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
                        "--all", "--path-output", out, "--quiet"], check=True, capture_output=True)
        build = time.perf_counter() - start
    rows.append(["HTML build from stored outputs (`make book`)", build, "—"])

    body = markdown_table(["what", "seconds", "within budget"], rows)
    body += (f"\n\nNotebook times are those `make notebooks` recorded in each notebook's metadata "
             f"when it last executed it. Budgets: {DEFAULT_BUDGET_S:g} s per notebook, "
             f"{BOOK_BUDGET_S // 60} minutes for all notebooks together, in the default mode on "
             "2 CPU cores.")
    write_results("notebooks", "Notebook execution and book build", body)


if __name__ == "__main__":
    main()
