# apiops.provisioning: build and test entry points. `make help` lists them.
# Everything runs from the project venv in .venv/ (made by `make venv` from a real Python 3.11).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter the venv is made from: the first of python3.11 and python3 that runs (a pyenv
# shim of a version pyenv does not select exits 127). Override: make BOOTSTRAP_PYTHON=...
BOOTSTRAP_PYTHON ?= $(shell for p in python3.11 python3; do $$p -c '' 2>/dev/null && { echo $$p; break; }; done)
# Where pyenv manages the Pythons, let every installed one answer to its pythonX.Y (the selected
# one first), so that nox finds the matrix sessions' interpreters on PATH as it finds any other.
ifneq ($(shell command -v pyenv 2>/dev/null),)
export PYENV_VERSION ?= $(shell v=$$(pyenv version-name 2>/dev/null | cut -d: -f1); printf '%s' "$$v"; for o in $$(pyenv versions --bare 2>/dev/null); do [ "$$o" = "$$v" ] || printf ':%s' "$$o"; done)
endif

VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# The demo's own small venv: only what it runs (ansible-core and requests), made in seconds.
DEMO_VENV := .venv-demo
DEMO_REQUIREMENTS := requirements.txt tests/requirements-demo.txt
REQUIREMENTS := requirements.txt tests/requirements-test.txt
NOX := $(VENV)/bin/nox --no-color
EMULATOR_PORT ?= 0

# `make test` runs the nox sessions (noxfile.py) in two lanes at once, one per core; each lane
# in its order, cheap sessions first; a session's output is shown whole when it ends. Then the
# summary: a table and the line "N passed, N failed". The lanes take about as long as each other
# (on 2 cores, about 10 minutes each: the integration targets and their readings in one, the rest in the other).
LANE_1 := units docs-check lint changelog functional reliability sanity matrix-2.20 matrix-2.18 matrix-2.21
LANE_2 := integration readings
SESSIONS := $(LANE_1) $(LANE_2)

.PHONY: help venv demo-venv test units functional reliability reliability-report sanity integration readings lint \
	docs-check changelog matrix emulator build clean distclean demo bench docs $(addprefix session-,$(SESSIONS))

help:
	@echo 'make demo         the provisioning playbook, twice, on the embedded emulator, then a summary'
	@echo 'make venv         create or update .venv/ (reinstalls only when a requirements file changed)'
	@echo 'make demo-venv    create or update .venv-demo/ (ansible-core and requests only, for make demo)'
	@echo 'make test         every nox session (noxfile.py), two at a time, then "N passed, N failed"'
	@echo 'make units        one session: units, functional, reliability, sanity, integration, readings, lint, docs-check, changelog'
	@echo '                  (or .venv/bin/nox -s NAME [-- pytest or target arguments]; .venv/bin/nox -l lists them)'
	@echo 'make reliability-report  the reliability suite, writing its ledger to docs/reliability.md'
	@echo 'make docs         regenerate the module and role reference in docs/collection/ (antsibull-docs)'
	@echo 'make matrix       the version matrix: units (and sanity) on other ansible-core lines, each in its nox venv'
	@echo 'make emulator     the API emulator in the foreground, with the export lines for ad-hoc runs (EMULATOR_PORT=0 picks a free port; EMULATOR_ENV=FILE writes the exports there)'
	@echo 'make bench        the benchmark (requests per operation, lookup cost, role vs uri); BENCH_ARGS=--quick'
	@echo 'make build        build the collection artifact into dist/'
	@echo 'make clean        remove .build/, tests/output/ and dist/ (make distclean: the venvs too)'

venv:
	@$(BOOTSTRAP_PYTHON) tests/utils/make_venv.py --venv $(VENV) $(REQUIREMENTS)

demo-venv:
	@$(BOOTSTRAP_PYTHON) tests/utils/make_venv.py --progress --without-pip --venv $(DEMO_VENV) $(DEMO_REQUIREMENTS)

test: venv
	@rm -rf .build/results
	@$(MAKE) --no-print-directory -j2 -Otarget $(addprefix session-,$(SESSIONS))
	@$(NOX) -s summary -- $(SESSIONS)

# One session each; a failed session does not stop the others (the summary counts it).
$(addprefix session-,$(SESSIONS)): session-%: venv
	-@$(NOX) -s $*
# The order within each lane.
$(foreach lane,LANE_1 LANE_2,$(foreach i,$(wordlist 2,$(words $($(lane))),$(shell seq 1 $(words $($(lane))))),\
	$(eval session-$(word $(i),$($(lane))): | session-$(word $(shell expr $(i) - 1),$($(lane))))))

units functional reliability sanity integration readings lint docs-check changelog: venv
	@$(NOX) -s $@

# The reliability suite, writing its ledger to docs/reliability.md (commit it with the change).
reliability-report: venv
	@RELIABILITY_REPORT=$(CURDIR)/docs/reliability.md $(NOX) -s reliability

docs: venv
	@$(VENV_PYTHON) tests/utils/build_docs.py

matrix: venv
	@$(NOX) -s $(filter matrix-%,$(SESSIONS))

# The emulator needs only the standard library; it runs from the demo's small venv, whose ansible
# the printed export lines put first on PATH. EMULATOR_ENV=FILE also writes those lines to FILE.
emulator: demo-venv
	@exec $(DEMO_VENV)/bin/python tests/demo/serve.py --port $(EMULATOR_PORT) $(if $(EMULATOR_ENV),--env-file $(EMULATOR_ENV))

build: venv
	@mkdir -p dist
	$(VENV)/bin/ansible-galaxy collection build --force --output-path dist .

clean:
	rm -rf .build .nox tests/output dist

distclean: clean
	rm -rf $(VENV) $(VENV)-* .nox

demo: demo-venv
	@$(DEMO_VENV)/bin/python tests/demo/run.py

bench: venv
	@$(VENV_PYTHON) tests/bench/run.py $(BENCH_ARGS)
