# Super Chart. `make run` starts everything on the sample data; `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint format bench bench-tools containers sample-data browser clean vendor-js vendor-js-check screenshots

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

## Start FastAPI (:8000), Streamlit (:8501) and Dash (:8050) on the bundled sample data.
run: setup
	$(PY) -m app.launcher

## Debian's Chromium for the browser tests (installed when missing and we are root).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "browser tests need Chromium: sudo apt-get install chromium"; fi; }

test: setup browser
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## wrk, the load generator of the req/s case (httpx in-process is used when it is missing, and
## is then the bottleneck on 2 cores).
bench-tools:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "req/s case falls back to httpx: sudo apt-get install wrk"; fi; }

bench: setup browser bench-tools
	$(PY) -m bench

## Build and start the three containers with podman, check each health route, tear down (minutes;
## not part of `make test`). Uses our machines' container-smoke; elsewhere: docker compose up --build.
containers:
	@test -x ../shared/tools/container-smoke || { echo "no ../shared/tools/container-smoke here: run docker compose up --build"; exit 1; }
	@test "$$(id -u)" = 0 || { echo "container-smoke runs podman as root (and installs it when missing): sudo make containers"; exit 1; }
	../shared/tools/container-smoke . fastapi=/health streamlit=/_stcore/health dash=/health

## Pictures of the page, Streamlit, Dash and an API image into docs/ (shown in the README).
screenshots: setup browser
	$(PY) -m scripts.screenshots

sample-data: setup
	$(PY) -m scripts.make_sample_data

## The chart page's Lightweight Charts build, vendored from the npm registry (pinned version,
## licence, SHA256SUMS): vendor-js refreshes it with npm pack, vendor-js-check verifies it offline.
vendor-js: setup
	$(PY) -m scripts.vendor_js

vendor-js-check:
	$(PY) -m scripts.vendor_js --check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
