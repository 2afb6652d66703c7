# Sanjin: the two commands a new machine needs are `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.8
# uv from PATH, else bootstrapped once into a virtualenv of its own (no --user install, which
# an externally managed Python refuses)
UV_HOME := $(HOME)/.cache/sanjin/uv-$(UV_VERSION)
UV := $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
export UV_PYTHON_PREFERENCE := only-system
# kustomize for the Kubernetes manifests, built once from the Go module proxy
KUSTOMIZE_VERSION := v5.7.1
KUSTOMIZE := $(HOME)/.cache/sanjin/kustomize-$(KUSTOMIZE_VERSION)/kustomize
export SANJIN_KUSTOMIZE := $(KUSTOMIZE)
# the API documents' linters (npm @redocly/cli, @asyncapi/cli), pinned with their whole tree by
# tools/api-lint/package-lock.json and installed once per lock file into the cache
API_LINT := $(HOME)/.cache/sanjin/api-lint-$(shell sha256sum tools/api-lint/package-lock.json | cut -c1-12)
REDOCLY := $(API_LINT)/node_modules/.bin/redocly
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
ASYNCAPI := $(API_LINT)/node_modules/.bin/asyncapi
export ASYNCAPI_METRICS_CONFIG_PATH := $(API_LINT)/asyncapi-analytics.json

.PHONY: help install servers browser tools api-lint-tools chaos fuzz up down logs status test test-unit lint lint-deploy format schemas bench print-check

help:
	@echo "make up      install what is missing, start Kafka, SecantusDB, Keycloak and the five services"
	@echo "make down    stop everything 'make up' started"
	@echo "make logs    follow the logs"
	@echo "make test    install what is missing, start the servers the tests need, run every test"
	@echo "make lint    ruff; Redocly on the five OpenAPI documents; AsyncAPI on docs/asyncapi.json"
	@echo "make bench  throughput and latency ratios against baselines (bench/results/latest.json)"
	@echo "make chaos  faults under load, then lost / double-counted checks (CHAOS_ARGS=--records N)"
	@echo "make fuzz   schemathesis on every operation, FUZZ_EXAMPLES per operation (100)"
	@echo "make print-check  render the official statistics xlsx to PDF (LibreOffice), check A4 pages"

$(UV_HOME)/bin/uv:
	python3 -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --quiet

up: install
	$(UV) run sanjin-dev up

down: $(UV)
	$(UV) run sanjin-dev down

logs: $(UV)
	$(UV) run sanjin-dev logs

status: $(UV)
	$(UV) run sanjin-dev status

# the servers' downloads and builds happen here, before any test (a first build takes minutes)
servers: install
	$(UV) run sanjin-dev install

# the dashboard's browser test runs Debian's chromium (never a downloaded browser), with CJK
# fonts so its screenshots show Chinese
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing Debian's chromium and fonts-noto-cjk"; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
			apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	fi

# the official statistics workbook rendered by LibreOffice headless: A4 landscape pages, title and
# header rows on each, as many pages as its notes state (Debian's libreoffice-calc and
# poppler-utils, installed here with apt; not part of `make test`)
print-check: install
	@if ! command -v soffice >/dev/null || ! command -v pdfinfo >/dev/null \
		|| ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing Debian's libreoffice-calc, poppler-utils and fonts-noto-cjk"; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install \
			-y -qq --no-install-recommends libreoffice-calc poppler-utils fonts-noto-cjk >/dev/null; \
	fi
	$(UV) run python scripts/print_check.py

$(KUSTOMIZE):
	GOBIN=$(dir $(KUSTOMIZE)) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

tools: $(KUSTOMIZE)

$(API_LINT)/.installed:
	@command -v npm >/dev/null || { echo "make lint needs Node.js 20+ with npm"; exit 1; }
	mkdir -p $(API_LINT)
	cp tools/api-lint/package.json tools/api-lint/package-lock.json $(API_LINT)/
	cd $(API_LINT) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	echo '{"analyticsEnabled": "false", "infoMessageShown": "true", "userID": "sanjin"}' \
		> $(API_LINT)/asyncapi-analytics.json  # no usage reports from make lint
	touch $@

api-lint-tools: $(API_LINT)/.installed

test: servers browser tools
	$(UV) run pytest

# `make test` runs the same fuzzing with 5 examples per operation
FUZZ_EXAMPLES ?= 100
fuzz: servers
	SANJIN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(UV) run pytest tests/e2e/test_fuzz.py -s

test-unit: install
	$(UV) run pytest tests/unit

lint: install api-lint-tools
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run sanjin openapi --out .run/openapi >/dev/null
	$(REDOCLY) lint --config tools/api-lint/redocly.yaml --format=summary .run/openapi/*.json
	$(UV) run sanjin asyncapi --check
	$(ASYNCAPI) validate docs/asyncapi.json --fail-severity=warn

# deployment files: the Dockerfile, every YAML file under deploy/, the manifests generated from
# the service registry up to date, both Kubernetes overlays rendered and validated against the
# Kubernetes schemas and (Strimzi resources) the pinned operator's own CRD schemas, generated
# from Maven Central by Strimzi's CRD generator (Java 21+), then checkov on the rendered
# manifests, the Dockerfile and the compose file (deploy/checkov/config.yaml: skipped checks)
STRIMZI_JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
CHECKOV_ENV := $(HOME)/.cache/sanjin/checkov-venv
CHECKOV := UV_PROJECT_ENVIRONMENT=$(CHECKOV_ENV) $(UV) run --project deploy/checkov --frozen --quiet checkov --config-file deploy/checkov/config.yaml
lint-deploy: install tools
	$(UV) run hadolint Dockerfile
	$(UV) run yamllint --strict deploy/
	$(UV) run python deploy/k8s/generate.py --check
	@mkdir -p .run; for overlay in dev prod; do \
		echo "kustomize build deploy/k8s/overlays/$$overlay | kubernetes-validate --strict"; \
		$(KUSTOMIZE) build deploy/k8s/overlays/$$overlay > .run/k8s-$$overlay.yaml || exit 1; \
		$(UV) run kubernetes-validate --strict --quiet .run/k8s-$$overlay.yaml 2>&1 \
			| grep -v "Couldn't find schema for kind Kafka" ; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done
	JAVA_HOME=$(STRIMZI_JAVA_HOME) $(UV) run python deploy/k8s/strimzi/validate.py .run/k8s-prod.yaml .run/k8s-dev.yaml
	$(CHECKOV) --framework kubernetes -f .run/k8s-dev.yaml -f .run/k8s-prod.yaml
	$(CHECKOV) --framework dockerfile -f Dockerfile
	$(CHECKOV) --framework secrets -f deploy/compose/docker-compose.yml -f deploy/compose/.env.example

format: install
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

schemas: install
	$(UV) run sanjin schemas

# kill the broker, the services, the aggregator and the database under load (long: 100,000 records)
chaos: servers
	$(UV) run python -m chaos.run $(CHAOS_ARGS)

bench: install
	$(UV) run python -m bench.run $(BENCH_ARGS)
