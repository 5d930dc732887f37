PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the project's Python as a Jupyter kernel, the one the notebooks name
KERNEL_SPEC := $(VENV)/share/jupyter/kernels/policy-kit/kernel.json
PARAMS ?= params/memorandum-2024.yaml
# SLOW=1 also runs the end-to-end notebook runs (CI sets it).
PYTEST_MARK := $(if $(SLOW),,-m "not slow")

.PHONY: briefing test install validate lab benchmark clean

briefing: $(STAMP)
	$(BIN)/policy-kit run $(PARAMS)

test: $(STAMP) $(KERNEL_SPEC)
	$(BIN)/python -m pytest $(PYTEST_MARK) $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	@echo "Installing policy_kit and its dependencies into $(VENV): a few minutes the first time; pip shows each package."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[test]'
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/policy-kit validate params/*.yaml

# JupyterLab at the project root (params/, data/, briefings/ in its file browser), opened on notebooks/
lab: $(STAMP) $(KERNEL_SPEC)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks $(LAB_ARGS)

$(KERNEL_SPEC): $(STAMP)
	$(BIN)/python -m policy_kit.lab

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_benchmarks.py

# The step cache (briefings/.cache) goes too; it also prunes itself to run.cache_max_mb.
clean:
	rm -rf $(VENV) briefings/*/ briefings/.cache .pytest_cache
