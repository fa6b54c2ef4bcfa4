# apiops.provisioning: build and test entry points. `make help` lists them.
# Everything runs from the project venv in .venv/ (made by `make venv` from a real Python 3.11).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter the venv is made from: pyenv's real Python 3.11 when there is one (not a pyenv
# shim: the shims python3.8 ... python3.13 exit 127), else python3. Override: make BOOTSTRAP_PYTHON=...
BOOTSTRAP_PYTHON ?= $(firstword $(wildcard /root/.pyenv/versions/3.11.7/bin/python $(HOME)/.pyenv/versions/3.11.*/bin/python) python3)

VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# The demo's own small venv: only what it runs (ansible-core and requests), made in seconds.
DEMO_VENV := .venv-demo
DEMO_REQUIREMENTS := requirements.txt tests/requirements-demo.txt
REQUIREMENTS := requirements.txt tests/requirements-test.txt
RUNNER := $(VENV_PYTHON) tests/utils/run_tests.py
EMULATOR_PORT ?= 0

.PHONY: help venv demo-venv test sanity units functional reliability integration integration-readings lint emulator build clean distclean demo bench docs matrix

help:
	@echo 'make demo         the provisioning playbook, twice, on the embedded emulator, then a summary'
	@echo 'make venv         create or update .venv/ (reinstalls only when a requirements file changed)'
	@echo 'make demo-venv    create or update .venv-demo/ (ansible-core and requests only, for make demo)'
	@echo 'make test         all stages: sanity, units, functional, integration, lint, docs-current, matrix; ends with "N passed, N failed"'
	@echo 'make sanity       ansible-test sanity only'
	@echo 'make units        unit tests (tests/unit) only'
	@echo 'make functional   functional tests (tests/functional) only'
	@echo 'make integration  integration targets against the emulator only'
	@echo 'make integration-readings  the targets under each reading of open behaviours (docs/fidelity.md)'
	@echo 'make lint         the lint stages only (ansible-lint, docs, changelog; each off until its tool is pinned)'
	@echo 'make docs         regenerate the module and role reference in docs/collection/ (antsibull-docs)'
	@echo 'make matrix       the version matrix only: sanity/units on other ansible-core lines, each in .venv-<line>/'
	@echo 'make emulator     the API emulator in the foreground, with the export lines for ad-hoc runs (EMULATOR_PORT=0 picks a free port; EMULATOR_ENV=FILE writes the exports there)'
	@echo 'make bench        the benchmark (requests per operation, lookup cost, role vs uri); BENCH_ARGS=--quick'
	@echo 'make build        build the collection artifact into dist/'
	@echo 'make clean        remove .build/, tests/output/ and dist/ (make distclean: .venv/ and .venv-*/ too)'

venv:
	@$(BOOTSTRAP_PYTHON) tests/utils/make_venv.py --venv $(VENV) $(REQUIREMENTS)

demo-venv:
	@$(BOOTSTRAP_PYTHON) tests/utils/make_venv.py --progress --without-pip --venv $(DEMO_VENV) $(DEMO_REQUIREMENTS)

test: venv
	@$(RUNNER)

sanity units functional reliability integration integration-readings: venv
	@$(RUNNER) $@

lint: venv
	@$(RUNNER) ansible-lint docs-lint changelog-lint

docs: venv
	@$(VENV_PYTHON) tests/utils/build_docs.py

matrix: venv
	@$(RUNNER) matrix

# The emulator needs only the standard library; it runs from the demo's small venv, whose ansible
# the printed export lines put first on PATH. EMULATOR_ENV=FILE also writes those lines to FILE.
emulator: demo-venv
	@exec $(DEMO_VENV)/bin/python tests/demo/serve.py --port $(EMULATOR_PORT) $(if $(EMULATOR_ENV),--env-file $(EMULATOR_ENV))

build: venv
	@mkdir -p dist
	$(VENV)/bin/ansible-galaxy collection build --force --output-path dist .

clean:
	rm -rf .build tests/output dist

distclean: clean
	rm -rf $(VENV) $(VENV)-*

demo: demo-venv
	@$(DEMO_VENV)/bin/python tests/demo/run.py

bench: venv
	@$(VENV_PYTHON) tests/bench/run.py $(BENCH_ARGS)
