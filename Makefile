# Two commands for a newcomer: `make run` and `make test`. Everything else is a habit.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Everything `make install` puts in .venv: the runtime, then every extra (local, postgres,
# test, dev); requirements/production.txt is the runtime and postgres only (see the README).
LOCK := requirements/development.txt
PRODUCTION_LOCK := requirements/production.txt

.PHONY: install install-production lock run serve test test-fast lint format bench migrate clean

install: $(STAMP)

# Rebuilt whenever the lock changes. Every file is checked against the lock's hashes, and only
# wheels are taken, so no build step fetches a package the lock has not checked; pip stays the
# one the venv came with (upgrading it would fetch an unchecked file; tested: 23.2, 26.3). The
# project itself is not installed: it declares no packages and runs from this folder.
$(STAMP): $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r $(LOCK)
	touch $(STAMP)

# A server's install: the runtime and PostgreSQL's driver only (requirements/production.txt),
# hash-checked, wheels only; then `$(BIN)/python -m webui.serve` (what `make serve` runs after
# `make install`, which brings every extra). VENV=DIR installs elsewhere.
install-production:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r $(PRODUCTION_LOCK)

# Writes both lock files from pyproject.toml: every version pinned, with the hash of every file
# PyPI has for it, resolved for Python 3.11 on any platform (markers kept; installed and tested
# here on linux x86_64 only). The production lock takes the development lock's versions, so
# production runs what the tests ran. Versions already locked stay unless a requirement moves:
# UPGRADE=--upgrade moves them all, UPGRADE="--upgrade-package NAME" one.
# uv rather than pip-tools: one static binary that resolves in seconds and follows no pip
# release (pip-tools reaches into pip's internals and breaks when pip changes them).
LOCK_WITH := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet
lock: install
	$(LOCK_WITH) --all-extras $(UPGRADE) -o $(LOCK)
	$(LOCK_WITH) --extra postgres -c $(LOCK) -o $(PRODUCTION_LOCK)

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: install migrate
	$(BIN)/python -m webui.run_console

# The production profile: gunicorn, prefork workers (live and bulk queues), one beat, against
# the DATABASE_URL, REDIS_URL and CIVIS_API_ENDPOINT of the environment (see the README).
serve: install
	$(BIN)/python -m webui.serve

test: install
	$(BIN)/python -m webui.embedded_redis exec -- $(BIN)/pytest $(PYTEST_ARGS)

# The inner loop (about a minute): no browser, no Celery worker, no server started for the
# tests (conftest marks the tests whose fixtures bring one), no virtualenv made from a lock;
# `make test` runs everything.
test-fast: install
	$(BIN)/python -m webui.embedded_redis exec -- $(BIN)/pytest -m "not browser and not celery and not upstream and not install" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# Strict on the service module only (what it imports is checked by the next line).
	$(BIN)/mypy --strict --follow-imports=silent workflows_app/civis
	$(BIN)/mypy workflows_app webui

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m webui.embedded_redis exec -- $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/*.sqlite3 var/staticfiles
