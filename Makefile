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

.PHONY: help install servers browser tools chaos fuzz up down logs status test test-unit lint lint-deploy format schemas bench

help:
	@echo "make up      install what is missing, start Kafka, SecantusDB and the five services"
	@echo "make down    stop everything 'make up' started"
	@echo "make logs    follow the logs"
	@echo "make test    install what is missing, start the servers the tests need, run every test"
	@echo "make lint    ruff and mypy (strict on services/, shared/, deploy/local)"
	@echo "make bench  throughput and latency ratios against baselines (bench/results/latest.json)"
	@echo "make chaos  faults under load, then lost / double-counted checks (CHAOS_ARGS=--records N)"
	@echo "make fuzz   schemathesis on every operation, FUZZ_EXAMPLES per operation (100)"

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

$(KUSTOMIZE):
	GOBIN=$(dir $(KUSTOMIZE)) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

tools: $(KUSTOMIZE)

test: servers browser tools
	$(UV) run pytest

# `make test` runs the same fuzzing with 5 examples per operation
FUZZ_EXAMPLES ?= 100
fuzz: servers
	SANJIN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(UV) run pytest tests/e2e/test_fuzz.py -s

test-unit: install
	$(UV) run pytest tests/unit

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy

# deployment files: the Dockerfile, every YAML file under deploy/, and both Kubernetes overlays
# rendered and validated against the Kubernetes schemas (the Strimzi resources have none there)
lint-deploy: install tools
	$(UV) run hadolint Dockerfile
	$(UV) run yamllint --strict deploy/
	@mkdir -p .run; for overlay in dev prod; do \
		echo "kustomize build deploy/k8s/overlays/$$overlay | kubernetes-validate --strict"; \
		$(KUSTOMIZE) build deploy/k8s/overlays/$$overlay > .run/k8s-$$overlay.yaml || exit 1; \
		$(UV) run kubernetes-validate --strict --quiet .run/k8s-$$overlay.yaml 2>&1 \
			| grep -v "Couldn't find schema for kind Kafka" ; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

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
