"""Execute the book's notebooks in place: the only way their stored outputs change (`make notebooks`).

Each notebook runs in a fresh kernel started in its own folder, with ``JAX_PLATFORMS=cpu`` and
``TQDM_DISABLE=1``, and the widget state is stored so that ``explore`` figures work in the static
book. A notebook is written back only when it ran without error inside its time budget (60 s in
the default mode; no budget with ``THEORYBOOK_SCALE=paper``) and no ``common.check`` in it printed
a failed verdict. Its execution time goes into the notebook's metadata
(``metadata.theorybook.seconds``), from which ``benchmarks/notebooks.py`` writes its table. The
script prints one line per notebook and exits non-zero if any failed.

    python tools/run_notebooks.py                      # every notebook under book/
    python tools/run_notebooks.py book/foo/01_bar.ipynb
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUDGET_S = 60.0
CHECK_FAILED = "✗ FAILED"  # theorybook.common.CHECK_FAILED (not imported: this tool needs no lib)


def failed_checks(nb) -> list[str]:
    """The lines of the notebook's outputs in which a ``common.check`` printed a failed verdict."""
    lines = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") or "".join(out.get("data", {}).get("text/plain", ""))
            lines += [line for line in str(text).splitlines() if CHECK_FAILED in line]
    return lines


def record_seconds(nb, seconds: float, *, scale: str) -> None:
    """Store the execution time in ``nb.metadata.theorybook`` (read by benchmarks/notebooks.py).

    Notebook metadata is not an output: nbval and the anatomy tests ignore it.
    """
    nb.metadata["theorybook"] = {"seconds": round(seconds, 1), "scale": scale}


def recorded_seconds(nb) -> float | None:
    """The execution time ``make notebooks`` stored in the default mode, or ``None``."""
    meta = nb.metadata.get("theorybook", {})
    return meta.get("seconds") if meta.get("scale") == "default" else None


def all_notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def execute(path: Path, *, timeout_per_cell: int = 1200) -> tuple[object, float]:
    """Run one notebook; return (executed notebook, seconds). Raises on a cell error."""
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="theorybook-kernel-") as sockets:
        # A local IPC transport: TCP works too, but ipykernel then warns about unencrypted traffic.
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "k"))
        client = NotebookClient(
            nb,
            km=manager,
            timeout=timeout_per_cell,
            resources={"metadata": {"path": str(path.parent)}},
            store_widget_state=True,
            record_timing=False,
        )
        start = time.perf_counter()
        try:
            client.execute()
        finally:
            # The client does not stop a kernel it was handed; stop it before the next notebook.
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
        return nb, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in book/")
    parser.add_argument("--budget", type=float, default=None,
                        help=f"seconds per notebook (default {DEFAULT_BUDGET_S:g}; none in paper mode)")
    parser.add_argument("--dry-run", action="store_true", help="execute and time, write nothing")
    args = parser.parse_args(argv)

    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paper = os.environ.get("THEORYBOOK_SCALE", "").strip().lower() == "paper"
    budget = args.budget if args.budget is not None else (float("inf") if paper else DEFAULT_BUDGET_S)

    import nbformat

    paths = [p.resolve() for p in args.notebooks] or all_notebooks()
    failures, total = [], 0.0
    for path in paths:
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        try:
            nb, seconds = execute(path)
        except Exception as error:  # a cell raised, or the kernel died
            failures.append(name)
            message = str(error).strip().splitlines()
            print(f"FAIL   {name}: {message[-1] if message else type(error).__name__}", flush=True)
            continue
        total += seconds
        failed = failed_checks(nb)
        if failed:
            failures.append(name)
            print(f"CHECK  {name}: {failed[0]} (and {len(failed) - 1} more; not written)", flush=True)
            continue
        if seconds > budget:
            failures.append(name)
            print(f"SLOW   {seconds:7.1f} s  {name} (budget {budget:g} s; not written)", flush=True)
            continue
        if not args.dry_run:
            record_seconds(nb, seconds, scale="paper" if paper else "default")
            nbformat.write(nb, path)
        print(f"ok     {seconds:7.1f} s  {name}", flush=True)
    print(f"{len(paths) - len(failures)}/{len(paths)} notebooks ok, {total:.1f} s in all", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
