# omsorgsanalys: the front door. `make report` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OMSORG := $(VENV)/bin/omsorg
STAMP := $(VENV)/.installerad

.PHONY: report test lab bench data clean help

help:
	@echo "make report  – installera vid behov, bygg data och kör alla rapporter"
	@echo "make test    – installera vid behov och kör testerna"
	@echo "make lab     – starta JupyterLab med projektets kärna"
	@echo "make bench   – mät körtider (skriver benchmarks/results.json)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -m ipykernel install --sys-prefix --name omsorgsanalys --display-name "Omsorgsanalys" >/dev/null
	@touch $(STAMP)

data: $(STAMP)
	$(OMSORG) bygg

report: data
	$(OMSORG) kör --alla

test: $(STAMP)
	$(PY) -m pytest

lab: data
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --allow-root --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

bench: data
	$(PY) benchmarks/run.py

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv reports/*/ reports/index.html
