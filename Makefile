# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

PYTEST_ARGS ?= -n 2   # two workers (pytest-xdist): the kill -9 and browser tests wait on subprocesses

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: run test bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/benchmart run
	$(BIN)/benchmart leaderboard --top 15
	$(BIN)/benchmart compare "Gemma 4 12B" "GPT-4.1 mini"
	$(BIN)/benchmart site --out data/site --pair "Gemma 4 12B" --pair "GPT-4.1 mini"

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Timings (never part of the tests): the table step at three sizes against a DuckDB reference, the nightly run end
# to end against a plain script, and the backfill's marginal cost per date.
bench: $(STAMP)
	$(BIN)/python bench/scale.py $(BENCH_ARGS)
	$(BIN)/python bench/nightly.py
	$(BIN)/python bench/backfill.py

clean:
	rm -rf $(VENV) data build *.egg-info
