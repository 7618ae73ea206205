# Super Chart. `make run` starts everything on the sample data; `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# pip prints a line per package it collects and installs (and a progress bar on a terminal): a
# newcomer sees it working rather than a minute of silence.
PIP := $(PY) -m pip install --disable-pip-version-check --progress-bar on

.PHONY: setup setup-dev run test lint format bench bench-tools containers sample-data browser redis nginx postgres clean vendor-js vendor-js-check screenshots

## Runtime dependencies only (requirements.txt): what `make run` needs.
$(STAMP): requirements.txt
	@test -x $(PY) || { echo "setup: creating the virtualenv $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "setup: installing the runtime dependencies (requirements.txt)"
	$(PIP) -r requirements.txt
	@touch $(STAMP)
	@echo "setup: runtime dependencies installed"

## Plus the test, lint and benchmark tools (requirements-dev.txt): what `make test` needs.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	@echo "setup: adding the test and lint tools (requirements-dev.txt)"
	$(PIP) -r requirements-dev.txt
	@touch $(DEV_STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

## Start FastAPI (:8000), Streamlit (:8501) and Dash (:8050) on the bundled sample data.
run: setup
	$(PY) -m app.launcher

## Debian's Chromium for the browser tests (installed when missing and we are root).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "browser tests need Chromium: sudo apt-get install chromium"; fi; }

## Debian's redis-server for the Redis live hub's tests (installed when missing and we are root;
## the tests start their own on a free port).
redis:
	@test -x /usr/bin/redis-server || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server; \
	  else echo "Redis hub tests need redis-server: sudo apt-get install redis-server"; fi; }

## Debian's PostgreSQL for the store's tests on PostgreSQL (installed when missing and we are
## root; the tests initdb and start their own server on a free port).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
	  else echo "store tests on PostgreSQL need it: sudo apt-get install postgresql"; fi; }

## Debian's nginx for the test of docker/nginx.conf in front of two replicas (installed when
## missing and we are root; the test starts its own on a free port).
nginx:
	@test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx-light; \
	  else echo "the proxy test needs nginx: sudo apt-get install nginx-light"; fi; }

test: setup-dev browser redis postgres nginx
	$(PY) -m pytest

lint: setup-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## wrk, the load generator of the req/s case (httpx in-process is used when it is missing, and
## is then the bottleneck on 2 cores).
bench-tools:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "req/s case falls back to httpx: sudo apt-get install wrk"; fi; }

bench: setup-dev browser bench-tools
	$(PY) -m bench

## Build and start the three containers with podman, check each health route, tear down; then the
## scale profile (Redis, two replicas, nginx: scripts/scale_smoke.py). Minutes; not part of
## `make test`. Uses our machines' container-smoke; elsewhere: docker compose up --build.
containers:
	@test -x ../shared/tools/container-smoke || { echo "no ../shared/tools/container-smoke here: run docker compose up --build"; exit 1; }
	@test "$$(id -u)" = 0 || { echo "container-smoke runs podman as root (and installs it when missing): sudo make containers"; exit 1; }
	../shared/tools/container-smoke . fastapi=/health streamlit=/_stcore/health dash=/health
	$(PY) -m scripts.scale_smoke

## Pictures of the page, Streamlit, Dash and an API image into docs/ (shown in the README).
screenshots: setup-dev browser
	$(PY) -m scripts.screenshots

sample-data: setup
	$(PY) -m scripts.make_sample_data

## The chart page's Lightweight Charts (app/web/static/vendor/) and the Plotly engine's plotly.js
## (app/charts/vendor/plotly/, loaded by Dash and Streamlit), vendored from the npm registry (pinned
## version, licence, SHA256SUMS): vendor-js refreshes them with npm pack, vendor-js-check verifies
## them offline.
vendor-js: setup
	$(PY) -m scripts.vendor_js

vendor-js-check:
	$(PY) -m scripts.vendor_js --check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
