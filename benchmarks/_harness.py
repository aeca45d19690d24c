"""What every benchmark script shares: a timer and the results file it writes.

A benchmark is ``benchmarks/<name>.py``; run alone (``.venv/bin/python benchmarks/<name>.py``)
or by ``make bench`` (``benchmarks/run.py``), it measures, then calls :func:`write_results`, which
writes ``benchmarks/results/<name>.md``. ``run.py`` gathers those files into ``RESULTS.md``.
Compare within one run only (a ratio of two timings taken together): absolute times depend on
the machine and on whatever else it is running.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path
from typing import Callable, Sequence

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TQDM_DISABLE", "1")

RESULTS = Path(__file__).resolve().parent / "results"


def timeit(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs after ``warmup`` runs.

    ``fn`` must block until its result exists: call ``.block_until_ready()`` on JAX arrays.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value):
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_results(name: str, title: str, body: str) -> Path:
    """Write ``results/<name>.md``: a section of RESULTS.md with a title and the measured tables."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    stamp = time.strftime("%Y-%m-%d")
    # The load says whether anything else ran meanwhile: on 2 cores, above ~2 inflates every time.
    load = os.getloadavg()[0]
    path.write_text(f"## {title}\n\n*Measured {stamp} on {machine()}; 1-minute load average {load:.1f} "
                    f"when written.*\n\n{body.strip()}\n")
    return path
