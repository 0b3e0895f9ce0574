# Todo Assistant: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Extra pytest arguments for test-sqlite/test-postgres, e.g. PYTEST_ARGS=tests/test_tasks.py
PYTEST_ARGS ?=
# pytest-xdist processes per pass (each module's tests stay in one process, its servers started once);
# many tests wait on servers, so more processes than cores still shortens a pass. 0 runs in this process.
PYTEST_WORKERS ?= 3
PYTEST := $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadscope --hypothesis-profile=ci
export FLASK_APP := app:create_app

.PHONY: run dev install lock upgrade lock-check migrate frontend test test-sqlite test-postgres test-frontend fuzz lint bench loadtest clean \
	pg-start pg-stop tools

LOCK := requirements.lock
# One lock of every Python package (runtime, dev extra, build backend, pip itself), each with its hashes.
PIP_COMPILE = $(BIN)/pip-compile --quiet --all-extras --all-build-deps --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --output-file=$(LOCK) pyproject.toml

$(BIN)/activate:
	$(PY) -m venv $(VENV)

# Exactly the locked versions (hash-checked), nothing else (pip-sync removes strays), then the project itself.
$(VENV)/.stamp-install: $(LOCK) setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip-sync -q --pip-args '--require-hashes' $(LOCK)
	# pip-compile leaves an egg-info in the repository root; with the root on sys.path (pytest), a stale one
	# hides the installed metadata, e.g. the `flask.commands` entry point that registers `flask todo`.
	rm -rf *.egg-info
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python scripts/check_lock.py freeze
	touch $@

install: $(VENV)/.stamp-install

# Re-resolve the lock from setup.cfg/pyproject.toml (after adding or changing a dependency), keeping the
# pins that still fit; `make upgrade` moves every pin to the newest allowed release and runs the tests.
lock: | $(BIN)/activate
	@[ -x $(BIN)/pip-compile ] || $(BIN)/python -m pip install -q pip-tools
	$(PIP_COMPILE)
	$(MAKE) install

upgrade: | $(BIN)/activate
	@[ -x $(BIN)/pip-compile ] || $(BIN)/python -m pip install -q pip-tools
	$(PIP_COMPILE) --upgrade
	$(MAKE) install test

# A lock that misses a dependency named in setup.cfg/pyproject.toml (or pins a version outside its bound) fails.
lock-check: install
	$(BIN)/python scripts/check_lock.py stale

migrate: install
	TODO_MODE=$${TODO_MODE:-developer} $(BIN)/flask todo db upgrade

frontend:
	@if [ -f frontend/package.json ]; then $(MAKE) -C frontend build; fi

run: install migrate frontend
	TODO_MODE=$${TODO_MODE:-developer} PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

lint: install
	$(BIN)/ruff check app cli tests loadtests scripts wsgi.py gunicorn.conf.py
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

tools:
	@scripts/ensure-tools.sh

test-sqlite: install tools
	$(PYTEST) -m "not postgres_only" $(PYTEST_ARGS)

pg-start:
	@scripts/pg-test.sh start >/dev/null

pg-stop:
	@scripts/pg-test.sh stop

# The test PostgreSQL takes a free port (PGTEST_PORT or its last one first); TEST_DATABASE_URL overrides it.
test-postgres: install tools
	url=$${TEST_DATABASE_URL:-$$(scripts/pg-test.sh start)} && \
	TEST_DATABASE_URL=$$url $(PYTEST) -m "not sqlite_only and not database_independent" $(PYTEST_ARGS)

# The property and fuzz tests with fresh random examples (make test draws the same ones every run).
fuzz: install tools
	$(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_properties.py $(PYTEST_ARGS)

test-frontend: install
	$(MAKE) -C frontend test

test: lock-check lint test-sqlite test-postgres test-frontend

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
