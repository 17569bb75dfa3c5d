# `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/speerpunt run --snapshot

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

# While iterating: everything but the slow end-to-end tests.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

lint: $(BIN)/.installed
	$(BIN)/ruff check .

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) httpcache .pytest_cache locales/*/LC_MESSAGES/*.mo
