# safeplan — run `make help` for the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
BUILD_LOCK := requirements/build.txt
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
LOCK_OPTIONS := --generate-hashes --python-version 3.11 --quiet --custom-compile-command "make lock"
export SAFEPLAN_MODE ?= test

.DEFAULT_GOAL := help
.PHONY: help install lock audit demo serve test test-postgres check format bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## create .venv: the runtime and development locks (hash-checked), safeplan editable

# Every third-party file is checked against the lock's hashes, the build back end
# (setuptools, wheel) included: safeplan itself is built with those, not fetched ones.
$(VENV)/.installed: $(BUILD_LOCK) $(RUNTIME_LOCK) $(DEV_LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(BUILD_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

lock: ## pin pyproject.toml's dependencies with hashes: requirements/{runtime,dev,build}.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements/build.in $(LOCK_OPTIONS) -o $(RUNTIME_LOCK)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra dev $(LOCK_OPTIONS) \
		-c $(RUNTIME_LOCK) -o $(DEV_LOCK)
	$(BIN)/uv pip compile requirements/build.in $(LOCK_OPTIONS) -c $(RUNTIME_LOCK) -o $(BUILD_LOCK)

audit: install ## pip-audit the runtime lock (says so, and passes, when it cannot reach its database)
	$(BIN)/python scripts/audit_dependencies.py $(RUNTIME_LOCK)

demo: install ## build the synthetic county and serve it on http://127.0.0.1:8000
	SAFEPLAN_MODE=demo $(BIN)/safeplan demo

serve: install ## serve the existing database on http://127.0.0.1:8000
	SAFEPLAN_MODE=demo $(BIN)/safeplan serve

test: install ## run the test suite (SQLite unless DATABASE_URL is set)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install ## run the test suite against the PostgreSQL on 127.0.0.1:5432
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/pytest -n 2 $(PYTEST_ARGS)

check: install ## lint, format check, type check, generated docs, and audit the runtime lock
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m safeplan.docs --check
	$(BIN)/python scripts/audit_dependencies.py $(RUNTIME_LOCK)

docs: install ## regenerate the docs rendered from the code's own descriptions
	$(BIN)/python -m safeplan.docs

bench: install ## print benchmark figures (imports, measures, pages)
	$(BIN)/python -m benchmarks

clean: ## remove the virtual environment and local databases
	rm -rf $(VENV) var *.sqlite3

.PHONY: screenshots
screenshots: install ## photograph the plan on a page and a measure page into docs/screenshots/
	$(BIN)/python scripts/screenshots.py
