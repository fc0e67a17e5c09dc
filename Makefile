# Two commands do everything on a fresh machine with Python 3.11:
#   make book   build the book into _build/html (creates or reuses .venv)
#   make test   run the whole test suite, including a clean book build
#   make quick  the fast tests only (no book build, no notebooks)
#   make pdf    the whole book as one PDF, _build/pdf/book.pdf (needs Chromium)
# The real data ships with the library; ANNOTATOR_DATA_DIR (if you set it) is looked at first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements/lock.txt
export PYTHONHASHSEED := 0

.PHONY: book test quick lint setup lock downloads clean compare pdf
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

# The whole book as one PDF: the single-page HTML build, from the same executed chapters (the
# notebook cache of `make book`), printed by headless Chromium once MathJax has typeset it
# (_ext/book/pdf.py). Needs Chromium (Debian package chromium).
pdf: $(STAMP)
	$(BIN)/jupyter-book build . --builder singlehtml -W -n --keep-going
	PYTHONPATH=_ext $(BIN)/python -c 'import sys; from book.pdf import main; sys.exit(main(sys.argv[1:]))' _build/singlehtml _build/pdf/book.pdf
	@if [ -d _build/html/downloads ]; then cp _build/pdf/book.pdf _build/html/downloads/book.pdf; fi

# What the book offers for download beside its pages, without building it: every chapter as a
# notebook in plain Markdown (CommonMark; the reader's edition, and in student/ the student's,
# without solutions), the library's wheel and constraints.txt, written by the book's own function
# (_ext/book/downloads.py, write_notebooks) into _build/downloads/notebooks (CI's reader's path).
# Without a build, figure numbers are the sources' (a figure a build does not draw is counted).
downloads: $(STAMP)
	PYTHONPATH=_ext:tests $(BIN)/python -c 'from pathlib import Path; from book.downloads import write_notebooks; \
		from book_sources import source, toc_files; \
		write_notebooks([source(d) for d in toc_files()], Path("_build/downloads/notebooks"))'

# two workers: the book's notebooks and build in one, the other tests beside them (tests/conftest.py)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# the fast tests: everything but the book's execution and build (tests marked slow), two workers
quick: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

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

# Refresh the lock file with uv: one universal resolution for Python 3.11-3.13 on Linux, macOS
# and Windows (platform-specific pins carry markers), extras book and test, build tools. Pins
# already in the file are kept unless UPGRADE=1. Then the readers' constraints (the library's
# own dependencies at the same pins, shipped beside the downloaded notebooks) and environment.yml.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra book --extra test \
		--universal --python-version 3.11 $(if $(UPGRADE),--upgrade) \
		--custom-compile-command "make lock" -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 -c $(LOCK) \
		--custom-compile-command "make lock" -o requirements/runtime.txt
	$(BIN)/python requirements/sync_environment.py

clean:
	rm -rf _build .pytest_cache
