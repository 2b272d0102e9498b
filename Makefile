# psikg: `make demo` runs the main job on the bundled data, `make test` runs the tests.
# Both create the virtual environment on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STORE := .psikg/demo.psikg
SCALE ?= M

.PHONY: demo test bench browser clean neo4j

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

# make bench [SCALE=bundled|S|M|L] [ONLY=export,oxigraph]: every figure beside its baselines and limit
# (bench-results/results-$(SCALE).md and .json); the latency cases run again with one core kept busy.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --scale $(SCALE) $(if $(ONLY),--only $(ONLY))

# A Neo4j Community server to try psikg on (tests/neo4j): prints NEO4J_URI=bolt://127.0.0.1:PORT, user neo4j,
# password psikg-test-password; Ctrl-C stops it and deletes its data. `make neo4j NEO4J_VERSION=2026.08.1` runs
# the newest release (needs a JDK 21+ as JAVA_HOME); NEO4J_ARGS="--port 7687 --home DIR" keeps a port and data.
NEO4J_VERSION ?= 5.26.30
NEO4J_TARGET := tests/neo4j/target/$(NEO4J_VERSION)
neo4j:
	cd tests/neo4j && mvn -q -B package -Dneo4j.version=$(NEO4J_VERSION)
	$${JAVA_HOME:+$$JAVA_HOME/bin/}java -cp "$(NEO4J_TARGET)/classes:$$(cat $(NEO4J_TARGET)/classpath.txt)" \
	  org.psikg.neo4j.Neo4jLauncher $(NEO4J_ARGS)

clean:
	rm -rf $(VENV) .psikg build *.egg-info .pytest_cache
