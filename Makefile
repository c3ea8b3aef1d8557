# The two commands of the README: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= $(or $(GONGKAI_INDEX_DIR),var/index)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: serve test install install-test browser-deps index bench clean axe-deps formats-deps word-deps pdf-deps

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

# axe-core (MPL-2.0) for the accessibility audit of the browser tests: fetched once from the npm
# registry into var/axe, injected into pages by Playwright (tests/test_browser_ui.py).
AXE_VERSION = 4.14.1
AXE = var/axe/package/axe.min.js
axe-deps: $(AXE)
$(AXE):
	@command -v npm >/dev/null || { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	mkdir -p var/axe && cd var/axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	  tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js package/LICENSE

# Report formats: LibreOffice converts .doc/.wps to .docx (tables kept) and makes the PDF test
# files; antiword is the text-only .doc fallback the tests also run (GPL programs, run as separate
# processes, never linked); Tesseract with its simplified-Chinese model (shipped in the Debian
# package) reads scanned PDFs; the CJK fonts render the PDFs LibreOffice makes. Installed only
# when missing.
word-deps pdf-deps: formats-deps
formats-deps:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v antiword >/dev/null 2>&1 || \
	    ! command -v tesseract >/dev/null 2>&1 || \
	    [ ! -f /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing LibreOffice, antiword, CJK fonts and Tesseract (chi_sim) for PDF and Word reports"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libreoffice-writer-nogui antiword fonts-noto-cjk tesseract-ocr tesseract-ocr-chi-sim >/dev/null; \
	fi

index: install
	$(BIN)/gongkai index corpus --index-dir $(INDEX)

serve: index
	$(BIN)/gongkai serve --index-dir $(INDEX) --host $(HOST) --port $(PORT)

test: install-test browser-deps sphinx-deps axe-deps formats-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var

# The local Sphinx cluster (make cluster, make cluster-stop) and its Debian package.
include mk/cluster.mk
