# Makefile of the annotated edition. `make` (or `make help`) lists the targets.
#
# `make html` and `make test` create .venv from requirements.txt when it is
# missing, and reinstall when requirements.txt changes (the stamp file below).

PYTHON      ?= python3
VENV        ?= .venv
BUILDDIR    ?= _build
SPHINXOPTS  ?= -W --keep-going -n
PYTESTOPTS  ?=
# make test runs the tests in this many processes (pytest-xdist); 1 runs them
# in one, in order.
TESTJOBS    ?= 2
JOBS        ?= 1

BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed-requirements
SPHINXBUILD := $(BIN)/sphinx-build

.DEFAULT_GOAL := help
.PHONY: help venv html dist check lint test test-online linkcheck live clean pdf epub

help: ## List the targets
	@echo "Targets (set-up is automatic: the first run creates $(VENV)):"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP) ## Create or update the virtual environment

html: $(STAMP) ## Build the site strictly into _build/html (opens at index.html)
	$(SPHINXBUILD) -b html -j $(JOBS) $(SPHINXOPTS) -d $(BUILDDIR)/doctrees . $(BUILDDIR)/html
	@echo "Open $(BUILDDIR)/html/index.html"

# The gzip copies are for the host, not for a preview from disk: they are
# written here, after the build, and not by `make html` (see
# edition_tools/ext/precompress.py).
dist: html ## Build the site and add the gzip copies a host serves (what CI keeps)
	$(BIN)/python -m edition_tools.ext.precompress $(BUILDDIR)/html

check: $(STAMP) ## Validate the content without a Sphinx build (fast)
	$(BIN)/python -m edition_tools.check

# ruff (pinned in requirements.txt) over every Python file, shellcheck over
# the CI script and check-jsonschema over the GitHub workflows, against the
# workflow schema it ships (no download). Settings: pyproject.toml [tool.ruff].
lint: $(STAMP) ## Lint the Python (ruff), the CI script (shellcheck) and the workflows
	$(BIN)/ruff check .
	$(BIN)/shellcheck .ci/run
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# The tests marked `network` need the internet (the online link check): they
# run in `make test-online` and the weekly workflow, so that an offline `make
# test`, CI's included, runs every test it selects and skips none.
#
# The tests run in TESTJOBS processes (pytest-xdist); each build of the whole
# edition is made once for the run, and the modules built around a fixture of
# their own each run whole in one process (tests/conftest.py).
test: $(STAMP) ## Run the whole offline test suite (CI runs this)
	$(BIN)/python -m pytest -m "not network" $(if $(filter-out 1,$(TESTJOBS)),-n $(TESTJOBS)) $(PYTESTOPTS)

test-online: $(STAMP) ## Run the tests that need the internet (the online link check)
	$(BIN)/python -m pytest -m network $(PYTESTOPTS)

# -- npm packages, each folder pinned by its package-lock.json: axe-core for
# the browser tests (tests/browser), Lighthouse 12 for the reader section of
# make bench and its test (edition_tools/bench/lighthouse). `npm ci` runs when
# node_modules is missing or the lock file changed; without npm, what needs
# them says so and skips (CI installs nodejs, see .ci/).
AXE_STAMP        := tests/browser/node_modules/.installed-package-lock
LIGHTHOUSE_STAMP := edition_tools/bench/lighthouse/node_modules/.installed-package-lock
test: $(AXE_STAMP) $(LIGHTHOUSE_STAMP)
%/node_modules/.installed-package-lock: %/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  (cd $* && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm not found (Debian package nodejs): what needs $*/node_modules will skip"; fi

linkcheck: $(STAMP) ## Check external links with Sphinx's linkcheck builder (online)
	$(SPHINXBUILD) -b linkcheck $(SPHINXOPTS) . $(BUILDDIR)/linkcheck

live: $(STAMP) ## Rebuild and reload in the browser while you edit
	$(BIN)/sphinx-autobuild $(SPHINXOPTS) --watch edition_tools --watch sources \
	  --ignore "$(BUILDDIR)/*" . $(BUILDDIR)/html

# -- PDF ----------------------------------------------------------------------
# The file name is PDF_NAME in edition_tools/ext/latex_edition.py. The PDF's
# creation date is that of the last commit: the same text, the same PDF.
PDF         := $(BUILDDIR)/latex/annotated-edition.pdf
PDF_DATE    ?= $(shell git log -1 --format=%ct 2>/dev/null)
LATEXMKOPTS ?= -silent
LATEXOPTS   ?= -halt-on-error

pdf: $(STAMP) ## Build the printed edition (needs TeX: see README) and print its path
	@$(BIN)/python -m edition_tools.ext.tex_installation
	$(SPHINXBUILD) -b latex $(SPHINXOPTS) -d $(BUILDDIR)/doctrees . $(BUILDDIR)/latex
	$(if $(PDF_DATE),SOURCE_DATE_EPOCH=$(PDF_DATE)) $(MAKE) -C $(BUILDDIR)/latex all-pdf \
	  LATEXMKOPTS="$(LATEXMKOPTS)" LATEXOPTS="$(LATEXOPTS)"
	@echo $(PDF)

# -- EPUB ---------------------------------------------------------------------
# The file name is EPUB_NAME in edition_tools/ext/epub_edition.py. Its date
# and the time of every entry of the zip are those of the last commit
# (SOURCE_DATE_EPOCH): two builds of one commit give the same bytes. It keeps
# its own doctree folder, so that it never leaves state behind for the site's
# incremental builds.
EPUB        := $(BUILDDIR)/epub/annotated-edition.epub
EPUB_DATE   ?= $(shell git log -1 --format=%ct 2>/dev/null)

epub: $(STAMP) ## Build the edition for e-readers (EPUB 3) and print its path
	$(if $(EPUB_DATE),SOURCE_DATE_EPOCH=$(EPUB_DATE)) $(SPHINXBUILD) -b epub $(SPHINXOPTS) \
	  -d $(BUILDDIR)/doctrees-epub . $(BUILDDIR)/epub
	@echo $(EPUB)

.PHONY: bench
bench: $(STAMP) $(LIGHTHOUSE_STAMP) ## Measure build, rebuild, check, PDF, scaling, reader and test-suite costs into _build/bench
	$(BIN)/python -m edition_tools.bench

clean: ## Remove every build product (keeps .venv)
	rm -rf $(BUILDDIR)

# -- Annotation export (W3C Web Annotation) ----------------------------------
.PHONY: annotations
annotations: $(STAMP) ## Export the annotations as W3C Web Annotations (_build/annotations)
	$(BIN)/python -m edition_tools.export --output $(BUILDDIR)/annotations/annotations.jsonld
