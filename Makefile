# Two commands do everything on a fresh machine with Python 3.11:
#   make book   build the book into _build/html (creates or reuses .venv)
#   make test   run the whole test suite, including a clean book build
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED_DATA := $(abspath ../shared/data)

# The real samples shipped beside this checkout, unless the caller points elsewhere.
ifeq ($(ANNOTATOR_DATA_DIR),)
ifneq ($(wildcard $(SHARED_DATA)),)
export ANNOTATOR_DATA_DIR := $(SHARED_DATA)
endif
endif
export PYTHONHASHSEED := 0

.PHONY: book test setup clean
setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# A notebook cache keyed on the notebook text alone would keep stale results after a change
# to the library or the book settings: start from clean when any of them is newer than the build.
book: $(STAMP)
	@if [ -f _build/html/index.html ] && [ -n "$$(find lib _ext _config.yml _toc.yml references.bib -newer _build/html/index.html -print -quit)" ]; then \
		echo "library or settings changed since the last build: building from clean"; rm -rf _build; fi
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	@echo "book: $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf _build .pytest_cache
