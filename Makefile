# PressLens: one command to set up and run the demo, one to set up and run the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.presslens-installed
SAMPLE := toolkit/data/sample
DEMO_OUT ?= demo-out

.PHONY: setup demo lab lint test test-fast browser-deps benchmarks wheelhouse clean-wheelhouse clean

# what setup installs: the base package and every extra (README, "Install", says what each brings)
EXTRAS := dev,eval,lab,dask,sql

# the example third-party plugin, installed as a user would: CI sees it discovered and in the dashboard
EXAMPLE := examples/presslens-amounts

$(STAMP): pyproject.toml $(EXAMPLE)/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	$(BIN)/python -m pip install --quiet -e $(EXAMPLE)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

## Analyse the bundled sample corpus; write the tables and an HTML report.
demo: setup
	$(BIN)/presslens analyze $(SAMPLE) --metadata $(SAMPLE)/metadata.csv --out $(DEMO_OUT)
	$(BIN)/presslens report $(SAMPLE) --metadata $(SAMPLE)/metadata.csv --out $(DEMO_OUT)/report.html \
		--title "PressLens sample corpus"
	@echo "Tables: $(abspath $(DEMO_OUT))/<table>.parquet   Report: $(abspath $(DEMO_OUT))/report.html"

## Open the tour in JupyterLab, served on this machine only.
lab: setup
	$(BIN)/jupyter lab notebooks/01-tour.ipynb --ServerApp.ip=127.0.0.1

## Debian's chromium for the browser tests (Playwright's own browser download is not available offline).
browser-deps:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi

## Lint (ruff), formatting (ruff format) and types (mypy on toolkit/); configured in pyproject.toml.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Set up, lint and run the whole test suite (what CI runs).
test: setup browser-deps lint
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not browser"

## Every benchmark in a quick configuration (minutes); `benchmarks/run_all.py --full` for the published figures.
benchmarks: setup
	$(BIN)/python benchmarks/run_all.py

## One folder of wheels for this platform and Python: PressLens with the lab extra, the spaCy model and the
## example plugin. Copy it to a laptop with no network (same OS, same Python minor version) and run
##   pip install --no-index --find-links wheelhouse "presslens[lab]"
## The dependencies (hundreds of MB) are downloaded once per content of the pyproject.toml files and Python
## version (the stamp's name says which), so a rerun or a fresh clone pointing at the same folder costs seconds;
## the two project wheels are rebuilt every time from this checkout. `make clean-wheelhouse` starts again.
WHEELHOUSE ?= wheelhouse
WHEELHOUSE_EXTRAS ?= lab
WHEELHOUSE_KEY = $(shell { cat pyproject.toml $(EXAMPLE)/pyproject.toml; echo "$(WHEELHOUSE_EXTRAS)"; \
	$(PYTHON) -c 'import sys, sysconfig; print(sys.version_info[:2], sysconfig.get_platform())'; } | sha256sum | cut -c1-16)
WHEELHOUSE_STAMP = $(WHEELHOUSE)/.dependencies-$(WHEELHOUSE_KEY)

wheelhouse:
	@mkdir -p $(WHEELHOUSE)
	@if [ ! -f $(WHEELHOUSE_STAMP) ]; then \
		echo "Downloading the dependencies into $(WHEELHOUSE) (once; minutes)"; \
		$(PYTHON) -m pip wheel --quiet --wheel-dir $(WHEELHOUSE) --find-links $(WHEELHOUSE) ".$(if $(WHEELHOUSE_EXTRAS),[$(WHEELHOUSE_EXTRAS)])" $(EXAMPLE) \
			&& touch $(WHEELHOUSE_STAMP); \
	fi
	@# (a stale build/ from an earlier run would put deleted modules into the wheel)
	@rm -rf build $(EXAMPLE)/build $(WHEELHOUSE)/presslens-*.whl $(WHEELHOUSE)/presslens_amounts-*.whl
	$(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir $(WHEELHOUSE) . $(EXAMPLE)
	@echo "Wheelhouse: $(abspath $(WHEELHOUSE)) ($$(ls $(WHEELHOUSE)/*.whl | wc -l) wheels, $$(du -sh $(WHEELHOUSE) | cut -f1))"

clean-wheelhouse:
	rm -rf $(WHEELHOUSE)

clean:
	rm -rf $(DEMO_OUT) .pytest_cache .hypothesis
