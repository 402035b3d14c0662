# Partner2Connect Platform. `make run` starts everything; `make test` runs the whole suite.
# Needs only Python >= 3.11 and make: uv is installed into .tools/ when it is not on PATH.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/uv/bin/uv)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint format bench migrations-check sync catalogues clean help

help:
	@echo "make run    - the whole platform on SQLite with demo data, at http://$(HOST):$(PORT)/"
	@echo "make test   - the whole test suite (PostgreSQL when DATABASE_URL=postgres://... is set)"
	@echo "make lint   - ruff check, ruff format --check, mypy"
	@echo "make bench  - large synthetic data and the timings docs/performance.md records"

$(CURDIR)/.tools/uv/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools/uv
	$(CURDIR)/.tools/uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	@touch $@

sync: $(VENV)/.synced

# Translations: the .po files are the source; their .mo files are built (docs/i18n.md).
PO_FILES := $(wildcard src/p2c/locale/*/LC_MESSAGES/*.po)
$(VENV)/.catalogues: $(PO_FILES) | $(VENV)/.synced
	$(BIN)/p2c compile-catalogues -v 0
	@touch $@

catalogues: $(VENV)/.catalogues

run: $(VENV)/.synced $(VENV)/.catalogues
	$(BIN)/p2c run --host $(HOST) --port $(PORT)

test: $(VENV)/.synced $(VENV)/.catalogues
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.synced
	$(BIN)/p2c makemigrations --check --dry-run

bench: $(VENV)/.synced $(VENV)/.catalogues
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .tools var/static .pytest_cache .mypy_cache .ruff_cache
