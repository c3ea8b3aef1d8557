# The two commands of the README: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= $(or $(GONGKAI_INDEX_DIR),var/index)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: serve test install install-test browser-deps pdf-deps index bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# PDF tests: LibreOffice makes PDFs from corpus reports, Tesseract (with its simplified-Chinese
# model, shipped in the package) reads scanned ones. Installed only when missing.
pdf-deps:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v tesseract >/dev/null 2>&1 || \
	    [ ! -f /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing LibreOffice, CJK fonts and Tesseract (chi_sim) for the PDF tests"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libreoffice-writer-nogui fonts-noto-cjk tesseract-ocr tesseract-ocr-chi-sim >/dev/null; \
	fi

index: install
	$(BIN)/gongkai index corpus --index-dir $(INDEX)

serve: index
	$(BIN)/gongkai serve --index-dir $(INDEX) --host $(HOST) --port $(PORT)

test: install-test browser-deps sphinx-deps pdf-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var

# The local Sphinx cluster (make cluster, make cluster-stop) and its Debian package.
include mk/cluster.mk
