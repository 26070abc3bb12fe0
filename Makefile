# Two entry points: `make site` builds the public site, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
BROWSER_TOOLS := tools/browser

.PHONY: site test lint serve clean system-deps

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
	$(BIN)/ruff check generator tests bench tools/sample
	$(BIN)/mypy

# Chromium, nginx, a Chinese font, shellcheck and npm: installed when missing (as root), otherwise
# the one apt-get line to run is printed and make stops.
system-deps:
	tools/system-deps

# axe-core and vnu-jar for the browser tests, from the npm registry as pinned by package-lock.json.
$(BROWSER_TOOLS)/node_modules/.installed: $(BROWSER_TOOLS)/package.json $(BROWSER_TOOLS)/package-lock.json | system-deps
	cd $(BROWSER_TOOLS) && npm ci --no-audit --no-fund
	touch $@

# The browser suite runs on its own: one site build, one Chromium, and its report printed at the end.
# The nginx publish-under-load test also runs on its own, so that it has the cores to itself and
# prints its request count and failures.
test: system-deps lint $(BROWSER_TOOLS)/node_modules/.installed
	$(BIN)/python -m pytest -n 2 --ignore=tests/e2e/browser --ignore=tests/e2e/test_publish_nginx.py
	$(BIN)/python -m pytest tests/e2e/test_publish_nginx.py
	$(BIN)/python -m pytest tests/e2e/browser

clean:
	rm -rf site .build docs/generated
