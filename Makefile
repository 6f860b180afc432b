# The verbs people type. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

# Development settings (DEBUG on, a development secret key) for the commands that run the app on this
# machine, and only those: the tests set their own (pyproject.toml), and production sets DJANGO_DEBUG off.
run migrate seed lint schema bench-data benchmark: export DJANGO_DEBUG ?= 1
# make run's local sign-in server also issues HelseID-style tokens for the record API (docs/api.md).
run seed: export SPINE_TOKEN_ISSUERS ?= [{"issuer": "http://127.0.0.1:9000", "audience": "nhn:maternity-record", "scope": "nhn:maternity-record/api"}]

.PHONY: run test test-faults test-cluster cluster cluster-stop lint format install install-dev migrate seed schema bench-data benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# What production installs (requirements.txt), and on top of it the test and lint tools.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Test-only tools from npm (axe-core for the browser tests' accessibility checks).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed node_modules/.installed
	tools/run-dev.sh

# The whole suite: on SQLite as it stands, on PostgreSQL with DATABASE_URL set (CI runs both).
test: install-dev node_modules/.installed
	$(BIN)/pytest

# Workers killed mid-write, PostgreSQL stopped under load, a webhook receiver down for 10 minutes
# (FAULT_RECEIVER_DOWN_SECONDS shortens it). PostgreSQL only: set DATABASE_URL.
test-faults: install-dev
	$(BIN)/pytest -m faults spine/tests/faults

# A Patroni cluster (etcd, a primary and two replicas, synchronous replication), HAProxy and PgBouncer in
# transaction mode, on free loopback ports in CLUSTER_DIR; prints the settings an app server sets
# (docs/deployment.md). Debian packages: patroni etcd-server haproxy pgbouncer.
CLUSTER_DIR ?= /tmp/maternity-cluster

cluster: install
	$(BIN)/python -m dbcluster start --dir $(CLUSTER_DIR)

cluster-stop: install
	$(BIN)/python -m dbcluster stop --dir $(CLUSTER_DIR)

# Read-your-writes with lagging replicas, the primary killed under load, and the API and page tests through
# PgBouncer: on one cluster started for the run and stopped at its end. PostgreSQL only: set DATABASE_URL.
test-cluster: install-dev node_modules/.installed
	$(BIN)/pytest -m cluster dbcluster

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install
	$(BIN)/python manage.py spectacular --file schema.yml

# Scale benchmarks (docs/performance.md): a PostgreSQL database of synthetic pregnancies, then the hot
# calls measured on it. `make bench-data PREGNANCIES=1000000` grows it.
BENCH_DB    ?= postgres://postgres@127.0.0.1:5432/maternity_bench
PREGNANCIES ?= 10000

bench-data: install
	psql "$(dir $(BENCH_DB))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DB))'" \
		| grep -q 1 || psql "$(dir $(BENCH_DB))postgres" -c 'CREATE DATABASE "$(notdir $(BENCH_DB))"'
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py generate_records --pregnancies $(PREGNANCIES)

benchmark: install
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py benchmark
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py benchmark_api

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
