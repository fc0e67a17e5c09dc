# Two commands do everything on a fresh machine with Python 3.11:
#   make book   build the book into _build/html (creates or reuses .venv)
#   make test   run the whole test suite, including a clean book build
# The real data ships with the library; ANNOTATOR_DATA_DIR (if you set it) is looked at first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements/lock.txt
export PYTHONHASHSEED := 0

.PHONY: book test lint setup lock clean compare
setup: $(STAMP)

# Exact versions from the lock file, then the library itself (editable, no dependency changes).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# A notebook cache keyed on the notebook text alone would keep stale results after a change
# to the library or the book settings: start from clean when any of them is newer than the build.
book: $(STAMP)
	@if [ -f _build/html/index.html ] && [ -n "$$(find lib _ext _config.yml _toc.yml references.bib $(LOCK) -newer _build/html/index.html -print -quit)" ]; then \
		echo "library or settings changed since the last build: building from clean"; rm -rf _build; fi
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	@echo "book: $(CURDIR)/_build/html/index.html"

# two workers: the book's notebooks and build in one, the other tests beside them (tests/conftest.py)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# This build's figure data (_build/figures, or $ANNOTATOR_FIGURE_DIR) against another build's,
# e.g. the published book's downloads/figures: per figure the largest difference of every column
# against the tolerance of its conditioning; exit 1 when any is beyond it or a file is missing.
compare: $(STAMP)
	$(if $(OTHER),,$(error make compare needs OTHER=<folder of figure data>, e.g. the book's downloads/figures))
	$(BIN)/python -m annotator_incentives.figure_data compare $(OTHER)

# ruff and mypy alone (make test runs them too, in tests/test_style.py)
lint: $(STAMP)
	$(BIN)/python -m ruff check lib tests _ext benchmarks
	$(BIN)/python -m mypy lib/annotator_incentives

# Refresh the lock file (Python 3.11 on Linux, extras book and test, build tools) with uv,
# and the pins of environment.yml from it.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra book --extra test \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu --upgrade \
		--custom-compile-command "make lock" -o $(LOCK)
	$(BIN)/python requirements/sync_environment.py

clean:
	rm -rf _build .pytest_cache
