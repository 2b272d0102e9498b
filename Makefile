# psikg: `make demo` runs the main job on the bundled data, `make test` runs the tests.
# Both create the virtual environment on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STORE := .psikg/demo.psikg
SCALE ?= M

.PHONY: demo test bench browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_STORE)
	$(BIN)/psikg --store $(DEMO_STORE) load
	$(BIN)/psikg --store $(DEMO_STORE) stats
	$(BIN)/psikg --store $(DEMO_STORE) show bgd-sdg-tracker
	$(BIN)/psikg --store $(DEMO_STORE) match bgd-sdg-tracker --top 5
	$(BIN)/psikg --store $(DEMO_STORE) worksheet bgd-sdg-tracker FJI -o .psikg/worksheet.html
	$(BIN)/psikg --store $(DEMO_STORE) viz -o .psikg/network.html
	$(BIN)/psikg --store $(DEMO_STORE) viz --match bgd-sdg-tracker -o .psikg/match.html
	@echo
	@echo "Next (README.md, 'Your next five commands'):"
	@echo "  . $(BIN)/activate && export PSIKG_STORE=$(DEMO_STORE)"
	@echo "  psikg stats"

# Headless Chromium is the real browser of the HTML tests; install it where we may (root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) || \
	  echo "chromium not installed: browser tests will be skipped"; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --scale $(SCALE)

clean:
	rm -rf $(VENV) .psikg build *.egg-info .pytest_cache
