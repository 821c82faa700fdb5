# Two commands on a fresh clone: `make bench` (set up, then the main job) and `make test`.
# Each creates .venv on first use; only Python 3.10+ and pip are needed.
# `make bench` does what the user asked: their two scripts run as they are and timed (4 fresh processes
# each, interleaved: the fewest a difference can be shown with), beside mlpbench's own measurement of the
# same training on every device (one process per device: the job's phases, then warm trials of its
# training loop, a profile of a step and its memory), and one report of it all. mlpbench's own cold
# trials would repeat what the scripts' trials measure; `mlpbench bench` with its default of 6 cold trials a
# target adds them.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# With an NVIDIA GPU, pip's normal torch (a CUDA build) is right. Without one, pin the release this
# project is tested with: a CPU-only machine then never downloads a CUDA build it cannot use
# (on the development machine torch==2.13.0 is a CPU build on local disk).
TORCH ?= $(shell command -v nvidia-smi >/dev/null 2>&1 && echo 'torch>=2.4' || echo 'torch==2.13.0')
EXTRAS ?= test,jax,triton
OUT ?= mlpbench-out

.PHONY: setup bench test clean

$(BIN)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH)" -e ".[$(EXTRAS)]"
	touch $@

setup: $(BIN)/.installed

SCRIPTS := --script examples/three_layer_nn_pytorch.py --script examples/three_layer_nn_pytorch_cuda.py

bench: setup
	$(BIN)/mlpbench bench $(SCRIPTS) --workload builtin --script-runs 4 --runs 0 --warm-runs 6 --warmup 1 --warm-time 6 \
	  --out $(OUT)

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) mlpbench-out gpu-out
