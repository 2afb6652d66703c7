# syntax=docker/dockerfile:1
# One image for the five services; the service is chosen by SANJIN_SERVICE (or the command).
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# dependencies first (cached while only the code changes), exactly as locked
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/pyproject.toml
COPY deploy/local/pyproject.toml deploy/local/pyproject.toml
COPY services/events/pyproject.toml services/events/pyproject.toml
COPY services/risk_monitoring/pyproject.toml services/risk_monitoring/pyproject.toml
COPY services/inspection/pyproject.toml services/inspection/pyproject.toml
COPY services/survey/pyproject.toml services/survey/pyproject.toml
COPY services/aggregator/pyproject.toml services/aggregator/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --no-install-package sanjin-devstack
COPY shared shared
COPY services services
# the services and the `sanjin` CLI; not the local development stack (sanjin-devstack)
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --no-install-package sanjin-devstack

FROM python:${PYTHON_VERSION}-slim-bookworm
# tini is PID 1: it forwards SIGTERM and reaps children, so a one-shot command (`sanjin topics`)
# stops on `docker stop` instead of ignoring the signal as PID 1 would
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 sanjin \
 && useradd --system --uid 10001 --gid sanjin --no-create-home --shell /usr/sbin/nologin sanjin
COPY --from=build --chown=sanjin:sanjin /app/.venv /app/.venv
COPY deploy/docker/entrypoint.sh /app/entrypoint.sh
# no default service: a container started without SANJIN_SERVICE (or a command) refuses to start
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PORT=8000
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/entrypoint.sh"]
