# Datashare Flow — two commands for a newcomer: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test install migrate demo bench clean

$(BIN)/flask: setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/flask

# bpmn-js and ECharts for the pages, from the npm registry (served locally, never from a CDN).
# Installed outside app/ (in the gitignored .web-assets/) so app/ holds only our own code.
WEB_ASSETS := .web-assets
$(WEB_ASSETS)/node_modules/.package-lock.json: app/web/package.json app/web/package-lock.json
	mkdir -p $(WEB_ASSETS)
	cp app/web/package.json app/web/package-lock.json $(WEB_ASSETS)/
	npm ci --prefix $(WEB_ASSETS) --no-audit --no-fund --loglevel=error

install: $(BIN)/flask $(WEB_ASSETS)/node_modules/.package-lock.json

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask bpmn deploy
	$(BIN)/flask demo load

## Install, migrate the embedded SQLite database, load demo data, deploy bpmn/, serve on :5000.
run: demo
	@echo "Datashare Flow: http://127.0.0.1:5000/login  (API docs: http://127.0.0.1:5000/api/v1/docs)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## The whole suite; on PostgreSQL when TEST_DATABASE_URL is set, else on SQLite.
test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/lifecycle.py

clean:
	rm -rf $(VENV) instance *.egg-info
