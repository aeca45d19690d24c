"""The built book in a real browser (headless Debian Chromium), offline, with no kernel.

Every page of the table of contents: no Sphinx/MyST error marker, every image loaded, maths
typeset, widgets rendered, no JavaScript error of ours; a screenshot of each page goes to
``_build/screenshots/``. On the demonstration page, moving each slider changes the figure.
"""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import HTML, SCREENSHOTS, toc_pages

PAGES = toc_pages()
DEMO = "book/interactive_figures.html"
# Console messages that are not ours: sphinx-thebe declares THEBE_JS_URL twice on notebook pages.
KNOWN_NOISE = ("THEBE_JS_URL",)


def _wait(browser, script: str, timeout: float = 30.0, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = browser.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _open(browser, site, page):
    browser.get(f"{site}/{page}")
    _wait(browser, "return document.readyState === 'complete'", what="page load")
    browser.get_log("browser")  # start each page's console log from here on


def _screenshot(browser, page):
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 800), 12000))
    browser.save_screenshot(str(SCREENSHOTS / (page.replace("/", "__").removesuffix(".html") + ".png")))
    browser.set_window_size(1280, 1600)


def _displayed_frames(browser) -> list[str]:
    """SHA-1 of every widget image shown on the page, in page order (blob bytes fetched)."""
    return browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const imgs = Array.from(document.querySelectorAll('img.widget-image'))
            .filter(i => i.offsetParent !== null);
        Promise.all(imgs.map(i => fetch(i.src).then(r => r.arrayBuffer())
            .then(b => crypto.subtle.digest('SHA-1', b))
            .then(h => Array.from(new Uint8Array(h)).map(x => x.toString(16).padStart(2, '0')).join(''))))
          .then(done, e => done(['error: ' + e]));
        """
    )


def test_the_toc_lists_the_demonstration_page_and_every_chapter():
    assert DEMO in PAGES
    assert sum(p.endswith("/index.html") for p in PAGES) == 9


def test_no_widget_script_comes_from_a_cdn():
    for page in PAGES:
        text = (HTML / page).read_text()
        assert not re.search(r"(cdn\.jsdelivr|cdnjs)[^\"']*(widget|require)", text), page


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline(browser, site, page):
    _open(browser, site, page)
    html = browser.page_source
    # Sphinx and MyST error markers
    for marker in ("system-message", "problematic", "Unknown directive type", "Unknown interpreted text role"):
        assert marker not in html, f"{page}: {marker}"
    # Maths typeset by the vendored MathJax (pages with maths only)
    if browser.execute_script("return document.querySelectorAll('.math, span.math, div.math').length"):
        _wait(browser, "return document.querySelectorAll('mjx-container').length > 0", what=f"MathJax on {page}")
        assert not browser.find_elements(By.CSS_SELECTOR, "mjx-merror"), f"{page}: MathJax error"
    # Widgets: every stored view rendered
    views = browser.execute_script(
        "return document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length")
    if views:
        _wait(browser, f"return document.querySelectorAll('.widget-slider').length >= {views}",
              what=f"{views} widget views on {page}")
    # Every image loaded (scroll through the page first so lazy images load)
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    broken = _wait(
        browser,
        """const imgs = Array.from(document.images);
           const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);
           return bad.length === 0 ? 'none' : (imgs.every(i => i.complete) ? bad.join(' ') : false);""",
        what=f"images on {page}",
    )
    assert broken == "none", f"{page}: images not loaded: {broken}"
    _screenshot(browser, page)
    errors = [e["message"] for e in browser.get_log("browser")
              if e["level"] == "SEVERE" and not any(k in e["message"] for k in KNOWN_NOISE)]
    assert not errors, f"{page}: console errors: {errors}"


def test_sliders_change_the_figure_with_no_kernel(browser, site):
    """Acceptance: on the demonstration page each slider moves the displayed frame."""
    _open(browser, site, DEMO)
    _wait(browser, "return document.querySelectorAll('img.widget-image').length >= 2", what="frames")
    # Grid sliders are the visible ones (the live panel is hidden): 1 in the first figure, 2 in the second.
    handles = [h for h in browser.find_elements(By.CSS_SELECTOR, ".widget-slider .noUi-handle") if h.is_displayed()]
    assert len(handles) == 3, f"expected 3 visible sliders, found {len(handles)}"
    seen = [_displayed_frames(browser)]
    assert len(seen[0]) == 2 and all(len(h) == 40 for h in seen[0]), seen[0]
    for figure, handle in [(0, handles[0]), (1, handles[1]), (1, handles[2])]:
        before = _displayed_frames(browser)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", handle)
        handle.send_keys(Keys.ARROW_RIGHT)
        after = _poll_frames(browser, lambda frames: frames[figure] != before[figure])
        assert after[figure] != before[figure], f"a slider of figure {figure} did not change it"
        assert after[1 - figure] == before[1 - figure], "a slider changed the other figure"
        seen.append(after)
    # Going back restores the first frame: the frames are the stored ones, not redrawn.
    handles[0].send_keys(Keys.ARROW_LEFT)
    assert _poll_frames(browser, lambda frames: frames[0] == seen[0][0])[0] == seen[0][0]
    assert len({frames[1] for frames in seen}) == 3, "the two sliders of figure 2 give distinct frames"


def _poll_frames(browser, done, timeout=10.0):
    """Displayed frames once ``done(frames)`` holds (widget views update asynchronously)."""
    deadline = time.time() + timeout
    frames = _displayed_frames(browser)
    while not done(frames) and time.time() < deadline:
        time.sleep(0.1)
        frames = _displayed_frames(browser)
    return frames


def test_every_notebook_page_links_its_student_edition():
    """Under the title of each notebook page: the student edition in Colab and as a download
    (tools/student_edition_links.py), the downloaded file being the committed edition."""
    from student_editions import ROOT, student_path, toc_notebooks

    notebooks = toc_notebooks()
    assert notebooks
    for notebook in notebooks:
        page = HTML / notebook.relative_to(ROOT).with_suffix(".html")
        text = page.read_text()
        student = student_path(notebook).relative_to(ROOT).as_posix()
        assert 'class="admonition note student-edition"' in text, page
        assert 'href="https://colab.research.google.com/github/' in text
        assert re.search(rf'class="student-edition-colab" href="[^"]+/blob/main/{student}"', text)
        href = re.search(r'class="student-edition-download" href="([^"]+)"', text)[1]
        download = (page.parent / href).resolve()
        assert download.read_bytes() == (ROOT / student).read_bytes(), page
        badge = re.search(r'alt="Open the student edition in Colab" src="([^"]+)"', text)[1]
        assert (page.parent / badge).resolve().is_file()


def test_the_course_guide_links_both_editions_of_every_notebook():
    from student_editions import ROOT, student_path, toc_notebooks

    text = (HTML / "book" / "teaching.html").read_text()
    for notebook in toc_notebooks():
        assert f"blob/main/{notebook.relative_to(ROOT).as_posix()}" in text
        assert f"blob/main/{student_path(notebook).relative_to(ROOT).as_posix()}" in text
        assert f"/{notebook.name}" in text  # the {download} link of the student edition
