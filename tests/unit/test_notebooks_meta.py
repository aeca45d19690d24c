"""Every notebook of the book follows the anatomy and names the repository URL of _config.yml."""

import re
import sys

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from notebook_cells import badge_markdown, install_source, repository_url, toc_entries  # noqa: E402

NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
INSTALL = re.compile(r"git\+(\S+?)#subdirectory=lib")


def test_there_are_notebooks_to_check():
    assert any(p.name == "interactive_figures.ipynb" for p in NOTEBOOKS)
    assert any(p.name == "_template.ipynb" for p in NOTEBOOKS)


def test_repository_url_is_configured_once():
    assert repository_url().startswith("https://github.com/")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_install_cell_names_the_configured_url(path):
    nb = nbformat.read(path, as_version=4)
    urls = [u for cell in nb.cells if cell.cell_type == "code" for u in INSTALL.findall(cell.source)]
    assert urls == [repository_url()], f"{path.name}: install cell must name {repository_url()}"
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert setup.source.startswith(install_source().split("\n\n")[0]), "first code cell is the setup cell"
    assert "setup_notebook(" in setup.source
    assert "hide-input" in setup.metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_cell_has_the_colab_badge_for_this_notebook(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    assert badge_markdown(path) in nb.cells[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_committed_executed_with_checked_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run `make notebooks`"
    checked = [c for c in code if "nbval-check-output" in c.metadata.get("tags", [])]
    assert checked and all(c.outputs for c in checked), "key numbers go in nbval-check-output cells"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    if any("explore(" in c.source for c in code):
        state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        assert state.get("state"), "explore figures need the stored widget state (make notebooks)"


def test_every_toc_entry_exists_and_every_chapter_is_in_the_toc():
    files = toc_entries()
    for entry in files:
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".md", ".ipynb")), entry
    chapters = {"relu_queries", "periodic_neurons", "relu_integral_representations",
                "neural_shattering", "propagation_of_chaos", "weak_to_strong",
                "spherical_quantisers", "transformer_synchronization", "sphere_diffusion"}
    assert {f"book/{c}/index" for c in chapters} <= set(files)
    for path in NOTEBOOKS:
        entry = path.relative_to(ROOT).with_suffix("").as_posix()
        assert entry in files or path.name == "_template.ipynb", f"{entry} is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_has_no_control_characters(path):
    """A LaTeX command written through one escape too many ("\\approx" → BEL + "pprox") breaks MathJax."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        bad = re.findall(r"[\x00-\x09\x0b-\x1f]", cell.source)  # tabs included ("\times" → TAB + "imes")
        assert not bad, f"cell {i} of {path.name} contains control characters {bad!r}"
