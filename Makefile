# omsorgsanalys: the front door. `make report` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OMSORG := $(VENV)/bin/omsorg
STAMP := $(VENV)/.installerad
DEVSTAMP := $(VENV)/.installerad-dev

.PHONY: report test test-fast lint lab bench data exempel clean help chromium

help:
	@echo "make report     – installera vid behov, bygg data och kör alla rapporter"
	@echo "make test       – installera testverktygen vid behov och kör alla tester (ruff, importkontrakt, pytest)"
	@echo "make test-fast  – bara enhetstesterna (under 20 s)"
	@echo "make lab        – starta JupyterLab med projektets kärna"
	@echo "make bench      – mät körtider (skriver benchmarks/results.json)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installerar omsorgsanalys i $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip >$(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@$(PY) -m pip install --quiet --disable-pip-version-check -e . >>$(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@$(PY) -m ipykernel install --sys-prefix --name omsorgsanalys --display-name "Omsorgsanalys" >/dev/null 2>&1
	@touch $(STAMP)

$(DEVSTAMP): $(STAMP)
	@echo "Installerar testverktygen (dev) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]" >>$(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@touch $(DEVSTAMP)

data: $(STAMP)
	@$(OMSORG) bygg || [ $$? -eq 3 ]

report: data
	@$(OMSORG) kör --alla

lint: $(DEVSTAMP)
	@$(VENV)/bin/ruff check src tests scripts benchmarks
	@$(VENV)/bin/lint-imports --no-cache

test: $(DEVSTAMP) lint chromium
	@$(PY) -m pytest

# Chromium for the browser and JupyterLab tests: installed with apt-get when make runs as root, otherwise
# one line on how; without it those tests skip (tests/conftest.py), except under CI=true, where they fail.
chromium: $(DEVSTAMP)
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installerar Chromium för webbläsartesterna (apt-get) …"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >$(VENV)/chromium.log 2>&1 \
	    || echo "Chromium gick inte att installera (se $(VENV)/chromium.log); webbläsartesterna hoppas över."; \
	else echo "Chromium saknas, så webbläsartesterna hoppas över; installera det med: sudo apt-get install chromium"; fi

test-fast: $(DEVSTAMP)
	@$(PY) -m pytest -m "not slow and not browser and not lab and not bygge" -q

lab: data
	@$(VENV)/bin/jupyter lab --notebook-dir=notebooks --allow-root --LabApp.news_url=None \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

bench: data $(DEVSTAMP)
	@$(PY) benchmarks/run.py

exempel: $(STAMP)
	@$(PY) scripts/exempel.py

clean:
	rm -rf data/processed/versioner data/processed/AKTUELL data/processed/*.parquet data/processed/*.csv \
		data/processed/*.json reports/index.html reports/korlogg.json reports/misslyckade reports/.bygge
	find reports -mindepth 1 -maxdepth 1 -type d ! -name mallar ! -name utforskning -exec rm -rf {} +
