# Two commands for a newcomer: `make run` and `make test`. Everything else is a habit.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := postgres,test,dev

.PHONY: install run serve test test-fast lint format bench migrate clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[$(EXTRAS)]'
	touch $(STAMP)

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
# tests (conftest marks the tests whose fixtures bring one); `make test` runs everything.
test-fast: install
	$(BIN)/python -m webui.embedded_redis exec -- $(BIN)/pytest -m "not browser and not celery and not upstream" $(PYTEST_ARGS)

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
