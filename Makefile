# Two entry points: `make site` builds the public site, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test lint serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

site: $(VENV)/.installed
	$(BIN)/azx build

serve: $(VENV)/.installed
	$(BIN)/azx serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check generator tests scripts

test: lint
	$(BIN)/python -m pytest -n 2

clean:
	rm -rf site .build docs/generated
