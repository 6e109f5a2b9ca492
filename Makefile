# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test seed schema client lint format check-migrations bench ci clean

# The venv is rebuilt whenever a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## run: set up everything and serve the API and admin on http://127.0.0.1:8000/
# honcho runs the web server and the task queue's worker (Procfile), and
# stops both on Ctrl-C or when either exits.
run: seed
	$(MANAGE) ensure_local_editor --address $(HOST):$(PORT)
	HOST=$(HOST) $(BIN)/honcho --procfile Procfile start --port $(PORT)

## serve: the production profile: gunicorn, PostgreSQL, Redis, DEBUG off, whitenoise
# Defaults point at this machine's PostgreSQL and Redis; the environment
# overrides any of them (see README "Deployment").
serve: export DJANGO_DEBUG = 0
serve: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rehabinfo
serve: export REDIS_URL ?= redis://127.0.0.1:6379/0
serve: export DJANGO_SECRET_KEY_FILE ?= var/secret-key
serve: export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1
# No TLS proxy in front locally; production keeps the HTTPS redirect on.
serve: export DJANGO_SECURE_SSL_REDIRECT ?= 0
serve: export HOST := $(HOST)
serve: export PORT := $(PORT)
serve: $(BIN)/.installed
	@mkdir -p var
	@test -s "$$DJANGO_SECRET_KEY_FILE" || test -n "$$DJANGO_SECRET_KEY" || \
		$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' \
		> "$$DJANGO_SECRET_KEY_FILE"
	$(MANAGE) ensure_database
	$(MANAGE) migrate --no-input
	$(MANAGE) seed
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(BIN)/honcho --procfile Procfile.serve start --port $(PORT)

## test: set up and run the whole suite on the database DATABASE_URL names (SQLite by default)
test: $(BIN)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

## seed: migrate and load the seed content into the database DATABASE_URL names
seed: $(BIN)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) seed
	$(MANAGE) render_documents

## schema: regenerate the committed OpenAPI contract after a reviewed API change
schema: $(BIN)/.installed
	$(MANAGE) spectacular --urlconf api.v1.schema_urlconf --validate --fail-on-warn \
		--file api/v1/openapi.yaml

## client: the contract as a front-end team meets it: Spectral, generated
## TypeScript types, tsc --strict, and the typed program against a live server
CLIENT := clients/typescript
client: $(BIN)/.installed
	cd $(CLIENT) && npm ci --no-audit --no-fund
	cd $(CLIENT) && npm run --silent lint-schema
	cd $(CLIENT) && npm run --silent generate
	cd $(CLIENT) && npm run --silent build
	$(BIN)/python $(CLIENT)/run_against_server.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(BIN)/.installed
	$(MANAGE) makemigrations --check --dry-run

## bench: the production profile under load, one table of every endpoint (docs/benchmarks.md)
# Own database (rehabinfo_bench, recreated) and Redis database (14, flushed);
# wrk comes from Debian. CI runs a smoke: make bench BENCH_SECONDS=2 BENCH_TOPICS=200
BENCH_TOPICS ?= 10000
BENCH_SECONDS ?= 10
BENCH_CONNECTIONS ?= 16
bench: $(BIN)/.installed
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
	$(BIN)/python -m bench.run --topics $(BENCH_TOPICS) --seconds $(BENCH_SECONDS) \
		--connections $(BENCH_CONNECTIONS)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
