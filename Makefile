# Two commands set everything up on a fresh machine (see README):
#   make run   — install, build the demo store, start the app on http://localhost:8501
#   make test  — install the test dependencies and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

.PHONY: install install-dev run demo test lint bench
install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

demo: install
	$(BIN)/python -m clinic_bi demo demo_exports --load

run: demo
	$(BIN)/streamlit run streamlit_app.py --browser.gatherUsageStats false

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/bench_ingest.py
