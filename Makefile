# The two commands of the README: `make book` and `make test`.
# Both install what they need first (into .venv unless VENV says otherwise).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dlfp-installed
# Strict by default: any Sphinx warning (nitpicky: every cross-reference must resolve)
# or failing cell fails the build.
JB_FLAGS ?= -W -n --keep-going

.PHONY: install book book-all book-full test test-lowest site-test page bench bench-compare clean

install: $(STAMP)

$(STAMP): requirements.txt code/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

# Pages execute side by side, one per core (book/_ext/exec_cache.py; pytest-xdist for `make test`).
JOBS ?= auto

## Build the executed website into _build/html. Executes, on every core, only the pages whose
## code or recorded dependencies changed (book/_ext/exec_cache.py); the rest come from the cache.
book: install
	$(BIN)/jupyter-book build $(JB_FLAGS) .

## Rebuild every page from scratch (what CI does; executions still come from the cache).
book-all: install
	$(BIN)/jupyter-book build --all $(JB_FLAGS) .

## Execute every page in the full profile (the sources' sizes; the default on a CUDA machine), then build.
## On two CPU cores some pages take many minutes: this is meant for a GPU (.github/workflows/full-profile.yml).
book-full: install
	DLFP_PROFILE=full $(BIN)/python -m pytest tests/book/test_pages.py $(if $(filter 1,$(JOBS)),,-n $(JOBS) --dist worksteal)
	DLFP_PROFILE=full $(BIN)/jupyter-book build $(JB_FLAGS) .

## Run the unit tests, execute every page (into the build's cache), smoke-run the benchmarks,
## on every core (JOBS=1 for one process).
test: install
	$(BIN)/python -m pytest $(if $(filter 1,$(JOBS)),,-n $(JOBS) --dist worksteal)

## The lowest versions code/pyproject.toml declares, in their own venv: the unit tests, then every page
## (tools/run_pages.py, outside the build's cache). .github/workflows/lowest.yml runs it weekly.
LOWEST ?= _build/lowest-venv
test-lowest:
	test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	mkdir -p _build && $(PYTHON) tools/lowest_requirements.py > _build/lowest-requirements.txt
	$(LOWEST)/bin/python -m pip install -q -r _build/lowest-requirements.txt
	$(LOWEST)/bin/python -m pip install -q --no-deps -e ./code
	$(LOWEST)/bin/python -m pip list --format=freeze | grep -iE '^(torch|torchvision|numpy|scipy|matplotlib)=='
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider tests/unit
	rm -rf _build/lowest-notebooks && $(LOWEST)/bin/python tools/run_pages.py export _build/lowest-notebooks
	DLFP_PROFILE=quick $(LOWEST)/bin/python tools/run_pages.py run _build/lowest-notebooks --json _build/lowest-pages.json

## Test the built website in headless Chromium: every page, maths, images, downloads, search, dark mode.
site-test: install
	$(BIN)/python -m pytest tests/site --site

## Execute one page and report errors as book/…/page.md:LINE: make page PAGE=book/physicists-guide/01-tensor.md
## (a page whose cached execution is still valid is not executed again; FRESH=--fresh forces it).
page: install
	$(BIN)/python -m pytest tests/book/test_pages.py -q --page $(PAGE) $(FRESH)

## Time the full benchmark ladder, write code/src/dlfp/book/results/<date>_<commit>_<device>.json, compare.
bench: install
	mkdir -p _build
	DLFP_BENCH=full $(BIN)/python -m pytest tests/benchmarks --benchmark-enable \
		--benchmark-warmup=on --benchmark-warmup-iterations=3 --benchmark-json _build/benchmark-raw.json
	$(BIN)/python -m dlfp.book.benchmarks save _build/benchmark-raw.json
	$(BIN)/python -m dlfp.book.benchmarks compare

## Compare the newest result with the previous one on the same device (exit 1 on regression).
bench-compare: install
	$(BIN)/python -m dlfp.book.benchmarks compare

clean:
	rm -rf _build
