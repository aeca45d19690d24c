"""Sphinx extension: a link to the student edition at the top of every notebook page.

``tools/student_editions.py`` writes ``student/<chapter>/NN_x.ipynb`` for each notebook
``book/<chapter>/NN_x.ipynb``. For every page whose student edition exists, this extension puts a
box under the page title with the "Open in Colab" badge of the student edition (its path in the
repository of ``_config.yml``) and a download link; the student notebooks and the badge image are
copied into the built site under ``student/``. The notebooks themselves are not edited.
Loaded through ``sphinx.local_extensions`` in ``_config.yml``.
"""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.util.osutil import relative_uri

from notebook_cells import COLAB, ROOT, repository_url

SITE_FOLDER = "student"
BADGE = ROOT / "book" / "_static" / "colab-badge.svg"
CSS_CLASS = "student-edition"


def student_file(docname: str) -> Path | None:
    """``student/<chapter>/NN_x.ipynb`` for the page ``book/<chapter>/NN_x``, if it exists."""
    if not docname.startswith("book/"):
        return None
    path = ROOT / SITE_FOLDER / f"{docname.removeprefix('book/')}.ipynb"
    return path if path.is_file() else None


def box_html(page_uri: str, student: Path) -> str:
    """The box for the page at ``page_uri`` (relative to the site root)."""
    relative = student.relative_to(ROOT).as_posix()
    owner_repo = repository_url().split("github.com/", 1)[1]
    colab = f"{COLAB}/{owner_repo}/blob/main/{relative}"
    download = relative_uri(page_uri, relative)
    badge = relative_uri(page_uri, f"{SITE_FOLDER}/{BADGE.name}")
    return (
        f'<div class="admonition note {CSS_CLASS}">\n'
        '<p class="admonition-title">Student edition</p>\n'
        f'<p><a class="{CSS_CLASS}-colab" href="{escape(colab)}">'
        f'<img alt="Open the student edition in Colab" src="{escape(badge)}"></a> '
        f'<a class="{CSS_CLASS}-download" href="{escape(download)}" download>'
        f"Download the student edition ({student.name})</a>: this notebook with the "
        "exercises' solutions removed, for setting them as homework.</p>\n</div>\n"
    )


def add_box(app, doctree, docname: str) -> None:
    student = student_file(docname)
    if student is None or app.builder.format != "html":
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    box = nodes.raw("", box_html(app.builder.get_target_uri(docname), student), format="html")
    title = 1 if section.children and isinstance(section[0], nodes.title) else 0
    section.insert(title, box)


def copy_editions(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / SITE_FOLDER
    for path in (ROOT / SITE_FOLDER).rglob("*.ipynb"):
        out = target / path.relative_to(ROOT / SITE_FOLDER)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
    if target.exists():
        shutil.copyfile(BADGE, target / BADGE.name)


def setup(app):
    app.connect("doctree-resolved", add_box)
    app.connect("build-finished", copy_editions)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
