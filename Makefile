# Safeguard: every target creates the virtual environment and front-end assets it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-report
HOST ?= 127.0.0.1
PORT ?= 8000
export SAFEGUARD_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test test-sqlite test-postgres lint format bench bench-quick frontend clean cin-validator

# D2I's cin-validator (the DfE census rules), the tests' reference for `safeguard check`: its own
# virtual environment, as its pandas 1.x cannot share Safeguard's numpy 2 (docs/cin-census.md).
CIN_VALIDATOR_VENV := .venv-cin-validator
CIN_VALIDATOR_STAMP := $(CIN_VALIDATOR_VENV)/.installed
$(CIN_VALIDATOR_STAMP): requirements-cin-validator.txt
	test -d $(CIN_VALIDATOR_VENV) || $(PYTHON) -m venv $(CIN_VALIDATOR_VENV)
	$(CIN_VALIDATOR_VENV)/bin/pip install --quiet -r requirements-cin-validator.txt
	touch $(CIN_VALIDATOR_STAMP)
cin-validator: $(CIN_VALIDATOR_STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

src/safeguard/web/static/govuk/govuk-frontend.min.css: package.json package-lock.json scripts/build_frontend.sh \
  src/safeguard/web/sass/govuk-frontend.scss
	bash scripts/build_frontend.sh

frontend: src/safeguard/web/static/govuk/govuk-frontend.min.css

## demo: load the demo authority into the embedded database, write its report, and serve it
## (serve starts the task worker, `safeguard worker`, that sends the alerts after chairs' checks
## and issues the report editions asked for on the web, as a child process and stops it with the
## server: docs/notifications.md, "The worker"; docs/decisions/0018)
demo: $(STAMP) frontend
	$(BIN)/safeguard demo
	mkdir -p $(DEMO_DIR)
	for format in pdf docx xlsx html json; do \
	  $(BIN)/safeguard report --from 2022-04-01 --to 2022-09-30 --count-by meeting \
	    --format $$format -o $(DEMO_DIR)/child-protection-report-2022-04-01-2022-09-30.$$format || exit 1; \
	done
	@echo "The seed period's report is in $(CURDIR)/$(DEMO_DIR)/"
	$(BIN)/safeguard serve --host $(HOST) --port $(PORT)

## test: lint (ruff, mypy), the import contract, and the whole suite on SQLite and (when one answers)
## PostgreSQL, the three at once: each alone leaves much of the second core idle (mypy and the
## browser tests use about one core, the end of a run one), so together they take little more than
## the longest (docs/operations.md, "10. The tests"). Each one's output is shown whole when it ends.
test: $(STAMP) frontend $(CIN_VALIDATOR_STAMP)
	$(MAKE) --no-print-directory -j3 --output-sync=target lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Three processes, every test: the browser tests stay together in one of them, one at a time,
# as their timings (the session time-out) expect; they mostly wait on Chromium, so the other two
# keep both cores busy with the rest (tests/conftest.py; docs/operations.md, "10. The tests").
test-sqlite: $(STAMP) frontend $(CIN_VALIDATOR_STAMP)
	DATABASE_URL= DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -p no:cacheprovider -n 3 --dist loadgroup

# PostgreSQL: TEST_DATABASE_URL, else the machine's server on 127.0.0.1:5432 when it answers.
# Only the tests that reach a database: the others ran on SQLite (tests/conftest.py).
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
test-postgres: $(STAMP) frontend $(CIN_VALIDATOR_STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  SAFEGUARD_DATA_DIR=$(SAFEGUARD_DATA_DIR)/test-postgres DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
	    $(BIN)/pytest -q -p no:cacheprovider -n 2 -m "not browser" --output test-results/postgres; \
	else \
	  echo "test-postgres: no PostgreSQL answers at $(TEST_DATABASE_URL); .ci/run starts one" >&2; \
	  if [ -n "$$CI" ]; then exit 1; fi; \
	fi

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) frontend
	$(BIN)/python -m bench.run

bench-quick: $(STAMP) frontend
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) $(CIN_VALIDATOR_VENV) node_modules src/safeguard/web/static/govuk $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache

## loadtest: 20 people for 2 minutes against gunicorn and a throwaway PostgreSQL database on
## loopback (LOADTEST_SECONDS to shorten); checks every record written; figures into docs/operations.md
.PHONY: loadtest
loadtest: $(STAMP) frontend
	BIN=$(BIN) bash loadtest/run.sh
