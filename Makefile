# Todo Assistant: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export FLASK_APP := app:create_app
PG_URL = $(shell scripts/pg-test.sh url)

.PHONY: run dev install migrate frontend test test-sqlite test-postgres lint bench loadtest clean pg-start pg-stop

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

test-sqlite: install
	$(BIN)/python -m pytest -q

pg-start:
	@scripts/pg-test.sh start >/dev/null

pg-stop:
	@scripts/pg-test.sh stop

test-postgres: install pg-start
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_URL)} $(BIN)/python -m pytest -q -m "not sqlite_only"

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) .pgtest instance *.egg-info
