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

demo: venv
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

test: lint typecheck unit-sqlite unit-postgres browser

# Before the first release the schema is one generated migration (0001) plus hand-written ones for
# tables marked info["manual_ddl"] (0002+, kept aside while 0001 is regenerated from the models).
VERSIONS := src/lianfang/migrations/versions
migration: venv
	rm -rf var/migration-keep var/migration-scratch.db && mkdir -p var/migration-keep
	find $(VERSIONS) -name '*.py' ! -name '*_0001_initial.py' -exec mv {} var/migration-keep/ \;
	rm -f $(VERSIONS)/*_0001_initial.py
	LIANFANG_DATABASE_URL=sqlite:///var/migration-scratch.db $(BIN)/alembic revision --autogenerate --rev-id 0001 -m initial
	mv var/migration-keep/*.py $(VERSIONS)/ 2>/dev/null || true
	rm -rf var/migration-keep var/migration-scratch.db
	$(BIN)/ruff format src/lianfang/migrations/versions
	$(BIN)/ruff check --fix src/lianfang/migrations/versions

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
