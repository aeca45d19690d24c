"""The notebook runner (`make notebooks`) and the benchmark runner (`make bench`)."""

import re
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import run_notebooks  # noqa: E402
from _harness import markdown_table, timeit, write_results  # noqa: E402

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _notebook(tmp_path, *sources):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(s) for s in sources], metadata=KERNEL), path)
    return path


@pytest.mark.timeout(300)
def test_runner_writes_outputs_and_widget_state(tmp_path, capsys):
    path = _notebook(tmp_path, "print(6 * 7)",
                     "import ipywidgets as w\nw.IntSlider(value=3)")
    assert run_notebooks.main([str(path)]) == 0
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].outputs[0]["text"] == "42\n"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(m["model_name"] == "IntSliderModel" and m["state"]["value"] == 3 for m in state.values())
    assert "1/1 notebooks ok" in capsys.readouterr().out
    seconds = nb.metadata["theorybook"]["seconds"]
    assert nb.metadata["theorybook"]["scale"] == "default" and 0 < seconds < 300
    assert run_notebooks.recorded_seconds(nb) == seconds


@pytest.mark.timeout(300)
def test_runner_fails_on_an_error_and_leaves_the_notebook_untouched(tmp_path, capsys):
    path = _notebook(tmp_path, "raise RuntimeError('boom')")
    before = path.read_text()
    assert run_notebooks.main([str(path)]) == 1
    assert path.read_text() == before
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.timeout(300)
def test_runner_fails_a_notebook_over_its_budget(tmp_path, capsys):
    path = _notebook(tmp_path, "import time; time.sleep(1.5)")
    before = path.read_text()
    assert run_notebooks.main([str(path), "--budget", "1"]) == 1
    assert path.read_text() == before
    assert "SLOW" in capsys.readouterr().out


def test_harness_timer_and_table(tmp_path, monkeypatch):
    calls = []
    seconds = timeit(lambda: calls.append(1), repeat=3, warmup=2)
    assert len(calls) == 5 and 0 <= seconds < 0.1
    table = markdown_table(["a", "b"], [["x", 1.23456], ["y", 2]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x | 1.235 |", "| y | 2 |"]
    import _harness

    monkeypatch.setattr(_harness, "RESULTS", tmp_path)
    text = write_results("demo", "Demo", table).read_text()
    assert text.startswith("## Demo") and "| x | 1.235 |" in text


def test_bench_runner_gathers_sections(tmp_path):
    """run.py runs each script and rebuilds RESULTS.md from results/*.md (here: a stub folder)."""
    bench = tmp_path / "benchmarks"
    (bench / "results").mkdir(parents=True)
    for name in ("run.py", "_harness.py"):
        (bench / name).write_text((ROOT / "benchmarks" / name).read_text())
    (bench / "toy.py").write_text(
        "from _harness import write_results\nwrite_results('toy', 'Toy', '| a |\\n|---|\\n| 1 |')\n")
    done = subprocess.run([sys.executable, str(bench / "run.py")], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    results = (bench / "RESULTS.md").read_text()
    assert results.startswith("# Benchmark results") and "## Toy" in results


def test_failed_checks_finds_failed_verdicts_in_stream_and_rich_outputs():
    from nbformat.v4 import new_output

    nb = new_notebook(cells=[new_code_cell("a"), new_code_cell("b"), new_code_cell("c")])
    nb.cells[0].outputs = [new_output("stream", name="stdout",
                                      text="✓ fine (tolerance: 2 s.e.)\n✗ FAILED gap (2 s.e.)\n")]
    nb.cells[1].outputs = [new_output("execute_result", data={"text/plain": "'✗ FAILED x'"},
                                      execution_count=1)]
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="✓ all good\n")]
    assert run_notebooks.failed_checks(nb) == ["✗ FAILED gap (2 s.e.)", "'✗ FAILED x'"]
    nb.cells = nb.cells[2:]
    assert run_notebooks.failed_checks(nb) == []
    assert run_notebooks.CHECK_FAILED == __import__("theorybook.common").common.CHECK_FAILED


def test_hypothesis_profile_is_ci_under_ci_and_dev_otherwise():
    from hypothesis import settings

    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert ci.derandomize and not dev.derandomize and ci.max_examples > dev.max_examples
    for env, expected in [({"CI": "true"}, "ci"), ({"CI": ""}, "dev"),
                          ({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}, "dev")]:
        code = ("import sys; sys.path.insert(0, 'tests/unit'); import conftest; "
                "from hypothesis import settings; print(settings._current_profile)")
        env = {**__import__("os").environ, "HYPOTHESIS_PROFILE": "", **env}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        assert done.stdout.strip() == expected, env


def test_notebook_table_is_gathered_from_recorded_seconds(tmp_path):
    import notebooks as notebook_bench

    paths = []
    for name, meta in [("a", {"seconds": 12.5, "scale": "default"}),
                       ("b", {"seconds": 70.0, "scale": "default"}),
                       ("c", {"seconds": 500.0, "scale": "paper"}), ("d", None)]:
        nb = new_notebook(cells=[new_code_cell("1")], metadata=dict(KERNEL))
        if meta:
            nb.metadata["theorybook"] = meta
        paths.append(tmp_path / f"{name}.ipynb")
        nbformat.write(nb, paths[-1])
    rows = notebook_bench.notebook_rows(paths)
    assert rows[:2] == [["a.ipynb", 12.5, "yes"], ["b.ipynb", 70.0, "NO"]]
    assert [r[0] for r in rows[2:4]] == ["c.ipynb", "d.ipynb"]
    assert all("not recorded" in r[1] for r in rows[2:4])
    assert rows[-1] == ["**all notebooks** (2 not recorded)", 82.5, "yes"]


def test_every_book_notebook_is_a_row_of_the_notebook_table():
    import notebooks as notebook_bench

    rows = notebook_bench.notebook_rows(run_notebooks.all_notebooks())
    names = {r[0] for r in rows}
    assert "book/sphere_diffusion/04_baselines.ipynb" in names
    assert len(rows) == len(run_notebooks.all_notebooks()) + 1


def test_make_clean_deletes_no_tracked_file():
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True)
    removed = [arg for line in dry.stdout.splitlines() if line.startswith("rm ")
               for arg in line.split()[1:] if not arg.startswith("-")]
    assert removed, dry.stdout
    tracked = subprocess.run(["git", "ls-files", "--", *removed], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    assert tracked == "", f"make clean would delete tracked files: {tracked.split()[:5]}"


def test_update_setup_rewrites_only_the_install_paragraph(tmp_path):
    import notebook_cells

    old = ("# Setup\nimport sys\nif \"google.colab\" in sys.modules:\n    pass  # old install\n"
           "\nimport numpy as np\nfrom theorybook.common import setup_notebook")
    nb = new_notebook(cells=[new_code_cell(old), new_code_cell("print(1)")], metadata=KERNEL)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert notebook_cells.update_setup(path) is True
    new = nbformat.read(path, as_version=4)
    head, rest = new.cells[0].source.split("\n\n", 1)
    assert head == notebook_cells.install_source().split("\n\n")[0]
    assert rest == "import numpy as np\nfrom theorybook.common import setup_notebook"
    assert new.cells[1].outputs == nb.cells[1].outputs
    assert notebook_cells.update_setup(path) is False
    assert max(len(line) for line in notebook_cells.install_source().splitlines()) <= 88


WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


@pytest.mark.timeout(120)
def test_the_publishing_workflow_passes_actionlint_and_a_broken_one_does_not(tmp_path):
    import actionlint

    assert actionlint.lint([WORKFLOW]) == []
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("needs: test", "needs: tests"))
    assert [f["kind"] for f in actionlint.lint([broken])] == ["job-needs"]


def test_the_publishing_workflow_tests_then_deploys_with_pinned_pages_actions():
    import yaml

    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    test, deploy = flow["jobs"]["test"], flow["jobs"]["deploy"]
    assert test["runs-on"].startswith("ubuntu") and "3.11" in test["container"]
    assert any(step.get("run") == "make test" for step in test["steps"])
    assert deploy["needs"] == "test"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    uses = [s["uses"] for job in (test, deploy) for s in job["steps"] if "uses" in s]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert any(u.startswith(action + "@") for u in uses), action
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    upload = next(s for s in test["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
