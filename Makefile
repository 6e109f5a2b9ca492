# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test seed schema lint format check-migrations ci clean

# The venv is rebuilt whenever a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## run: set up everything and serve the API and admin on http://127.0.0.1:8000/
run: seed
	$(MANAGE) ensure_local_editor --address $(HOST):$(PORT)
	$(MANAGE) runserver $(HOST):$(PORT)

## test: set up and run the whole suite on the database DATABASE_URL names (SQLite by default)
test: $(BIN)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

## seed: migrate and load the seed content into the database DATABASE_URL names
seed: $(BIN)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) seed

## schema: regenerate the committed OpenAPI contract after a reviewed API change
schema: $(BIN)/.installed
	$(MANAGE) spectacular --urlconf api.v1.schema_urlconf --validate --fail-on-warn \
		--file api/v1/openapi.yaml

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(BIN)/.installed
	$(MANAGE) makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
