# The README's two commands: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_MODULES := tools/node_modules/.package-lock.json

.PHONY: build test bench clean

build: $(STAMP)
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)} \
		$(BIN)/octavo build

test: $(STAMP) $(NODE_MODULES)
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# DAISY Ace and puppeteer-core for the reader tests; they drive the system's Chromium, so none is downloaded.
$(NODE_MODULES): tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tools && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	else echo "npm is not installed: the tests that open the EPUBs in Ace and Chromium will be skipped"; fi

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) dist .pytest_cache .ruff_cache tools/node_modules
