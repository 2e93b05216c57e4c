# fazhi — two commands on a fresh machine:  make demo  (run it)   make test  (test it)
VENV  ?= .venv
BIN   := $(VENV)/bin
HOST  ?= 127.0.0.1
PORT  ?= 8000
SCALE ?= 0.05
PYTHON ?= python3

.PHONY: install demo serve test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(BIN)/.installed node_modules/.installed

demo: install
	$(BIN)/fazhi migrate --noinput -v0
	$(BIN)/fazhi demo-data --scale $(SCALE) --if-empty
	$(BIN)/fazhi scan-deadlines --no-mail
	$(BIN)/fazhi write-report --unit YC --year 2025 --out var/云川市2025年法治政府建设年度报告.docx --no-compute
	@echo "网页界面：http://$(HOST):$(PORT)/  账号 fzb（法治办），密码 fazhi-demo-2026"
	@# A task worker beside the web server (imports, assessments, reports, the nightly jobs); stopped with it.
	$(BIN)/fazhi worker -v0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	FAZHI_DEBUG=$${FAZHI_DEBUG:-0} $(BIN)/fazhi runserver $(HOST):$(PORT) --noreload

test: install
	FAZHI_CONN_MAX_AGE=0 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules fazhi.sqlite3 test-artifacts
