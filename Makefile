# Enlist Assistant (征兵咨询助手). The two commands: `make run` and `make test`.
# Both set everything up on a fresh machine: Python 3.10 venv in .venv with the pinned
# dependencies, the FAQ training data, a model (trained only when an input changed).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
ENLIST      := $(VENV)/bin/enlist
PY_VERSION  := $(shell cat .python-version)
# pyenv honours .python-version; otherwise any python3.10 on PATH.
BASE_PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.10 || command -v python3.10)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore

.PHONY: help setup lint build model run test validate bench bench-store bench-single bench-widget webchat mutation

help:
	@echo "make run    set up, build, train if needed, start Rasa (:5005) and the bot service (:5055)"
	@echo "make test   set up, validate, train if needed, run all tests"
	@echo "make mutation  mutation score of the pure logic modules against their unit tests (before a release)"

$(VENV)/.installed: pyproject.toml requirements/constraints.txt .python-version
	@test -n "$(BASE_PYTHON)" || { echo "Python $(PY_VERSION) not found: run 'pyenv install $(PY_VERSION)'"; exit 1; }
	@"$(BASE_PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || { echo "Rasa 3.6 needs Python 3.10; $(BASE_PYTHON) is $$("$(BASE_PYTHON)" --version)"; exit 1; }
	test -x $(PY) || "$(BASE_PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[test]'
	touch $@

setup: $(VENV)/.installed

validate: setup
	$(ENLIST) faq validate

build: validate
	$(ENLIST) faq build

model: build
	$(VENV)/bin/rasa data validate --domain domain --data data --config config.yml
	$(ENLIST) train --if-needed

run: setup
	$(ENLIST) run

# rasa-webchat from npm, for the socket.io browser test (tests/channels/): the published
# tarball only (its lib/index.js is the self-contained bundle), checked against this hash.
WEBCHAT_VERSION   := 1.0.1
WEBCHAT_INTEGRITY := sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w==
WEBCHAT_DIR       := build/webchat
WEBCHAT_BUNDLE    := $(WEBCHAT_DIR)/rasa-webchat-$(WEBCHAT_VERSION)/lib/index.js

$(WEBCHAT_BUNDLE):
	@command -v npm >/dev/null || { echo "npm not found: install nodejs and npm (.ci/run does)"; exit 1; }
	mkdir -p $(WEBCHAT_DIR)
	cd $(WEBCHAT_DIR) && npm pack --silent rasa-webchat@$(WEBCHAT_VERSION) >/dev/null
	@test "sha512-$$(openssl dgst -sha512 -binary $(WEBCHAT_DIR)/rasa-webchat-$(WEBCHAT_VERSION).tgz | base64 -w0)" = "$(WEBCHAT_INTEGRITY)" \
		|| { echo "rasa-webchat-$(WEBCHAT_VERSION).tgz does not match WEBCHAT_INTEGRITY"; rm -f $(WEBCHAT_DIR)/*.tgz; exit 1; }
	mkdir -p $(WEBCHAT_DIR)/rasa-webchat-$(WEBCHAT_VERSION)
	tar xzf $(WEBCHAT_DIR)/rasa-webchat-$(WEBCHAT_VERSION).tgz -C $(WEBCHAT_DIR)/rasa-webchat-$(WEBCHAT_VERSION) --strip-components=1 package/lib/index.js
	touch $@

webchat: $(WEBCHAT_BUNDLE)

# Format and lint (ruff) and types (mypy) before any test runs.
lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint model webchat
	$(PY) -m pytest

# Mutation testing (not part of make test; run before a release). MUTATION_ARGS, e.g.
# "--group eligibility" or "--sample 40", are passed to tools/mutation.py.
$(VENV)/.mutation-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[test,mutation]'
	touch $@

mutation: $(VENV)/.mutation-installed
	$(PY) tools/mutation.py $(MUTATION_ARGS)

bench-single: model
	$(PY) -m bench.single_user

bench: model
	$(ENLIST) bench --output bench/RESULTS.md

bench-store: model
	$(PY) -m bench.store_ab

bench-widget: model
	$(PY) -m bench.widget_latency
