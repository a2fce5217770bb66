# The two set-up commands: `make report` and `make test`.
# Each bootstraps .venv with python3's venv module when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: report test test-slow clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

# `run` also rebuilds the HTML report (figures/index.html); two analyses at a time
report: $(VENV)/.installed
	$(BIN)/conflictstats run --jobs 2

# pytest on two workers; the coverage simulations and long cross-checks (marked slow) run in
# `make test-slow`, which CI runs after `make test`
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2 -m "not slow"
	$(BIN)/conflictstats check

test-slow: $(VENV)/.installed-dev
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2 -m slow

clean:
	rm -rf $(VENV)
