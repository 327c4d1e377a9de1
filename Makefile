# The two commands: `make run` and `make test` (see README.md). Both are idempotent.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ASSETS := node_modules/.installed-stamp
PO := src/lianzhang/locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)
ADDR ?= 127.0.0.1:8000

.PHONY: run test setup system-packages browser lint pytest pytest-pg migrate demo messages makemessages bench clean

run: setup migrate demo
	$(BIN)/lianzhang serve $(ADDR)

test: setup lint pytest pytest-pg

setup: $(STAMP) $(ASSETS) $(MO) system-packages

# cairo and a CJK font: the tree PNG export rasterises Chinese text on the server.
system-packages:
	@scripts/ensure-system-packages.sh libcairo2 fonts-noto-cjk

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || scripts/ensure-system-packages.sh npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(MO): $(PO)
	@command -v msgfmt >/dev/null || scripts/ensure-system-packages.sh gettext
	msgfmt --check -o $@ $<

messages: $(MO)

makemessages: $(STAMP)
	cd src/lianzhang && ../../$(BIN)/lianzhang makemessages -l zh_Hans --no-obsolete --add-location file

migrate: setup
	$(BIN)/lianzhang migrate --noinput -v 0

demo: migrate
	$(BIN)/lianzhang load_demo

lint: $(STAMP)
	$(BIN)/ruff check src bench

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads one).
browser:
	@scripts/ensure-system-packages.sh chromium

pytest: setup browser
	$(BIN)/pytest -n 2 src

pytest-pg: setup browser
	scripts/pg-test.sh $(BIN)/pytest -n 2 src

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules var $(MO)
