# The two set-up commands: `make report` and `make test`.
# Each bootstraps .venv with python3's venv module when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: report test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

report: $(VENV)/.installed
	$(BIN)/conflictstats run
	$(BIN)/conflictstats report

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	MPLBACKEND=Agg $(BIN)/python -m pytest -q
	$(BIN)/conflictstats check

clean:
	rm -rf $(VENV)
