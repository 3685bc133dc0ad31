# crisis-sim: two commands set everything up on a fresh machine.
#   make demo   create .venv, install, run the baseline scenario, draw the plots
#   make test   create .venv if needed, install, lint, run the whole test suite
# Override the interpreter with: make PYTHON=/path/to/python3.12

SHELL := /bin/bash
# Python caches compiled modules, and pytest the test modules it rewrites, under
# __pycache__: an environment that forbids it (PYTHONDONTWRITEBYTECODE) costs every run
# of the loop three seconds a process, compiling all again.
unexport PYTHONDONTWRITEBYTECODE
VENV  := .venv
BIN   := $(VENV)/bin

# The first Python >= 3.12 found on PATH or under pyenv. A pyenv shim for a
# version that is not selected exits non-zero, so every candidate is run.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	  $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$c" 2>/dev/null || echo "$$c"; break; fi; done)

.PHONY: demo test quick fuzz lint format bench docs validation screenshots clean browser

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "crisis-sim needs Python 3.12 or newer and none was found."; \
	  echo "Install one (e.g. 'apt-get install python3.12 python3.12-venv', or 'pyenv install 3.12')"; \
	  echo "and run again, or point make at it: make PYTHON=/path/to/python3.12"; exit 2; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	@# uv (PyPI's, into the venv) resolves and installs the same versions as pip in a fifth
	@# of the time: 24 s against 1 min 45 s here. Where uv cannot be had, pip does it.
	if $(BIN)/python -m pip install --quiet uv; then \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'; \
	else \
	  $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --quiet -e '.[dev]'; fi
	@touch $@

demo: $(VENV)/.installed
	$(BIN)/crisis-sim run scenarios/baseline-may-2021.yaml --worlds 10000 --out results/demo-baseline --replace

# The whole suite: unit and contract tests, the command line end to end, every engine,
# the browser and classroom tests, and a fuzz of 1,000 mutated files. One pytest-xdist
# worker per core, each module whole in one worker; the modules that start browsers or
# servers are one unit, those that start worker processes or signal runs at set moments
# another, and each worker starts with one of the two (tests/conftest.py, HEAVY_GROUPS).
# Timings: docs/architecture.md, "The developers' loop".
test: $(VENV)/.installed lint browser
	$(BIN)/python -m pytest -n auto --dist loadfile

# The developers' loop, at most a minute on two cores: the unit and contract tests
# (everything not marked slow: no browser, no command line end to end, no worker
# processes, no comparisons of many ensembles) in one process per core (pytest-xdist,
# each module whole in one process, so that its fixtures are built once), and a small
# fuzz: 100 mutated files (3 run as ensembles, 3 through the command line) and 50
# examples of each Hypothesis fuzz test.
quick: $(VENV)/.installed
	CRISIS_SIM_FUZZ_CASES=100 CRISIS_SIM_FUZZ_RUNS=3 CRISIS_SIM_FUZZ_CLI=3 \
	CRISIS_SIM_FUZZ_EXAMPLES=50 \
	$(BIN)/python -m pytest -q -m "not slow" -p no:cacheprovider -n auto --dist loadfile

# A longer fuzzing session than make test's (1,000 files, a fixed seed): CASES mutated
# scenario files from a new seed each time (SEED=N repeats one), RUNS of them run as
# ensembles, CLI of them through the command line, and EXAMPLES of the Hypothesis test
# of the Python API. A failure names the case and seed.
fuzz: $(VENV)/.installed
	@seed=$${SEED:-$$(date +%s)}; echo "Fuzzing with seed $$seed"; \
	CRISIS_SIM_FUZZ_SEED=$$seed CRISIS_SIM_FUZZ_CASES=$${CASES:-100000} \
	CRISIS_SIM_FUZZ_RUNS=$${RUNS:-300} CRISIS_SIM_FUZZ_CLI=$${CLI:-500} \
	CRISIS_SIM_FUZZ_EXAMPLES=$${EXAMPLES:-3000} \
	$(BIN)/python -m pytest -q tests/test_fuzz.py -p no:cacheprovider

# Debian's Chromium, which the browser tests drive through Playwright (no browser download).
# Installed with apt-get as root, or through sudo; otherwise make says what to install.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "The browser tests need Chromium as 'chromium' on PATH, and this is not a Debian"; \
	    echo "system: install Chromium with your package manager and run again."; exit 2; fi; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else \
	    echo "The browser tests need Debian's Chromium, which is not installed, and installing it"; \
	    echo "needs root. Run 'apt-get install chromium' as root, then run make again."; exit 2; fi; \
	  echo "Installing Debian's chromium for the browser tests"; \
	  APT="$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get"; \
	  $$APT install -y -q chromium || { $$APT update -q && $$APT install -y -q chromium; } \
	    || { echo "Installing chromium failed: run 'apt-get install chromium' as root."; exit 2; }; \
	  command -v chromium >/dev/null 2>&1 \
	    || { echo "chromium was installed but is not on PATH; add /usr/bin to PATH."; exit 2; }; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check sim tests bench
	$(BIN)/ruff format --check sim tests bench

format: $(VENV)/.installed
	$(BIN)/ruff format sim tests bench
	$(BIN)/ruff check --fix sim tests bench

bench: $(VENV)/.installed
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/allocations.py
	$(BIN)/python bench/engines.py
	$(BIN)/python bench/batch_run.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/sets.py
	$(BIN)/python bench/ema.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/joint.py

docs: $(VENV)/.installed
	$(BIN)/python -m sim.docgen

# The calibration and directional checks behind docs/validation.md (about 6 minutes on
# two cores); their plots are copied into docs/img/ for the page.
validation: $(VENV)/.installed
	$(BIN)/crisis-sim calibrate scenarios/baseline-may-2021.yaml --sets 2000 --worlds 1000 \
	  --engine processes --workers 2 --out results/calibration-baseline --replace
	$(BIN)/crisis-sim check-directions results/calibration-baseline --sets 30 --worlds 1000 \
	  --out results/directions --replace
	for plot in region rejections pair conclusions; do \
	  cp results/calibration-baseline/plots/$$plot.png docs/img/calibration-$$plot.png; done
	cp results/directions/directions.png docs/img/directions.png

# The workshop guide's pictures (docs/workshop.md): the classroom browser tests, which
# photograph every page at 1280x720 (and the team pages on phones, at 390x844), write
# them into docs/img/workshop/ (about 8 minutes).
screenshots: $(VENV)/.installed browser
	CRISIS_SIM_SCREENSHOTS=$(CURDIR)/docs/img/workshop $(BIN)/python -m pytest -q \
	  -p no:cacheprovider tests/test_classroom.py tests/test_game_pages.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
