# safeplan — run `make help` for the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
export SAFEPLAN_MODE ?= test

.DEFAULT_GOAL := help
.PHONY: help install demo serve test test-postgres check format bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## create .venv and install safeplan with its pinned dependencies

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

demo: install ## build the synthetic county and serve it on http://127.0.0.1:8000
	SAFEPLAN_MODE=demo $(BIN)/safeplan demo

serve: install ## serve the existing database on http://127.0.0.1:8000
	SAFEPLAN_MODE=demo $(BIN)/safeplan serve

test: install ## run the test suite (SQLite unless DATABASE_URL is set)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install ## run the test suite against the PostgreSQL on 127.0.0.1:5432
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/pytest -n 2 $(PYTEST_ARGS)

check: install ## lint, format check and type check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m safeplan.docs --check

docs: install ## regenerate the docs rendered from the code's own descriptions
	$(BIN)/python -m safeplan.docs

bench: install ## print benchmark figures (imports, measures, pages)
	$(BIN)/python -m benchmarks

clean: ## remove the virtual environment and local databases
	rm -rf $(VENV) var *.sqlite3

.PHONY: screenshots
screenshots: install ## photograph the plan on a page and a measure page into docs/screenshots/
	$(BIN)/python scripts/screenshots.py
