# crisis-sim: two commands set everything up on a fresh machine.
#   make demo   create .venv, install, run the baseline scenario, draw the plots
#   make test   create .venv if needed, install, lint, run the whole test suite
# Override the interpreter with: make PYTHON=/path/to/python3.12

SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin

# The first Python >= 3.12 found on PATH or under pyenv. A pyenv shim for a
# version that is not selected exits non-zero, so every candidate is run.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	  $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$c" 2>/dev/null || echo "$$c"; break; fi; done)

.PHONY: demo test lint format bench docs clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "crisis-sim needs Python 3.12 or newer and none was found."; \
	  echo "Install one (e.g. 'apt-get install python3.12 python3.12-venv', or 'pyenv install 3.12')"; \
	  echo "and run again, or point make at it: make PYTHON=/path/to/python3.12"; exit 2; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(VENV)/.installed
	$(BIN)/crisis-sim run scenarios/baseline-may-2021.yaml --worlds 10000 --out results/demo-baseline --replace

test: $(VENV)/.installed lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check sim tests bench
	$(BIN)/ruff format --check sim tests bench

format: $(VENV)/.installed
	$(BIN)/ruff format sim tests bench
	$(BIN)/ruff check --fix sim tests bench

bench: $(VENV)/.installed
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/engines.py
	$(BIN)/python bench/batch_run.py
	$(BIN)/python bench/memory.py

docs: $(VENV)/.installed
	$(BIN)/python -m sim.docgen

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
