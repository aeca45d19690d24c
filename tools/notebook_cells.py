"""Shared pieces of every notebook: the Colab badge and the guarded install cell.

The repository URL is written once, in ``_config.yml`` (``repository.url``); this module reads it,
and the tests check that every notebook's badge and install cell agree with it. Use
``new_notebook`` to start a chapter notebook from the template's anatomy::

    python tools/notebook_cells.py book/<chapter>/01_topic.ipynb "Title of the notebook"

``python tools/notebook_cells.py --setup book/*.ipynb book/*/*.ipynb`` brings the install lines
of existing notebooks up to date (after a change of the URL or of :func:`install_source`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COLAB = "https://colab.research.google.com/github"


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


def toc_entries() -> list[str]:
    """Every file of ``_toc.yml`` (root first, then parts, chapters and sections in reading order)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]

    def walk(items):
        for item in items:
            if "file" in item:
                entries.append(item["file"])
            walk(item.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return entries


def badge_markdown(notebook: Path) -> str:
    """The Colab badge linking to ``notebook`` on the main branch (image served by the book)."""
    relative = notebook.resolve().relative_to(ROOT).as_posix()
    owner_repo = repository_url().split("github.com/", 1)[1]
    depth = len(notebook.resolve().relative_to(ROOT / "book").parts) - 1
    image = "../" * depth + "_static/colab-badge.svg"
    return f"[![Open in Colab]({image})]({COLAB}/{owner_repo}/blob/main/{relative})"


def install_source(imports: str = "") -> str:
    """The setup cell: install in Colab only, then imports and ``setup_notebook``."""
    return (
        "# Setup: in Colab, install the book's package first (a no-op anywhere else).\n"
        "import sys\n"
        "if \"google.colab\" in sys.modules:\n"
        "    import subprocess\n"
        f"    pkg = \"theorybook @ git+{repository_url()}#subdirectory=lib\"\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", pkg], check=True)\n"
        "\n"
        + (imports.rstrip() + "\n" if imports else "")
        + "from theorybook.common import setup_notebook\n"
        "\n"
        "rng = setup_notebook(seed=0)"
    )


def new_notebook(path: Path, title: str) -> None:
    """Write a notebook with the anatomy of ``book/_template.ipynb`` (badge, setup, sections)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell

    template = nbformat.read(ROOT / "book" / "_template.ipynb", as_version=4)
    nb = nbformat.v4.new_notebook(metadata=template.metadata)
    cells = []
    for cell in template.cells:
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    cells[0] = new_markdown_cell(f"# {title}\n\n{badge_markdown(path)}\n\n**What you will see.** …")
    cells[1] = new_code_cell(install_source("import numpy as np\nimport matplotlib.pyplot as plt"),
                             metadata={"tags": ["hide-input"]})
    nb.cells = cells
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def update_setup(path: Path) -> bool:
    """Rewrite the install paragraph of ``path``'s setup cell to today's :func:`install_source`.

    Only the first paragraph of the first code cell changes (the imports after it are the
    notebook's own); outputs are kept. Returns whether the notebook changed.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    head, sep, rest = setup.source.partition("\n\n")
    if "google.colab" not in head:
        raise ValueError(f"{path}: the first code cell is not the setup cell")
    source = install_source().split("\n\n")[0] + sep + rest
    if source == setup.source:
        return False
    setup.source = source
    nbformat.write(nb, path)
    return True


if __name__ == "__main__":
    if sys.argv[1] == "--setup":  # python tools/notebook_cells.py --setup book/*/*.ipynb
        for name in sys.argv[2:]:
            print(("updated  " if update_setup(Path(name)) else "current  ") + name)
    else:
        new_notebook(Path(sys.argv[1]), sys.argv[2])
