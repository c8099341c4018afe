# Two commands set everything up on a fresh machine (see README):
#   make run   — install, build the demo store (or reuse it), start the app on
#                http://localhost:8501 (another port: make run PORT=8600)
#   make test  — install the test dependencies and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Written after a successful install of requirements.txt: `make run` installs again only when
# requirements.txt is newer (`make install` always installs).
INSTALLED := $(VENV)/.requirements-installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

.PHONY: install install-dev browser-deps run demo test lint bench bench-ui bench-speed
install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $(INSTALLED)

$(INSTALLED): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Reuses the demo store when it was built from the same generator, seed, size, last day of data
# and loader code, from exports still unchanged in demo_exports/ (clinic_bi/demo/built.py);
# otherwise writes the exports and builds it again. `make demo FORCE=1` always rebuilds.
demo: $(INSTALLED)
	$(BIN)/python -m clinic_bi demo demo_exports --load $(if $(FORCE),--force)

run: demo
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --browser.gatherUsageStats false

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

# Issue 17's speed targets, each against a floor measured in the same run (bench/bench_speed.py):
# make bench-speed [SIZES=100k,300k,1M] [ARGS="--with-10M --repeat 5"]
bench-speed: install-dev browser-deps
	$(BIN)/python bench/bench_speed.py --sizes "$(if $(SIZES),$(SIZES),100k,300k,1M)" $(ARGS)
