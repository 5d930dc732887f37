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
	@echo "Installing policy_kit and its dependencies into $(VENV): a few minutes the first time; pip shows each package."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[test]'
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/policy-kit validate params/*.yaml

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_benchmarks.py

# The step cache (briefings/.cache) goes too; it also prunes itself to run.cache_max_mb.
clean:
	rm -rf $(VENV) briefings/*/ briefings/.cache .pytest_cache
