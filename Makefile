# Tollbook: `make demo` builds the bundled example, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean kernel

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

# LCMCR's kernel compiled ahead of time (needs a C compiler; without one, Numba's JIT is used as before).
kernel: $(STAMP)
	$(BIN)/python -m tollbook.estimate.build_kernel || echo "LCMCR kernel not built ahead of time: Numba's JIT is used"

demo: $(STAMP) kernel
	$(BIN)/tollbook demo --out demo

test: $(STAMP) kernel
	$(BIN)/ruff check src tests bench examples
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples

clean:
	rm -rf $(VENV) demo .pytest_cache
