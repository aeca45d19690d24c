# theorybook: make book · make test · make notebooks · make bench
# Each target first creates or refreshes .venv from requirements.txt (and the package in lib/).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
VENDOR := _extra/vendor/.versions
# Notebooks to execute with `make notebooks` (default: every notebook of the book).
NB ?=
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k explore"`.
PYTEST_ARGS ?=

export JAX_PLATFORMS := cpu
export TQDM_DISABLE := 1
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv book notebooks test test-unit test-notebooks test-book test-browser bench clean

venv: $(STAMP)

$(STAMP): requirements.txt lib/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	@touch $(STAMP)

$(VENDOR): tools/vendor_js.py
	$(PYTHON) tools/vendor_js.py

book: $(STAMP) $(VENDOR)
	@echo "=== book: student editions and course lists (tools/student_editions.py)"
	$(PY) tools/student_editions.py
	@echo "=== book: jupyter-book build (stored outputs, -W -n --keep-going)"
	$(VENV)/bin/jupyter-book build . --all --warningiserror --nitpick --keep-going
	@echo "Book: $(CURDIR)/_build/html/index.html"

notebooks: $(STAMP)
	$(PY) tools/run_notebooks.py $(NB)
	$(PY) tools/student_editions.py

test: test-unit test-notebooks test-book test-browser
	@echo "=== make test: all four stages passed"

test-unit: $(STAMP)
	@echo "=== unit and property tests of lib (pytest, hypothesis)"
	$(PY) -m pytest tests/unit -n 2 $(PYTEST_ARGS)

# The portability check (CONTRIBUTING.md, "Checked cells"): nbval runs the notebooks with XLA
# limited to AVX and numpy's AVX2/AVX-512 kernels off, while `make notebooks` stored outputs made
# with the full instruction set, so a checked cell that depends on the last bits fails here.
PORTABLE_ISA := XLA_FLAGS=--xla_cpu_max_isa=AVX NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR"

test-notebooks: $(STAMP)
	@echo "=== nbval: every notebook in book/ (--nbval-lax, checked cells compared, reduced ISA)"
	$(PORTABLE_ISA) $(PY) -m pytest book --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-n 2 --dist loadscope -p no:cacheprovider $(PYTEST_ARGS)

test-book: book

test-browser: $(STAMP) $(VENDOR)
	@echo "=== browser test: headless Chromium over _build/html"
	bash tools/install_chromium.sh
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) benchmarks/run.py

# Build outputs only: .cache/ holds the committed vendored archives (tools/vendor_js.py).
clean:
	rm -rf _build _extra
