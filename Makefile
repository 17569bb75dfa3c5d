# `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast test-weblate lint bench clean deploy

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/speerpunt run --snapshot

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q

# While iterating: everything but the slow end-to-end tests.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# A real Weblate round trip: PostgreSQL and Weblate on 127.0.0.1, in their own pinned
# virtual environment (the Debian packages they need: see .ci/run).
WEBLATE_VENV := .venv-weblate
$(WEBLATE_VENV)/.installed: tests/weblate/requirements.txt
	$(PYTHON) -m venv $(WEBLATE_VENV)
	$(WEBLATE_VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/weblate/requirements.txt
	touch $@

test-weblate: $(BIN)/.installed $(WEBLATE_VENV)/.installed
	$(BIN)/python -m pytest -p no:xdist -s -q tests/weblate

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The previous release beside HEAD (built once into bench/work/previous/); a full run rewrites
# bench/RESULTS.md. While iterating: make bench BENCH_ARGS=--quick
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Mutation testing (mutmut, configured in pyproject.toml): not part of `make test`; slow.
# MUTANTS narrows a run, e.g. make mutate MUTANTS='pipeline.files.*'. Results: tests/MUTATION.md.
$(BIN)/.mutmut: $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench,mutate]'
	touch $@

mutate: $(BIN)/.mutmut
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/python tests/support/mutation_score.py

# Deploy to Scrapyd from a copy of the project, so that scrapyd-deploy's setup.py, build/
# and *.egg-info never land in the checkout. SCRAPYD_URL overrides scrapy.cfg's [deploy] url.
deploy: $(BIN)/.installed
	@copy=$$(mktemp -d) && cp -r pipeline spiders scrapy.cfg pyproject.toml README.md "$$copy"/ && \
	  if [ -n "$(SCRAPYD_URL)" ]; then \
	    sed -i 's|^url *=.*|url = $(SCRAPYD_URL)|' "$$copy/scrapy.cfg"; fi && \
	  (cd "$$copy" && $(abspath $(BIN))/scrapyd-deploy); status=$$?; rm -rf "$$copy"; exit $$status

clean:
	rm -rf $(VENV) $(WEBLATE_VENV) httpcache .pytest_cache locales/*/LC_MESSAGES/*.mo
