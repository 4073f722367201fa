# One-command entry points of the compendium. Everything the project needs is installed
# from this file: a virtual environment built from the pinned lock, plus the project's kernel.
# Bytecode is compiled at install time: PYTHONDONTWRITEBYTECODE may be set, and every stage kernel
# would otherwise recompile pandas, scipy and great-expectations on import (22 s -> 5 s measured).
SHELL       := /bin/bash
PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
UV_VERSION  := 0.13.8
LOCK        := requirements.lock
LAB_LOCK    := requirements-lab.lock
KERNEL      := p3md
STAMP       := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml Makefile | sha256sum | cut -c1-12)
DATA        ?= data/raw
OUT         ?= reports
ARGS        ?=
TEMPLATE    ?= isian-p3md.xlsx
N           ?=
# Test workers (pytest-xdist): one per core of the 2-core machine the times are measured on.
# Groups keep a module's tests on one worker and the one shared pipeline run on one worker;
# --no-loadscope-reorder keeps the order tests/conftest.py gives the groups (the shared run's
# first, then those that run a pipeline or a browser, the short ones last to fill the gaps)
# instead of xdist's "most tests first", which left the few long groups to the end.
JOBS        ?= 2
PYTEST_JOBS := $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadgroup --no-loadscope-reorder)

.PHONY: help setup git-filter report status test test-fast bench lab data data-districts template lock browser-deps clean
.DEFAULT_GOAL := help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): $(LOCK) pyproject.toml Makefile
	@echo "==> Setting up $(VENV) from $(LOCK) (exact pins)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python $(LOCK)
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	@$(BIN)/python -m ipykernel install --prefix $(VENV) --name $(KERNEL) --display-name "Python (p3md)" >/dev/null
	@$(MAKE) --no-print-directory git-filter
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)  ## Build the virtual environment, register the Jupyter kernel, install the git filter

# Notebooks saved from JupyterLab keep their outputs on disk; the nbstripout filter (named in
# .gitattributes) strips outputs and execution counts from what git stores, so a commit never
# carries them. The command is relative: git runs filters from the work tree's top, so each
# clone or worktree uses its own .venv (without one, git warns and stores the file as it is).
git-filter:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean "$(BIN)/python -m nbstripout --keep-id" && \
	  git config filter.nbstripout.smudge cat; fi

report: $(STAMP)  ## Rerun the whole study and render the site (DATA=dir for other data, ARGS=--force)
	@$(BIN)/python -m p3md report --data $(DATA) --out $(OUT) $(ARGS)

status: $(STAMP)  ## List the stages that are out of date, and why (nothing runs)
	@$(BIN)/python -m p3md status --data $(DATA) --out $(OUT) $(ARGS)

test: $(STAMP) browser-deps  ## Run the test suite (JOBS=1: in one process)
	@$(BIN)/python -m pytest $(PYTEST_JOBS) $(ARGS)

test-fast: $(STAMP)  ## Run the tests that need no whole pipeline run and no browser
	@$(BIN)/python -m pytest $(PYTEST_JOBS) -m "not e2e and not browser" $(ARGS)

bench: $(STAMP)  ## Measure cold, no-op, edit, naive, scaled runs and set-up; reports/bench.json + its page
	@$(BIN)/python -m p3md.bench --setup $(ARGS)

lab: $(STAMP)  ## Open JupyterLab with the project's kernel
	@$(BIN)/uv pip install --quiet --python $(BIN)/python -r $(LAB_LOCK)
	@$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(ARGS)

data: $(STAMP)  ## Regenerate the reconstructed raw data (seeded) into data/raw
	@$(BIN)/python -m p3md generate --out data/raw

template: $(STAMP)  ## Write the Excel data-entry template from the codebook (TEMPLATE=file.xlsx)
	@$(BIN)/python -m p3md template --out $(TEMPLATE) --data $(DATA)

data-districts: $(STAMP)  ## Write the seeded multi-district reconstruction into data/districts (Lampung; N=434 for more)
	@$(BIN)/python -m p3md generate --out data/districts --districts $(N)

lock:  ## Re-resolve the lock files from pyproject.toml (needs network)
	@$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 -o $(LOCK) -q
	@$(BIN)/uv pip compile pyproject.toml --extra test --extra lab --python-version 3.11 -o $(LAB_LOCK) -q

# Headless Chromium for the real-browser check of the site (Debian packages; root on CI).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "==> Installing Debian chromium for the browser check"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null || \
	  echo "!! chromium could not be installed; browser tests will be skipped"; }

clean:  ## Remove generated outputs (never data/raw)
	rm -rf $(OUT) data/derived scratch .pytest_cache
