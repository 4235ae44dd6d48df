# The two commands in the README: `make quickstart` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: quickstart test setup system-deps js js-test lint bench

# Jupyter refuses to run as root unless told; containers and CI boxes often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

quickstart: setup ## set up and open the quickstart notebook in JupyterLab
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/01_quickstart.ipynb

test: ## set up and run the whole test suite (browser and PostgreSQL tests included)
	$(MAKE) -j2 setup system-deps  # independent: the Python install beside apt, npm and PostgreSQL
	$(BIN)/python -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "labelwidgets needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

system-deps: ## Chromium for browser tests, PostgreSQL running, esbuild + typescript for the front end
	bash scripts/system-deps.sh

js: ## rebuild labelwidgets/static from js/ (needs Node)
	npm ci --no-audit --no-fund && npm run build

js-test: ## front end only: node --test js/test/ and the type check (`make test` runs both too)
	npm test && npm run typecheck

lint:
	$(BIN)/ruff check labelwidgets tests && $(BIN)/ruff format --check labelwidgets tests

bench: setup
	for b in tests/benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
