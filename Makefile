# Gaoxin — the two commands a fresh machine needs are `make run` and `make test`.
# Everything else here is what those two call, plus tools for developers.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= gaoxin.config.settings.local

.PHONY: run test install install-dev system-deps lint types types-py39 contracts migrations-check messages-check check audit lock messages clean fairdraw.pyz

## make run: install, migrate the SQLite database, load demo data if empty, serve on :8000 with
## the background worker beside the web server (Ctrl-C stops both)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --if-empty
	@echo "Gaoxin: http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py serve $(HOST):$(PORT)

## make test: install the development tools and pass the whole suite (SQLite, then PostgreSQL)
test: install-dev system-deps
	DJANGO_SETTINGS_MODULE=gaoxin.config.settings.test $(PY) -m pytest
	GAOXIN_TEST_DB=postgres DJANGO_SETTINGS_MODULE=gaoxin.config.settings.test $(PY) -m pytest --ignore=gaoxin/fairdraw -m "not browser"

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-base: requirements/base.txt requirements/build.txt pyproject.toml gaoxin/fairdraw/_speedups.c
	scripts/bootstrap.sh base
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt requirements/build.txt pyproject.toml gaoxin/fairdraw/_speedups.c
	scripts/bootstrap.sh dev
	@touch $@ $(VENV)/.installed-base

## system packages the tests use (Chromium for browser tests); skipped with a message when impossible
system-deps:
	@scripts/system-deps.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install-dev
	$(VENV)/bin/mypy gaoxin tests conftest.py $(wildcard bench)

## fairdraw runs on Python 3.9 (fairdraw.pyz promises it): no 3.10+ call in the package
types-py39: install-dev
	$(VENV)/bin/mypy --config-file /dev/null --python-version 3.9 --ignore-missing-imports --exclude '/tests/' -p gaoxin.fairdraw

## make fairdraw.pyz: the verifier as one file (standard library only), reproducibly, in dist/
fairdraw.pyz:
	$(PYTHON) -m gaoxin.fairdraw.build_pyz dist/fairdraw.pyz

contracts: install-dev
	$(VENV)/bin/lint-imports

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=gaoxin.config.settings.test $(PY) manage.py makemigrations --check --dry-run

check: lint types types-py39 contracts migrations-check messages-check

## make audit: pip-audit the pinned requirements/base.txt and dev.txt; fails on a known
## vulnerability (scripts/audit.py; GAOXIN_AUDIT_STRICT=1 also fails on unaudited packages)
audit: install-dev
	$(PY) scripts/audit.py requirements/base.txt requirements/dev.txt

## regenerate the lock files after changing pyproject.toml
lock: install-dev
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.txt
	$(VENV)/bin/uv pip compile requirements/build.in --python-version 3.11 --generate-hashes -q -o requirements/build.txt

## regenerate translation catalogues (needs gettext)
messages: install-dev
	cd gaoxin && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore "fairdraw/*" --ignore "*/tests/*"
	cd gaoxin && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

## the committed translation catalogues compile cleanly (needs gettext's msgfmt)
messages-check: system-deps
	@for po in gaoxin/locale/*/LC_MESSAGES/django.po; do msgfmt --check -o /dev/null $$po || exit 1; done
