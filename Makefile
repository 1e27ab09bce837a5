# Wenming — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := var/.stamps

.PHONY: install install-test run test lint format bench check-tools clean dist wheelhouse

check-tools:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "Wenming needs Python 3.11 or newer (found $$($(PY) --version 2>&1)); install python3.11+ and retry, or set PY=/path/to/python3.11"; exit 1; }
	@command -v npm >/dev/null || { echo "Wenming needs npm (Node.js) to fetch its front-end libraries; install Node.js 18+ with npm and retry"; exit 1; }

$(BIN)/python: | check-tools
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP)/py: pyproject.toml | $(BIN)/python
	@mkdir -p $(STAMP)
	$(BIN)/pip install -q -e .
	@touch $@

$(STAMP)/py-test: pyproject.toml $(STAMP)/py
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

$(STAMP)/npm: package.json package-lock.json | check-tools
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMP)/vendor: $(STAMP)/npm scripts/vendor.py
	$(BIN)/python scripts/vendor.py
	@touch $@

install: $(STAMP)/py $(STAMP)/vendor
	@$(BIN)/python scripts/compilemessages.py
	@$(BIN)/wenming static

install-test: install $(STAMP)/py-test

run: install
	$(BIN)/wenming migrate --no-input
	$(BIN)/wenming demo --if-empty
	$(BIN)/wenming open311 demo-key
	$(BIN)/wenming serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# A release for servers without internet or npm: `make dist` builds a wheel that carries the
# vendored front-end files and the compiled translations (scripts/check_wheel.py checks);
# `make wheelhouse` adds the wheel of every runtime dependency, for
# `pip install --no-index --find-links dist/wheelhouse wenming` (docs/deployment.md).
VERSION = $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
WHEEL = dist/wenming-$(VERSION)-py3-none-any.whl
WHEELHOUSE = dist/wheelhouse

dist: $(STAMP)/py $(STAMP)/vendor
	@$(BIN)/python scripts/compilemessages.py
	rm -rf build $(WHEEL)
	$(BIN)/pip wheel -q --no-deps --wheel-dir dist .
	$(BIN)/python scripts/check_wheel.py $(WHEEL)

wheelhouse: dist
	rm -rf $(WHEELHOUSE)
	$(BIN)/pip wheel -q --wheel-dir $(WHEELHOUSE) $(WHEEL)
	@echo "wheelhouse: $$(ls $(WHEELHOUSE) | wc -l) wheels in $(WHEELHOUSE) (for Python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') on $$(uname -m))"

clean:
	rm -rf $(VENV) node_modules wenming/static/vendor $(STAMP) build dist
