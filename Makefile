# Every target creates or reuses the virtual environment by itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# Bytecode caches on (PYTHONDONTWRITEBYTECODE= empties a setting the environment may carry): the suite starts
# about thirty Python processes (xdist workers, the CLI and drill tests), and without __pycache__ each one
# recompiles, and pytest re-rewrites, the ~300 modules of formulary, impl and reference: 2-3 s a process.
# pytest-xdist: one worker per core (results, --formulary-report and junit are gathered in the controller)
JOBS ?= auto

.PHONY: install test lint report bench drill clean mutation peers dashboard screenshot

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,figures,lint]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade) over the tree; mypy over the engine's kernel
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

report: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/formulary report -- -n $(JOBS)

# Each benchmark: the median of at least 5 rounds, timed for 0.25 s (pytest-benchmark's 1 s default makes the
# ~880 benchmarks take over 15 minutes on two cores); BENCH_ARGS= restores the default.
BENCH_ARGS ?= --benchmark-max-time=0.25 --benchmark-min-rounds=5

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	@mkdir -p reports
	$(BIN)/python -m pytest benchmarks -p no:cacheprovider --benchmark-enable --benchmark-only \
		--benchmark-json reports/benchmarks.json -q $(BENCH_ARGS)
	$(BIN)/python -m formulary.report.speed reports/benchmarks.json reports/SPEED.md
	$(BIN)/python benchmarks/batch_size.py reports/batch_size.json

mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[mutation]'
	$(BIN)/python scripts/mutation.py

# The peers (JAX, TensorFlow, numpy-ml, ONNX) get a venv of their own, so that .venv, which make test and CI
# use, never has TensorFlow: its presence switches the independent judges on (formulary/judges.py).
PEERS_VENV  := .venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed-stamp

$(PEERS_STAMP): pyproject.toml
	@test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,peers]'
	@touch $(PEERS_STAMP)

peers: $(PEERS_STAMP)
	$(PEERS_VENV)/bin/python -m formulary.peers reports/peers.json

dashboard: $(STAMP)
	$(BIN)/python -m formulary.report.html reports

screenshot: dashboard
	scripts/screenshot.sh

drill: $(STAMP)
	$(BIN)/formulary drill

clean:
	rm -rf $(VENV) .venv-peers build .hypothesis .benchmarks *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
