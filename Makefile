# Two commands do everything on a fresh machine: `make site` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.tadmur-installed
PIP := $(BIN)/pip --quiet --disable-pip-version-check

.PHONY: site offline docs serve test lint check chromium bench eval clean

# The virtual environment, with pinned dependencies and the build package installed in place.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements-dev.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

## Generate docs/ from seeds/ and data/, then build site/ with `mkdocs build --strict`.
site: $(STAMP)
	$(BIN)/tadmur site

## The same, plus site-offline/: a second build of the site to open from the file system (file://).
offline: $(STAMP)
	$(BIN)/tadmur site --offline

## Generate docs/ only.
docs: $(STAMP)
	$(BIN)/tadmur docs

## Validate seeds, catalog and rules without writing anything.
check: $(STAMP)
	$(BIN)/tadmur check

## Preview the site at http://127.0.0.1:8000; docs/ is regenerated when seeds/, data/, templates/, schema/
## or a page in docs/ changes (tadmur serve; Ctrl-C stops).
serve: $(STAMP)
	$(BIN)/tadmur serve

# Browser tests use Debian's Chromium; nothing downloads a browser build.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check scripts tests

## The whole test suite: lint, unit tests, end-to-end build and browser tests.
test: $(STAMP) chromium lint
	$(BIN)/pytest

## Time, memory and page sizes of the real build on a synthetic corpus of 1,000 and 5,000 articles
## (about 40 minutes on 2 cores, with zensical and a first search in Chromium; other sizes and options:
## .venv/bin/python tests/benchmark.py 100 1000 [--no-site] [--no-zensical] [--verify]).
bench: $(STAMP)
	$(BIN)/python tests/benchmark.py

## Accuracy of the extracted events and entities against the answer key in tests/gold/ (writes nothing).
eval: $(STAMP)
	$(BIN)/python tests/eval.py

clean:
	rm -rf site .site-* .pytest_cache test-artifacts
