# Two commands do the whole set-up on a fresh machine: `make serve` and `make test`.
# torch must arrive as the 2.13.0 CPU build: constraints.txt pins it (and everything tested),
# so pip never resolves an unpinned torch, which would pull several GB of CUDA packages.

PYTHON ?= python3
# Override to use another environment, e.g. `make check VENV=../main/.venv`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Keep every cache and config out of the home directory.
CACHE := $(CURDIR)/.cache
export MPLCONFIGDIR := $(CACHE)/matplotlib
export IPYTHONDIR := $(CACHE)/ipython
export XDG_CACHE_HOME := $(CACHE)
export XDG_CONFIG_HOME := $(CACHE)/config
export PIP_CACHE_DIR := $(CACHE)/pip
export TORCH_HOME := $(CACHE)/torch
export MYPY_CACHE_DIR := $(CACHE)/mypy
export RUFF_CACHE_DIR := $(CACHE)/ruff
export JUPYTER_CONFIG_DIR := $(CACHE)/jupyter/config
export JUPYTER_DATA_DIR := $(CACHE)/jupyter/data
export JUPYTER_RUNTIME_DIR := $(CACHE)/jupyter/runtime
export JUPYTER_PLATFORM_DIRS := 1
# Keras 3 runs on torch here: no TensorFlow install, and its config stays in the checkout.
export KERAS_BACKEND := torch
export KERAS_HOME := $(CACHE)/keras
# Material prints an end-of-life banner on every build; the stack is chosen on purpose.
export NO_MKDOCS_2_WARNING := 1
export npm_config_cache := $(CACHE)/npm
export npm_config_update_notifier := false

.PHONY: install browser node pyodide check test lint serve build clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,docs]'
	touch $@

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# on these machines); install it when it is missing.
browser:
	command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The explorer page runs flatviz in the browser with Pyodide: the npm `pyodide` package,
# pinned in package-lock.json and installed with `npm ci`. node and npm come from Debian
# when missing, like Chromium.
NPM_STAMP := node_modules/.installed

node:
	command -v npm >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

pyodide: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo --cache-dir $(CACHE)/import-linter

# The everyday loop (at most a minute): lint, types, import contracts, and every test that
# needs no browser, no site build, no notebook run (marked `site`) and no wheel built and
# installed (marked `package`), on two workers, with a fifth of the property tests' examples
# and a third of the sound model zoo (tests/helpers/examples.py); then the docstrings'
# examples in one process, in order. `make test` runs the docs pages' blocks and all of it.
DOCSTRINGS := flatviz doctools --ignore=doctools/tests
DOCS := docs README.md $(DOCSTRINGS)

check: lint
	FLATVIZ_QUICK=1 $(PY) -m pytest -q -n 2 -m "not site and not package" tests doctools/tests
	$(PY) -m pytest -q -p no:xdist $(DOCSTRINGS)

# Everything, as CI runs it: lint; every test, the browser tests among them, on three workers
# (a browser test waits on Chromium as much as it computes, so three keep two cores busy);
# then, in one process, the docs pages' and docstrings' blocks in order (a page's blocks
# share one namespace, which pytest-xdist would split across workers) and the browser-load
# budgets (marked `timing`), which a busy machine would blow. Both runs use one site build.
TEST_SITE := $(CACHE)/test-site

test: lint browser $(NPM_STAMP)
	rm -rf $(TEST_SITE)
	FLATVIZ_TEST_SITE=$(TEST_SITE) $(PY) -m pytest -n 3 -m "not timing" tests doctools/tests
	FLATVIZ_TEST_SITE=$(TEST_SITE) $(PY) -m pytest -m "timing or not site" tests/site $(DOCS)

build: $(STAMP) $(NPM_STAMP)
	$(VENV)/bin/mkdocs build --strict

serve: $(STAMP) $(NPM_STAMP)
	MKDOCS_JUPYTER_CACHE=true $(VENV)/bin/mkdocs serve --strict --dev-addr 127.0.0.1:8000

clean:
	rm -rf $(VENV) $(CACHE) site node_modules
