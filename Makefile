# Two commands on a fresh machine: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
# Loopback only by default; HOST=0.0.0.0 listens on every interface.
HOST ?= 127.0.0.1
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run worker test bench install clean chromium backup restore

# Re-installs only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run serve.py --server.address $(HOST) --server.port $(PORT) --server.headless true

# A standalone generation worker against the same database (DATABASE_URL), on this or any other machine.
worker: $(STAMP)
	$(PY) -m lib.jobs.worker

# In CI the browser tests need Debian's Chromium (no browser download: Playwright drives /usr/bin/chromium).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@if [ "$(CI)" = "true" ] && [ ! -x /usr/bin/chromium ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

test: $(STAMP) chromium
	$(PY) -m pytest -q

# A fresh embedded PostgreSQL in a temporary folder, 10,000 sessions seeded, History and Gallery timed; last line JSON.
bench: $(STAMP)
	$(PY) -m bench.run

# One archive of the database (pg_dump) and every image file; restore only into an empty data folder or database.
backup: $(STAMP)
	$(PY) -m lib.backup create $(FILE)

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/content-studio-....tar"; exit 2; }
	$(PY) -m lib.backup restore $(FILE)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
