"""Put the JavaScript the built book needs offline into ``_extra/vendor`` (served at the site root).

The rendered book must work from local files with no internet: the widget manager that turns
stored widget state into sliders and frames (``@jupyter-widgets/html-manager``, loaded through
``require.js``) and MathJax. Each package is fetched once from the npm registry with ``npm pack``
(a pinned version), checked against its pinned sha512 integrity, unpacked, and the files the
pages load are copied. Tarballs are cached in ``.cache/vendor``; ``_extra/`` is git-ignored.

Why not a CDN: offline readers, and a browser test that runs without internet. Why ``_extra`` and
``html_extra_path`` rather than ``_static``: Jupyter Book 1 injects every ``.js`` found in
``_static`` into every page (twice on widget pages), and widgets then render twice.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "vendor"
TARGET = ROOT / "_extra" / "vendor"

# name, version, sha512 of the tarball (as `npm view NAME@VERSION dist.integrity` prints it)
PACKAGES = {
    "requirejs": ("2.3.8", "7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw=="),
    "@jupyter-widgets/html-manager": ("1.0.15", "5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA=="),
    "mathjax": ("3.2.2", "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="),
}

# What each package contributes: (path inside the tarball's package/, path under vendor/).
FILES = {
    "requirejs": [("require.js", "require.js")],
    "@jupyter-widgets/html-manager": [("dist", "html-manager")],
    "mathjax": [
        ("es5/tex-chtml.js", "mathjax/tex-chtml.js"),
        ("es5/input", "mathjax/input"),
        ("es5/ui", "mathjax/ui"),
        ("es5/a11y", "mathjax/a11y"),
        ("es5/adaptors", "mathjax/adaptors"),
        ("es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ],
}

# Loaded between require.js and embed-amd.js. (1) The widget manager takes the folder of its fonts
# from a global and from require.js's path for its own module id; both point at the vendored copy
# (else it asks the CDN, or a path beside the page, for them). (2) Widgets typeset their labels with
# MathJax 2's ``MathJax.Hub.Queue``; the book loads MathJax 3, so give it that one method.
SHIM = """\
// theorybook (tools/vendor_js.py): offline widget fonts, and MathJax 3 for widget labels.
(function () {
  var base = new URL("html-manager", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = base + "/";
  window.require.config({ paths: { "@jupyter-widgets/html-manager/dist": base } });
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub && mj.typesetPromise) {
      mj.Hub = { Queue: function (job) { mj.typesetPromise([job[2]]).catch(function () {}); } };
    }
  });
})();
"""

STAMP = TARGET / ".versions"


def _tarball(name: str, version: str, integrity: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name.replace('@', '').replace('/', '-')}-{version}.tgz"
    if not path.exists():
        out = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", str(CACHE), "--silent"],
            check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        (CACHE / out).rename(path) if (CACHE / out) != path else None
    digest = base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    if digest != integrity:
        path.unlink()
        raise SystemExit(f"{name}@{version}: sha512 {digest} does not match the pinned {integrity}")
    return path


def _copy(tarball: Path, pairs: list[tuple[str, str]]) -> None:
    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
        for source, dest in pairs:
            prefix = f"package/{source}"
            for member in members:
                if not member.isfile() or member.name.endswith(".map"):
                    continue
                if member.name != prefix and not member.name.startswith(prefix + "/"):
                    continue
                relative = member.name[len(prefix):].lstrip("/")
                out = TARGET / dest / relative if relative else TARGET / dest
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.extractfile(member).read())


def main() -> int:
    wanted = "\n".join(f"{n}@{v}" for n, (v, _) in PACKAGES.items()) + "\n" + SHIM
    if STAMP.exists() and STAMP.read_text() == wanted:
        return 0
    if shutil.which("npm") is None:
        print("vendor_js: npm is needed once to fetch the widget and MathJax scripts", file=sys.stderr)
        return 1
    shutil.rmtree(TARGET, ignore_errors=True)
    for name, (version, integrity) in PACKAGES.items():
        _copy(_tarball(name, version, integrity), FILES[name])
    (TARGET / "widgets-shim.js").write_text(SHIM)
    STAMP.write_text(wanted)
    print(f"vendor_js: {', '.join(f'{n}@{v}' for n, (v, _) in PACKAGES.items())} -> {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
