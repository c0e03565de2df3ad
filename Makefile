# One task runner for people and CI. `make test` is what CI runs (.ci/run).
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 8501

.DEFAULT_GOAL := test
.PHONY: setup run test lint typecheck pytest eval bench bench-browser screenshots clean

# Installs CPU-only torch first (an unpinned torch would pull a multi-GB CUDA build), then the project.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed ## Create .venv and install everything

run: setup ## Build the index from knowledge/ (incremental) and start the app
	$(BIN)/faq build
	$(BIN)/streamlit run app.py --server.port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

test: lint typecheck pytest ## Lint, type-check and run every test

eval: setup ## Validate, rebuild and score the shipped knowledge on the public eval set
	$(BIN)/faq validate
	$(BIN)/faq build
	$(BIN)/faq eval tests/data/eval.yaml

bench: setup ## Every benchmark (quality, speed, scale, browser); writes docs/benchmarks.md
	$(BIN)/python -m benchmarks.run

bench-browser: setup ## In a real browser: the 30-turn curve, 5 patients at once, memory over 100 sessions; writes docs/benchmarks-browser.md
	$(BIN)/python benchmarks/bench_browser.py

screenshots: setup ## Regenerate docs/screenshots from the shipped knowledge
	$(BIN)/python docs/screenshots/make_screenshots.py

clean: ## Remove built artefacts (keeps the question log, index/questions.sqlite3)
	rm -rf index/builds index/cache index/models index/CURRENT .pytest_cache .mypy_cache .ruff_cache
