# Two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# uv from the PATH if there is one; otherwise a private copy installed from PyPI into .tools/.
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
UV_VERSION := 0.13.8
MANAGE := $(UV) run --locked python manage.py

.PHONY: help install run test lint format bench

help:
	@echo "make run    install, migrate, load demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test   install what the tests need and run the whole suite"
	@echo "make lint   ruff check and ruff format --check"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --locked

# axe-core for the browser tests, from npm; without npm those tests are skipped with the reason.
node_modules/axe-core/axe.min.js: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests will be skipped"; fi

run: install
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

# The browser tests (tests/browser) run where Debian's chromium is installed, else are skipped.
test: install node_modules/axe-core/axe.min.js
	$(UV) run --locked pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .

format: install
	$(UV) run --locked ruff check --fix .
	$(UV) run --locked ruff format .

bench: install
	bash bench/run.sh
