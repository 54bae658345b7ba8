# Metropolitan Dental's patient assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMP     := $(VENV)/.installed
SPACY_DIR := build/spacy/en_metro_dental
MODEL     := models/current.tar.gz
REPORTS   := reports

export PYTHONPATH := $(CURDIR)
# TensorFlow: quiet start-up, and two threads at most on this 2-core machine.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_INTRA_OP_PARALLELISM_THREADS ?= 2
export TF_INTER_OP_PARALLELISM_THREADS ?= 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

# Python 3.10 (Rasa 3.6 does not run on 3.11): the one on PATH, else pyenv's (.python-version).
PYTHON310 := $(shell command -v python3.10 2>/dev/null || (command -v pyenv >/dev/null && pyenv which python3.10 2>/dev/null))

NLU_DATA   := $(wildcard data/nlu/*.yml data/nlu/*/*.yml)
CORE_DATA  := $(wildcard data/stories/*.yml data/rules/*.yml)
NLP_CODE   := bot/nlp/build.py bot/nlp/vocabulary.py bot/nlp/normalize.py
# The list of data files, rewritten only when it changes: a removed file retrains too (make sees
# only files newer than the model, and a removed one is none).
DATA_LIST  := build/data-files.txt
$(shell mkdir -p build && printf '%s\n' $(sort $(NLU_DATA) $(CORE_DATA)) > $(DATA_LIST).new \
  && (cmp -s $(DATA_LIST).new $(DATA_LIST) || cp $(DATA_LIST).new $(DATA_LIST)); rm -f $(DATA_LIST).new)
# Every module of the NLU pipeline: a new one (bot/nlp/pain.py was first left out) needs no edit here.
TRAIN_DEPS := config.yml domain.yml $(DATA_LIST) $(NLU_DATA) $(CORE_DATA) $(filter-out $(NLP_CODE),$(wildcard bot/nlp/*.py)) $(SPACY_DIR)/meta.json

.PHONY: help setup run train spacy test test-unit test-scale validate test-conversations test-nlu lint bench sms production clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 was not found. Rasa 3.6 needs Python 3.10 (not 3.11)."; \
	  echo "Install it with pyenv: 'pyenv install 3.10.13' (this repo's .python-version selects it),"; \
	  echo "or with your system's package manager (python3.10, python3.10-venv), then run make again."; \
	  exit 1; fi
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel 'setuptools<70'
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

setup: $(STAMP) $(SPACY_DIR)/meta.json ## Create the virtual environment and build the spaCy pipeline

$(SPACY_DIR)/meta.json: $(NLP_CODE) | $(STAMP)
	$(PY) -m bot.nlp.build --output $(SPACY_DIR)

spacy: $(SPACY_DIR)/meta.json ## Build the project's spaCy pipeline (blank English + clinic vocabulary)

$(MODEL): $(TRAIN_DEPS) | $(STAMP)
	@mkdir -p models
	$(RASA) train --config config.yml --domain domain.yml --data data --out models --fixed-model-name current
	@touch $@

train: $(MODEL) ## Train the Rasa model (only when data, config or the pipeline changed)

run: $(MODEL) ## Start the Rasa server, the action server and the web app (Ctrl-C stops all)
	$(PY) -m bot.run

validate: $(STAMP) ## rasa data validate, failing on any warning
	$(PY) -m bot.validate

test-unit: $(STAMP)
	$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/browser --ignore=tests/scale

test-conversations: $(MODEL) ## Conversation tests: questions through NLU (--e2e), the forms' dialogue by their stories' intents
	@mkdir -p $(REPORTS)
	$(RASA) test core --e2e --model $(MODEL) --stories tests/conversations/nlu --out $(REPORTS)/core-nlu --fail-on-prediction-errors
	$(RASA) test core --model $(MODEL) --stories tests/conversations/dialogue --out $(REPORTS)/core-dialogue --fail-on-prediction-errors

test-nlu: $(MODEL) ## Held-out NLU evaluation with the 95% intent-accuracy gate (English held-out, the blind French set)
	@mkdir -p $(REPORTS)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/heldout.yml --out $(REPORTS)/nlu --no-plot
	$(PY) -m bot.nlu_gate $(REPORTS)/nlu/intent_report.json --min-accuracy 0.95
	$(PY) -m tests.blind.to_nlu tests/blind/french.yml $(REPORTS)/heldout_fr.yml
	$(RASA) test nlu --model $(MODEL) --nlu $(REPORTS)/heldout_fr.yml --out $(REPORTS)/nlu-fr --no-plot
	$(PY) -m bot.nlu_gate $(REPORTS)/nlu-fr/intent_report.json --min-accuracy 0.95

test: $(MODEL) lint validate test-conversations test-nlu ## Everything: lint, validation, conversation tests, NLU gate, pytest (unit, e2e, browser, scale)
	$(PY) -m pytest tests

test-scale: $(MODEL) ## PostgreSQL + Redis + nginx with two Rasa servers (part of make test)
	$(PY) -m pytest -q tests/scale

production: $(MODEL) ## The production profile: several Rasa servers behind nginx (deploy/production.env)
	$(PY) -m deploy.run_production --env-file deploy/production.env

lint: $(STAMP) ## ruff over the Python code
	$(VENV)/bin/ruff check bot actions tests benchmarks deploy

bench: $(MODEL) ## Benchmark ours against stock Rasa's default config, side by side
	$(PY) -m benchmarks.run

sms: $(STAMP) ## Chat with the running bot as a phone number, signed like Twilio
	$(PY) -m bot.channels.sms_simulator

clean: ## Remove build products (not the virtual environment or var/)
	rm -rf build models $(REPORTS)
