# Todo Assistant: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export FLASK_APP := app:create_app
PG_URL = $(shell scripts/pg-test.sh url)

.PHONY: run dev install migrate frontend test test-sqlite test-postgres test-frontend lint bench loadtest clean \
	pg-start pg-stop tools

$(BIN)/activate:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.stamp-install: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.stamp-install

migrate: install
	TODO_MODE=$${TODO_MODE:-developer} $(BIN)/flask todo db upgrade

frontend:
	@if [ -f frontend/package.json ]; then $(MAKE) -C frontend build; fi

run: install migrate frontend
	TODO_MODE=$${TODO_MODE:-developer} PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

lint: install
	$(BIN)/ruff check app cli tests loadtests wsgi.py gunicorn.conf.py
	$(BIN)/mypy

tools:
	@scripts/ensure-tools.sh

test-sqlite: install tools
	$(BIN)/python -m pytest -q -m "not postgres_only"

pg-start:
	@scripts/pg-test.sh start >/dev/null

pg-stop:
	@scripts/pg-test.sh stop

test-postgres: install tools pg-start
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_URL)} $(BIN)/python -m pytest -q -m "not sqlite_only"

test-frontend: install
	$(MAKE) -C frontend test

test: lint test-sqlite test-postgres test-frontend

# Developer mode: Flask on 7860 (reloading) and `next dev` on 3000 with hot reload, CORS open to it.
dev: install migrate
	@trap 'kill 0' EXIT INT TERM; \
	TODO_MODE=developer PORT=7860 $(BIN)/gunicorn -c gunicorn.conf.py --reload & \
	$(MAKE) -C frontend dev NEXT_PUBLIC_API_URL=http://127.0.0.1:7860 & \
	wait

# Benchmarks: ratios against a trivial SSE stream measured in the same run (loadtests/reports/bench.md).
bench: install
	$(BIN)/python -m loadtests.bench
	$(BIN)/python -m loadtests.bench_events

# Locust scenarios, headless, against a server it starts; exits non-zero when a target is missed.
loadtest: install
	$(BIN)/python -m loadtests.run

clean:
	rm -rf $(VENV) .pgtest instance *.egg-info
	@if [ -f frontend/Makefile ]; then $(MAKE) -C frontend clean; fi
