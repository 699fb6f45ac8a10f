# The two commands a newcomer types: `make demo` and `make test`. Both install everything into .venv/.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: demo test install install-dev lint types contracts pytest clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode is compiled once here (the dependencies' and our own src/, installed editable), so a command does not
# compile every module it imports on each run: `heard --help` answers in well under a second.
install: $(UV)
	$(UV) sync --frozen --no-dev --compile-bytecode
	.venv/bin/python -m compileall -q src

install-dev: $(UV)
	$(UV) sync --frozen --extra dev --compile-bytecode
	.venv/bin/python -m compileall -q src

demo: install
	.venv/bin/heard demo

test: install-dev lint types contracts pytest

lint:
	.venv/bin/ruff check src tests
	.venv/bin/ruff format --check src tests

types:
	.venv/bin/mypy

contracts:
	.venv/bin/lint-imports

pytest:
	.venv/bin/pytest -n auto

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache
