"""Student editions of the book's notebooks, and the course guide's lists (`make book` runs this).

For every notebook page of ``_toc.yml`` (``book/<chapter>/NN_x.ipynb``, and the demonstration
page), write ``student/<chapter>/NN_x.ipynb``: the same notebook with each exercise's solution
removed. The exercise directive is the single source (sphinx-exercise's gated syntax)::

    ```{exercise-start} Short title (≈15 min, ★★)      <- kept, with the exercise's text and stubs
    :label: chapter-ex1
    ```
    ...
    ```{exercise-end}
    ```
    ```{solution-start} chapter-ex1                     <- removed, from here ...
    :class: dropdown
    ```
    ...prose and code cells of the solution...
    ```{solution-end}                                   <- ... to here
    ```

The markdown of a solution goes; its code cells are replaced by one ``# Your code here`` cell;
everything else stays as it is, outputs of the other cells included. The Colab badge of the first
cell points at the student edition in the repository of ``_config.yml``. Editions are generated,
never edited by hand: regenerating from the same notebook gives the same file.

The same pass writes ``book/_course/<unit>.md``, included by ``book/teaching.md``: for every
chapter (and the demonstration page) the notebooks with links to both editions, and the exercises
with the time and difficulty parsed from their titles, ``(≈N min, ★★)``.

    python tools/student_editions.py            # write the editions and the course lists
    python tools/student_editions.py --check    # exit 1 if any file would change
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_cells import COLAB, ROOT, badge_markdown, repository_url, toc_entries  # noqa: E402

BOOK = ROOT / "book"
STUDENT = ROOT / "student"
COURSE = BOOK / "_course"
STUB = "# Your code here"
STUB_TAG = "student-stub"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"

# An opening fence of a sphinx-exercise directive (backticks or colons), its name and argument.
DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>(?:exercise|solution)-(?:start|end))\}"
                       r"[ \t]*(?P<arg>.*?)[ \t]*$")
ESTIMATE = re.compile(r"^(?P<title>.*?)\s*\(≈\s*(?P<minutes>\d+)\s*min,\s*(?P<stars>★{1,3})\)$")


@dataclass(frozen=True)
class Exercise:
    label: str
    title: str  # without the estimate; "" when the directive has no title
    minutes: int | None
    stars: str | None  # "★", "★★" or "★★★"


def _blocks(source: str) -> list[tuple[str | None, str, str]]:
    """Split markdown into ``(directive name or None, argument, raw text)`` pieces.

    A directive piece runs from its opening fence to the closing fence (its options included);
    text pieces are everything between.
    """
    lines = source.split("\n")
    pieces, text, i = [], [], 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        if not match:
            text.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() != match["fence"]:
            j += 1
        if j == len(lines):
            raise ValueError(f"unclosed {{{match['name']}}} directive: {lines[i]!r}")
        if text:
            pieces.append((None, "", "\n".join(text)))
            text = []
        pieces.append((match["name"], match["arg"], "\n".join(lines[i:j + 1])))
        i = j + 1
    if text:
        pieces.append((None, "", "\n".join(text)))
    return pieces


def exercises(nb) -> list[Exercise]:
    """The exercises of a notebook in order, with the estimate parsed from each title."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for name, arg, raw in _blocks(cell.source):
            if name != "exercise-start":
                continue
            label = re.search(r"^:label:\s*(\S+)", raw, re.M)
            estimate = ESTIMATE.match(arg)
            title = estimate["title"] if estimate else arg
            found.append(Exercise(label=label[1] if label else "", title=title,
                                  minutes=int(estimate["minutes"]) if estimate else None,
                                  stars=estimate["stars"] if estimate else None))
    return found


def student_badge(path: Path) -> str:
    owner_repo = repository_url().split("github.com/", 1)[1]
    relative = student_path(path).relative_to(ROOT).as_posix()
    return f"[![Open in Colab]({COLAB_BADGE})]({COLAB}/{owner_repo}/blob/main/{relative})"


def student_path(path: Path) -> Path:
    """``book/<chapter>/NN_x.ipynb`` -> ``student/<chapter>/NN_x.ipynb``."""
    return STUDENT / path.resolve().relative_to(BOOK)


def student_edition(nb, path: Path):
    """The student edition of notebook ``nb`` (read from ``path``): a new notebook."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata, nbformat=nb.nbformat,
                                   nbformat_minor=nb.nbformat_minor)
    cells, inside, solution_code, label = [], False, False, ""

    def keep_markdown(cell, text: str, part: int):
        text = text.strip("\n")
        if text.strip():
            piece = nbformat.from_dict({**cell, "source": text})
            if part and "id" in cell:
                piece["id"] = f"{cell['id']}-{part}"
            cells.append(piece)

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if inside:
                solution_code |= cell.cell_type == "code"
            else:
                cells.append(cell)
            continue
        text, part = [], 0
        for name, arg, raw in _blocks(cell.source):
            if inside:
                if name == "solution-end":
                    inside = False
                    if solution_code:
                        stub = new_code_cell(STUB, metadata={"tags": [STUB_TAG]})
                        stub.pop("id", None)  # random: only the fixed id below keeps no drift
                        if "id" in cell:
                            stub["id"] = f"{label}-stub"[-64:]
                        cells.append(stub)
            elif name == "solution-start":
                keep_markdown(cell, "\n".join(text), part)
                text, part = [], part + 1
                inside, solution_code, label = True, False, re.sub(r"[^\w-]", "-", arg or "solution")
            elif name == "solution-end":
                raise ValueError(f"{path}: {{solution-end}} without {{solution-start}}")
            else:
                text.append(raw)
        keep_markdown(cell, "\n".join(text), part)
    if inside:
        raise ValueError(f"{path}: {{solution-start}} without {{solution-end}}")

    first = cells[0]
    badge = badge_markdown(path)
    if first.cell_type != "markdown" or badge not in first.source:
        raise ValueError(f"{path}: the first cell must carry the notebook's Colab badge {badge}")
    instructor = f"{repository_url()}/blob/main/{path.resolve().relative_to(ROOT).as_posix()}"
    note = (f"{student_badge(path)}\n\n*Student edition: the exercises' solutions are removed "
            f"(`{STUB}` marks where yours go). The [instructor edition]({instructor}) has them. "
            "Generated by `tools/student_editions.py`; do not edit.*")
    cells[0] = nbformat.from_dict({**first, "source": first.source.replace(badge, note)})
    out.cells = cells
    return out


def toc_notebooks() -> list[Path]:
    """Every notebook page of ``_toc.yml``, in reading order."""
    return [ROOT / f"{e}.ipynb" for e in toc_entries() if (ROOT / f"{e}.ipynb").exists()]


def units() -> list[tuple[str, list[Path]]]:
    """``(name, notebooks)`` in reading order: each chapter of the toc, each top-level notebook."""
    found = []
    for entry in toc_entries():
        parts = Path(entry).relative_to("book").parts
        if len(parts) == 2 and parts[1] == "index":
            notebooks = [p for p in toc_notebooks() if p.parent == BOOK / parts[0]]
            found.append((parts[0], notebooks))
        elif len(parts) == 1 and (ROOT / f"{entry}.ipynb").exists():
            found.append((parts[0], [ROOT / f"{entry}.ipynb"]))
    return found


def course_list(name: str, notebooks: list[Path]) -> str:
    """The markdown that ``book/teaching.md`` includes for one chapter."""
    head = "<!-- Generated by tools/student_editions.py from the notebooks; do not edit. -->\n\n"
    if not notebooks:
        return head + ("*No notebooks yet: the chapter is in preparation. Its notebooks and "
                       "exercises will be listed here when they land.*\n")
    owner_repo = repository_url().split("github.com/", 1)[1]
    rows, exercise_rows = [], []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        doc = path.relative_to(BOOK).with_suffix("").as_posix()
        book_rel = path.relative_to(ROOT).as_posix()
        student_rel = student_path(path).relative_to(ROOT).as_posix()
        rows.append(f"| {{doc}}`{doc}` "
                    f"| [Colab]({COLAB}/{owner_repo}/blob/main/{book_rel}) "
                    f"| [Colab]({COLAB}/{owner_repo}/blob/main/{student_rel}) · "
                    f"{{download}}`.ipynb </{student_rel}>` |")
        prefix = re.match(r"(\d+)_", path.stem)
        short = prefix[1] if prefix else path.stem.replace("_", " ")
        for ex in exercises(nb):
            number = re.search(r"ex(\d+)$", ex.label)
            text = ex.title or (f"Exercise {number[1]}" if number else ex.label)
            link = f"{{ref}}`{_escape(text)} <{ex.label}>`" if ex.label else _escape(text)
            time = f"≈{ex.minutes} min" if ex.minutes else "—"
            exercise_rows.append(f"| {link} | {{doc}}`{short} <{doc}>` | {time} "
                                 f"| {ex.stars or '—'} |")
    text = head + "| notebook | instructor edition | student edition |\n|---|---|---|\n"
    text += "\n".join(rows) + "\n"
    if exercise_rows:
        text += ("\n| exercise | notebook | time | difficulty |\n|---|---|---|---|\n"
                 + "\n".join(exercise_rows) + "\n")
    return text


def _escape(text: str) -> str:
    """Title text for a role and a table cell: no backquote, angle bracket or pipe."""
    return re.sub(r"[`<>|]", "", text).strip()


def outputs() -> dict[Path, str]:
    """Every file this tool writes, with its content."""
    files = {}
    for path in toc_notebooks():
        nb = nbformat.read(path, as_version=4)
        files[student_path(path)] = nbformat.writes(student_edition(nb, path)) + "\n"
    for name, notebooks in units():
        files[COURSE / f"{name}.md"] = course_list(name, notebooks)
    return files


def stale(files: dict[Path, str]) -> list[Path]:
    """Generated files on disk that no notebook or chapter produces any more."""
    old = list(STUDENT.rglob("*.ipynb")) + list(COURSE.glob("*.md"))
    return sorted(p for p in old if p not in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if any file would change")
    args = parser.parse_args(argv)
    files = outputs()
    changed = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    removed = stale(files)
    if args.check:
        for p in changed + removed:
            print(f"out of date: {p.relative_to(ROOT)}")
        if changed or removed:
            print("run `python tools/student_editions.py` (or `make book`)")
        return 1 if changed or removed else 0
    for p in changed:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(files[p])
    for p in removed:
        p.unlink()
    print(f"student_editions: {len(changed)} written, {len(removed)} removed, "
          f"{len(files) - len(changed)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
