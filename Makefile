# Everything a new machine needs: Python 3.11+. Each target creates .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow lint bench bench-batch bench-sweep clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## solve the shipped Level 4 HNC scenario; write its mapping workbook and HTML report
	$(BIN)/htq solve scenarios/hnc-cyber-security.yaml -o hnc-cyber-security-mapping.xlsx --html hnc-cyber-security-report.html

test: $(STAMP)  ## ruff, mypy, then the test suite (without the slow tests)
	$(BIN)/ruff check models optimiser tests benchmarks
	$(BIN)/ruff format --check models optimiser tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -m "not slow"

test-slow: $(STAMP)  ## documents printed by LibreOffice and opened in Chromium (skip where absent), every real standard
	HTQ_SLOW=1 $(BIN)/pytest -m slow

lint: $(STAMP)
	$(BIN)/ruff check --fix models optimiser tests benchmarks
	$(BIN)/ruff format models optimiser tests benchmarks

bench: $(STAMP)  ## print the performance figures
	$(BIN)/python benchmarks/run.py

bench-batch: $(STAMP)  ## htq batch throughput: local pool (1, 2 jobs) and a Dask LocalCluster
	$(BIN)/python benchmarks/batch.py

bench-sweep: $(STAMP)  ## every real standard: an HNC, HND and foundation degree each, with and without module text
	$(BIN)/python benchmarks/sweep.py

clean:
	rm -rf $(VENV) build *.egg-info
