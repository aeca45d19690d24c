"""The course kit: student editions of the notebooks and the course guide's lists.

The checks against the instructor notebooks parse the solutions here with their own, simpler
reading of the directive (a marker line starts or ends a solution), independent of the tool's.
"""

import ast
import builtins
import re
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import student_editions as se  # noqa: E402
from notebook_cells import badge_markdown  # noqa: E402
from run_notebooks import execute  # noqa: E402

NOTEBOOKS = se.toc_notebooks()
IDS = [str(p.relative_to(ROOT / "book")) for p in NOTEBOOKS]
# Executed for real (about 15 s each); every edition is checked statically below.
EXECUTED = ["interactive_figures.ipynb", "spherical_quantisers/03_high_dimensions.ipynb"]
START, END = re.compile(r"^[`:]{3,}\{solution-start\}", re.M), re.compile(r"^[`:]{3,}\{solution-end\}", re.M)


def solution_parts(nb):
    """(indices of cells wholly inside solutions, solution code sources, solution prose lines)."""
    inside, cells, code, prose = False, [], [], []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (START.search(cell.source) or END.search(cell.source)):
            for line in cell.source.splitlines():
                if START.match(line):
                    inside = True
                elif END.match(line):
                    inside = False
                elif inside and len(line.strip()) > 30 and not line.startswith((":", "`")):
                    prose.append(line.strip())
            continue
        if inside:
            cells.append(i)
            if cell.cell_type == "code":
                code.append(cell.source)
            else:
                prose += [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 30]
    return cells, code, prose


def edition(path):
    return nbformat.read(se.student_path(path), as_version=4)


def test_every_notebook_page_has_an_edition_and_the_chapters_have_exercises():
    assert len(NOTEBOOKS) >= 16 and all(se.student_path(p).is_file() for p in NOTEBOOKS)
    assert sum(len(se.exercises(nbformat.read(p, as_version=4))) for p in NOTEBOOKS) >= 20


def test_editions_and_course_lists_are_current():
    """No drift: the committed files are what the tool writes from today's notebooks."""
    assert se.main(["--check"]) == 0, "run `python tools/student_editions.py`"


def test_regeneration_is_identical():
    assert se.outputs() == se.outputs()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_edition_has_no_solution_text_or_code(path):
    nb = nbformat.read(path, as_version=4)
    _, code, prose = solution_parts(nb)
    student = edition(path)
    sources = [c.source for c in student.cells]
    text = "\n".join(sources)
    assert not START.search(text) and not END.search(text)
    for source in code:
        if source.strip():
            assert not any(source.strip() in s for s in sources), source[:80]
    for line in prose:
        assert line not in text, line[:80]
    stubs = [c for c in student.cells if se.STUB_TAG in c.metadata.get("tags", [])]
    assert all(c.source == se.STUB and c.cell_type == "code" for c in stubs)
    assert len(stubs) <= len(se.exercises(nb))
    assert bool(stubs) == bool(code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_edition_keeps_every_other_cell_with_its_outputs(path):
    nb = nbformat.read(path, as_version=4)
    inside, _, _ = solution_parts(nb)
    student = edition(path)
    kept = [c for i, c in enumerate(nb.cells[1:], 1) if i not in inside
            and not (c.cell_type == "markdown" and (START.search(c.source) or END.search(c.source)))]
    remaining = iter(student.cells[1:])
    for cell in kept:  # in order, identical (source, outputs, metadata)
        assert any(cell == other for other in remaining), cell.source[:80]
    assert student.metadata == nb.metadata
    first = student.cells[0].source
    assert badge_markdown(path) not in first and se.student_badge(path) in first
    assert first.split("\n", 1)[0] == nb.cells[0].source.split("\n", 1)[0]  # the title


def _names(source):
    """(names the cell binds, names it reads) by ast, IPython magics turned into Python first."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, read


def names_lost(nb) -> dict[int, set[str]]:
    """Kept code cells that read a name bound only in (earlier) solution cells, by cell index."""
    inside, _, _ = solution_parts(nb)
    kept_names, lost, found = set(dir(builtins)), set(), {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        bound, read = _names(cell.source)
        if i in inside:
            lost |= bound - kept_names
            continue
        if (read & lost) - kept_names:
            found[i] = (read & lost) - kept_names
        kept_names |= bound
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_kept_cell_uses_a_name_defined_only_in_a_solution(path):
    """Static check of every edition: what a later cell reads is not lost with a solution."""
    assert names_lost(nbformat.read(path, as_version=4)) == {}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", EXECUTED)
def test_edition_runs_top_to_bottom_in_a_fresh_kernel(name):
    path = se.STUDENT / name
    nb, _ = execute(path)  # raises on a cell error; the file is not written
    stubs = [c for c in nb.cells if se.STUB_TAG in c.metadata.get("tags", [])]
    assert stubs and all(c.execution_count is not None for c in stubs)


# ---------------------------------------------------------------- the transformation itself

def _exercise(label, title, body="Do it.", fence="```"):
    return (f"{fence}{{exercise-start}} {title}\n:label: {label}\n{fence}\n\n{body}\n\n"
            f"{fence}{{exercise-end}}\n{fence}")


def _toy(tmp_path, monkeypatch):
    """A notebook in a fake book/ with every layout the book's notebooks use."""
    book = tmp_path / "book"
    (book / "ch").mkdir(parents=True)
    monkeypatch.setattr(se, "BOOK", book)
    monkeypatch.setattr(se, "STUDENT", tmp_path / "student")
    monkeypatch.setattr(se, "ROOT", tmp_path)
    path = book / "ch" / "01_x.ipynb"
    badge = "[![Open in Colab](../_static/colab-badge.svg)](https://colab/book/ch/01_x.ipynb)"
    monkeypatch.setattr(se, "badge_markdown", lambda p: badge)
    cells = [
        new_markdown_cell(f"# Toy\n\n{badge}\n\nWhat you will see."),
        new_code_cell("x = 1"),
        new_markdown_cell(_exercise("ch-ex1", "First (≈15 min, ★★)")
                          + "\n\n```{solution-start} ch-ex1\n:class: dropdown\n```\n\n"
                          "The first solution's prose, long enough to be noticed."),
        new_code_cell("secret = x + 1\nprint(secret)"),
        new_code_cell("print(secret * 2)"),
        new_markdown_cell("```{solution-end}\n```\n\n" + _exercise("ch-ex2", "Second")
                          + "\n\n```{solution-start} ch-ex2\n```\nProse only, no code at all in "
                          "this solution.\n```{solution-end}\n```\n\nAfter the solutions."),
        new_markdown_cell(_exercise("ch-ex3", "Third (≈5 min, ★)", fence=":::")
                          + "\n:::{solution-start} ch-ex3\n:::\n"),
        new_code_cell("answer = 3"),
        new_markdown_cell(":::{solution-end}\n:::"),
        new_code_cell("print(x)"),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    cells[1].outputs = [nbformat.v4.new_output("stream", text="kept output\n")]
    return path, new_notebook(cells=cells)


def test_student_edition_of_a_toy_notebook(tmp_path, monkeypatch):
    path, nb = _toy(tmp_path, monkeypatch)
    monkeypatch.setattr(se, "student_badge", lambda p: "STUDENT-BADGE")
    out = se.student_edition(nb, path)
    kinds = [(c.cell_type, c.source.split("\n")[0]) for c in out.cells]
    assert kinds == [("markdown", "# Toy"), ("code", "x = 1"),
                     ("markdown", "```{exercise-start} First (≈15 min, ★★)"),
                     ("code", se.STUB),
                     ("markdown", "```{exercise-start} Second"),
                     ("markdown", "After the solutions."),
                     ("markdown", ":::{exercise-start} Third (≈5 min, ★)"),
                     ("code", se.STUB),
                     ("code", "print(x)")]
    assert "STUDENT-BADGE" in out.cells[0].source and "colab-badge.svg)" not in out.cells[0].source
    assert out.cells[1].outputs[0]["text"] == "kept output\n"
    text = "\n".join(c.source for c in out.cells)
    assert "secret" not in text and "Prose only" not in text and "answer" not in text
    assert "first solution's prose" not in text
    assert out.cells[2].source.endswith("```{exercise-end}\n```")
    ids = [c["id"] for c in out.cells]
    assert len(set(ids)) == len(ids) and "ch-ex1-stub" in ids
    nbformat.validate(out)
    assert nbformat.writes(out) == nbformat.writes(se.student_edition(nb, path))


def test_the_static_check_finds_a_name_lost_with_a_solution(tmp_path, monkeypatch):
    _, nb = _toy(tmp_path, monkeypatch)
    assert names_lost(nb) == {}
    nb.cells.append(new_code_cell("print(secret, answer, x)"))
    assert names_lost(nb) == {len(nb.cells) - 1: {"secret", "answer"}}


def test_exercise_titles_are_parsed_for_time_and_difficulty(tmp_path, monkeypatch):
    _, nb = _toy(tmp_path, monkeypatch)
    assert se.exercises(nb) == [se.Exercise("ch-ex1", "First", 15, "★★"),
                                se.Exercise("ch-ex2", "Second", None, None),
                                se.Exercise("ch-ex3", "Third", 5, "★")]


def test_course_list_shows_estimates_and_dashes(tmp_path, monkeypatch):
    path, nb = _toy(tmp_path, monkeypatch)
    nbformat.write(nb, path)
    text = se.course_list("ch", [path])
    assert "{ref}`First <ch-ex1>` | {doc}`01 <ch/01_x>` | ≈15 min | ★★ |" in text
    assert "{ref}`Second <ch-ex2>` | {doc}`01 <ch/01_x>` | — | — |" in text
    assert "{download}`.ipynb </student/ch/01_x.ipynb>`" in text
    assert "in preparation" in se.course_list("empty", [])


def test_unbalanced_solutions_are_refused(tmp_path, monkeypatch):
    path, nb = _toy(tmp_path, monkeypatch)
    nb.cells = nb.cells[:4]  # a solution that never ends
    with pytest.raises(ValueError, match="solution-start"):
        se.student_edition(nb, path)
    nb.cells = [nb.cells[0], new_markdown_cell("```{solution-end}\n```")]
    with pytest.raises(ValueError, match="solution-end"):
        se.student_edition(nb, path)


def test_teaching_page_includes_the_list_of_every_chapter():
    """The guide lists what exists: one included list per chapter of the toc."""
    teaching = (ROOT / "book" / "teaching.md").read_text()
    for name, notebooks in se.units():
        assert f"```{{include}} _course/{name}.md\n```" in teaching, name
        listing = (se.COURSE / f"{name}.md").read_text()
        for path in notebooks:
            assert se.student_path(path).relative_to(ROOT).as_posix() in listing
