#!/bin/sh
# Starts the service named by SANJIN_SERVICE (or the first argument), or runs `sanjin ...`.
set -eu
service="${1:-$SANJIN_SERVICE}"
case "$service" in
  events|risk_monitoring|inspection|survey|aggregator)
    exec uvicorn "sanjin_${service}.main:build_app" --factory --host 0.0.0.0 --port "${PORT:-8000}" \
      --no-access-log --timeout-graceful-shutdown "${SANJIN_SHUTDOWN_GRACE_S:-10}" \
      --timeout-keep-alive "${SANJIN_KEEP_ALIVE_S:-75}" ;;
  sanjin)
    shift; exec sanjin "$@" ;;
  *)
    echo "unknown service: $service (events, risk_monitoring, inspection, survey, aggregator, sanjin)" >&2
    exit 64 ;;
esac
