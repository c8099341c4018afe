# Two commands set everything up on a fresh machine (see README):
#   make run   — install, build the demo store, start the app on http://localhost:8501
#   make test  — install the test dependencies and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

.PHONY: install install-dev browser-deps run demo test lint bench bench-ui
install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

demo: install
	$(BIN)/python -m clinic_bi demo demo_exports --load

run: demo
	$(BIN)/streamlit run streamlit_app.py --browser.gatherUsageStats false

# The browser test drives Debian's chromium with Playwright (Playwright's own browser download
# cannot work here); the emoji font keeps page icons from rendering as empty boxes.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji; \
	fi

test: install-dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/bench_all.py --sizes "$(if $(SIZES),$(SIZES),100k 1M)"

# Browser timing of a filter change on a 1,000,000-line store (README, "Speed").
bench-ui: install-dev browser-deps
	$(BIN)/python bench/bench_ui.py
