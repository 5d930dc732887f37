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
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
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

clean:
	rm -rf $(VENV) briefings/*/ .pytest_cache
