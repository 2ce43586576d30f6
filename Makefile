# The README's two commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# the suite in one process per CPU, a test file per process at a time (its fixtures stay
# together); PYTEST_WORKERS= runs it in this process, e.g. to debug
PYTEST_WORKERS ?= -n auto --dist loadfile

.PHONY: demo plan-demo test test-postgres lint fmt bench example clean

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# htmx comes from the npm registry; without npm the pages still work, just without JS
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "npm not found: skipping front-end libraries (pages work without JavaScript)"; fi
	touch $(STAMP)

# the web app with a demo community on 127.0.0.1:8000 (DEMO_ARGS="--port 8001 --no-browser")
demo: $(STAMP)
	$(BIN)/netweave demo $(DEMO_ARGS)

# the command line alone: plan the example community into demo-out/
plan-demo: $(STAMP)
	$(BIN)/netweave plan src/netweave/examples/community.csv --rounds 4 --group-size 4-6 --seed 1 -o demo-out

# includes the browser tests (tests/e2e) when Chromium is installed; they say why when skipped
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_WORKERS)

# the tests that use the database, on PostgreSQL: make test-postgres DATABASE_URL=postgres://...
test-postgres: $(STAMP)
	@test -n "$(DATABASE_URL)" || { echo "set DATABASE_URL=postgres://user:password@host:port/name"; exit 2; }
	DATABASE_URL="$(DATABASE_URL)" $(BIN)/pytest $(PYTEST_WORKERS) tests/web tests/test_web_cli.py tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_plan.py

example: $(STAMP)
	$(BIN)/python scripts/make_example.py --seed 7 -o src/netweave/examples/community.csv

clean:
	rm -rf $(VENV) demo-out .pytest_cache .ruff_cache test-artifacts
