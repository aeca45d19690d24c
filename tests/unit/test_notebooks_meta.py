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


MAX_LINE = 88
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_lines_fit_the_page(path):
    """Every code line is at most 88 characters (CONTRIBUTING.md, "Notebooks")."""
    nb = nbformat.read(path, as_version=4)
    long = [f"cell {i}, line {j + 1}: {len(line)} characters"
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for j, line in enumerate(cell.source.splitlines()) if len(line) > MAX_LINE]
    assert not long, f"{path.name}: lines over {MAX_LINE} characters: {long}"


def _images(cell) -> list[str]:
    return [str(out["data"][kind]) for out in cell.get("outputs", [])
            for kind in ("image/png", "image/svg+xml", "image/jpeg")
            if kind in out.get("data", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cell_shows_the_same_image_twice(path):
    """A plotting call whose Figure is also the cell's value shows it twice: end it with `;`."""
    nb = nbformat.read(path, as_version=4)
    twice = [i for i, cell in enumerate(nb.cells) if len(set(_images(cell))) < len(_images(cell))]
    assert not twice, f"{path.name}: cells {twice} show an image twice"


def widget_orphans(nb) -> set[str]:
    """Models of the stored widget state not connected to any view displayed in a cell.

    Models refer to each other as ``"IPY_MODEL_<id>"`` (children, layouts, the two ends of a
    ``jslink``); a group of models none of which a cell displays is dead weight in the notebook
    (a figure whose cell was removed, a widget made but never shown).
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    links = {model: set(re.findall(r"IPY_MODEL_([0-9a-f]+)", str(value["state"])))
             for model, value in state.items()}
    edges = {model: set() for model in state}
    for model, targets in links.items():
        for target in targets & edges.keys():
            edges[model].add(target)
            edges[target].add(model)
    shown = {out["data"][WIDGET_VIEW]["model_id"] for cell in nb.cells
             for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {})}
    seen, todo = set(), [m for m in shown if m in edges]
    while todo:
        model = todo.pop()
        if model not in seen:
            seen.add(model)
            todo += edges[model] - seen
    return set(state) - seen


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_stored_widget_has_a_view_in_some_cell(path):
    nb = nbformat.read(path, as_version=4)
    orphans = widget_orphans(nb)
    assert not orphans, f"{path.name}: {len(orphans)} stored widget models shown by no cell"


def test_widget_orphans_finds_unshown_models_and_follows_links_both_ways():
    def model(name, **state):
        return {"model_name": name, "state": state}

    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {
        "a1": model("VBoxModel", children=["IPY_MODEL_b2"], layout="IPY_MODEL_c3"),
        "b2": model("IntSliderModel"), "c3": model("LayoutModel"),
        "d4": model("LinkModel", source=["IPY_MODEL_b2", "value"]),  # refers to a shown one
        "e5": model("IntSliderModel", layout="IPY_MODEL_f6"), "f6": model("LayoutModel")}}}
    cell = nbformat.v4.new_code_cell("explore(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "a1"}})]
    nb.cells = [cell]
    assert widget_orphans(nb) == {"e5", "f6"}
