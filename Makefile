# Two commands set everything up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint typecheck clean

# Development mode for every command run in this clone, `make` or `.venv/bin/python manage.py ...` alike:
# the settings read .env (variables set in the environment win). The embedded default: SQLite under var/,
# Celery tasks run eagerly, no other service. Production has no .env and sets its own variables.
.env:
	printf '%s\n' '# Written by make: development settings for this clone (see README.md, Configuration).' \
		'DJANGO_DEBUG=true' > $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python .env
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python .env
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-test
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy taskforce jobs households interventions outcomes casework privacy imports api demo
	$(BIN)/python -m pytest -n auto

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/lint-imports
	$(BIN)/mypy taskforce jobs households interventions outcomes casework privacy imports api demo

clean:
	rm -rf $(VENV) .env var/taskforce.sqlite3* .pytest_cache .mypy_cache .ruff_cache
