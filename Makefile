# congvan: `make run` and `make test` are all a newcomer needs (both set everything up first).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= outputs
# Debian packages the project needs at run or test time.
DEBIAN_PACKAGES := libreoffice-writer-nogui fonts-liberation poppler-utils chromium chromium-driver tesseract-ocr tesseract-ocr-vie postgresql
JOBS ?= 2

.PHONY: setup debian run test eval bench renderings clean

setup: debian $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "setup: $(PYTHON) not found; install Python 3.11"; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

debian:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing Debian packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "setup: could not install $$missing"; exit 2; }; \
	fi

run: setup
	$(PY) -m pipeline run corpus --out $(OUT) --jobs $(JOBS)

test: setup
	$(PY) -m pytest

eval: setup
	$(PY) -m pipeline run corpus --out $(OUT) --jobs $(JOBS) >/dev/null || true
	$(PY) -m pipeline.evaluate $(OUT) corpus/gold
	$(PY) -m pipeline.ingest.ocr_accuracy corpus/scans

# Speed and memory on synthetic dispatches (cached in $(OUT)/bench-cache): $(OUT)/bench.json and a table.
# About 15 minutes on 2 cores; `make bench BENCH_ARGS=--quick` for a few minutes on smaller sets.
BENCH_ARGS ?=
bench: setup
	$(PY) -m pipeline.bench --out $(OUT) $(BENCH_ARGS)
	$(PY) -m pipeline.bench_scale --out $(OUT)

# Regenerate the committed .docx/.pdf renderings of corpus/*.txt (needs LibreOffice).
renderings: setup
	$(PY) corpus/make_renderings.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
