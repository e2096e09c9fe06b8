# Fogwatch — make run (the app with the Panjshir example) and make test (the whole suite).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-test install-bench run migrate example test test-fast lint format typecheck check-migrations check-compose browser-deps bench bench-deps bench-import clean

help:
	@echo "make run        set up a venv, migrate SQLite, load the Panjshir example, serve on $(HOST):$(PORT)"
	@echo "make test       the whole test suite (PostgreSQL when reachable, Redis, Chromium)"
	@echo "make lint       ruff lint and format check, and the import contracts (lint-imports); make format to fix"
	@echo "make typecheck  mypy on flags, services and selectors"
	@echo "make check-compose  validate docker-compose.yml against the compose specification"
	@echo "make bench      issue 7's benchmark at each size of N (N=$(N), comma-separated), DURATION=$(DURATION) per endpoint, into docs/benchmarks.md"

# What runs (make run) installs only the app's own dependencies; the suite and the benchmark add
# their extras (pyproject.toml: dev, bench). Each set is installed again when pyproject.toml changes.
$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY) node_modules/.installed
	$(PY) -m pip install --quiet -e .
	touch $@

# The map's front-end packages and the offline basemap's data come from npm (package.json, pinned by
# package-lock.json); `npm ci` installs them again when either changes, then the basemap is built
# into build/basemap/ (tools/basemap.mjs). Served as static files (config/settings.py).
node_modules/.installed: package.json package-lock.json tools/basemap.mjs
	@command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are required for the map (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent basemap
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput

example: migrate
	$(PY) manage.py load_example panjshir-2021

run: example
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; }

# The suite runs on every CPU (pytest-xdist); TEST_WORKERS=0 runs it in one process. Tests marked with
# one xdist_group (the UCDP sample's module, the streaming replica's) run in the same worker.
TEST_WORKERS ?= auto

test: install-test browser-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

test-fast: install-test
	$(PY) -m pytest -m "not browser" -x -q

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install-test
	$(VENV)/bin/mypy claims/flags.py claims/auto_relations.py claims/as_of.py claims/documents.py */services.py claims/services/*.py */selectors.py

check-migrations: install-test
	$(PY) manage.py makemigrations --check --dry-run

check-compose: install-test
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# make bench: PostgreSQL database fogwatch_bench (BENCH_DATABASE_URL), N generated claims, gunicorn with 2 workers,
# wrk at 8 connections for DURATION per URL, the floor and Datasette; results in docs/benchmarks.md (bench/run.py).
N ?= 200000,1000000
DURATION ?= 10s
EVENTS ?= 300000
BENCH_ARGS ?=

bench-deps:
	@command -v wrk >/dev/null 2>&1 || { echo "Installing Debian's wrk for make bench"; \
		(apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

bench: install-bench bench-deps
	$(PY) -m bench.run --claims $(N) --duration $(DURATION) --command "make bench N=$(N) DURATION=$(DURATION)$(if $(BENCH_ARGS), BENCH_ARGS='$(BENCH_ARGS)')" $(BENCH_ARGS)
	$(PY) -m bench.ucdp_import --events $(EVENTS)

# make bench-import: only the UCDP import benchmark (EVENTS generated events, bulk import against plain COPY).
bench-import: install-bench
	$(PY) -m bench.ucdp_import --events $(EVENTS)

clean:
	rm -rf $(VENV) fogwatch.sqlite3 staticfiles test-artifacts node_modules build/basemap
