PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PARAMS ?= params/memorandum-2024.yaml
# SLOW=1 also runs the end-to-end notebook runs (CI sets it).
PYTEST_MARK := $(if $(SLOW),,-m "not slow")

.PHONY: briefing test install validate lab benchmark clean

briefing: $(STAMP)
	$(BIN)/policy-kit run $(PARAMS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_MARK) $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/policy-kit validate params/*.yaml

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_benchmarks.py

clean:
	rm -rf $(VENV) briefings/*/ .pytest_cache
