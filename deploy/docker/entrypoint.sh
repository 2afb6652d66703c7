#!/bin/sh
# Starts the service named by SANJIN_SERVICE (or the first argument), or runs `sanjin ...`.
# The services are those of the registry (sanjin_shared.registry); there is no default.
set -eu
service="${1:-${SANJIN_SERVICE:-}}"
case "$service" in
  "")
    echo "no service: set SANJIN_SERVICE or pass one as the command (or: sanjin ...)" >&2
    exit 64 ;;
  sanjin)
    shift; exec sanjin "$@" ;;
esac
# the registry knows the services and their app factories; an unknown name exits 64 with the list
factory="$(python -c 'import sys
from sanjin_shared.registry import service
try:
    print(service(sys.argv[1]).factory)
except ValueError as e:
    sys.exit(str(e))' "$service")" || exit 64
exec uvicorn "$factory" --factory --host 0.0.0.0 --port "${PORT:-8000}" \
  --no-access-log --timeout-graceful-shutdown "${SANJIN_SHUTDOWN_GRACE_S:-10}" \
  --timeout-keep-alive "${SANJIN_KEEP_ALIVE_S:-75}"
