# kurskit — the two commands: `make start` (set up, build, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AXE := tests/js/node_modules/axe-core/axe.min.js
PROXY := deploy/proxy/node_modules/.bin/configurable-http-proxy

.PHONY: start start-hub test install build site check lint bench constraints clean

start: $(STAMP)
	$(BIN)/kurskit start

# multi-user mode: JupyterHub on http://127.0.0.1:8090/ (accounts: kurskit users add)
start-hub: $(STAMP) $(PROXY)
	$(BIN)/kurskit build
	$(BIN)/kurskit start --hub --no-build

test: lint $(AXE) $(PROXY)
	$(BIN)/pytest

# axe-core for the accessibility tests, pinned in tests/js/package-lock.json
$(AXE): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $(AXE)

install: $(STAMP) $(PROXY)

# JupyterHub's proxy for `kurskit start --hub`, pinned in deploy/proxy/package-lock.json
$(PROXY): deploy/proxy/package.json deploy/proxy/package-lock.json
	npm ci --prefix deploy/proxy --no-audit --no-fund --loglevel=error
	touch $(PROXY)

# a virtual environment with the pinned dependencies (pyproject.toml + constraints.txt)
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "kurskit needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/kurskit build

# the handbook's lesson pages come from the release notebooks: release first when needed
site: $(STAMP)
	@$(BIN)/kurskit build --site-only || { echo "make site: releasing the modules first"; \
	  $(BIN)/kurskit build; }

check: $(STAMP)
	$(BIN)/kurskit check

lint: $(STAMP)
	$(BIN)/ruff check kurskit tests
	$(BIN)/mypy

# benchmarks measure and print (last line = the result); they are not timed tests
bench: $(STAMP) $(AXE) $(PROXY)
	$(BIN)/python tests/benchmarks/bench_portal.py --learners 20
	$(BIN)/python tests/benchmarks/bench_voila.py --learners 50
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tests/benchmarks/bench_grading.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tests/benchmarks/bench_hub.py

constraints: $(STAMP)
	{ echo "# Every package of the environment, pinned (pip install -c constraints.txt)."; \
	  echo "# Regenerate after changing pyproject.toml: make constraints"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^kurskit'; } > constraints.txt

clean:
	rm -rf build grading/source grading/release grading/submitted grading/autograded \
	  grading/feedback grading/attempts grading/gradebook.db
