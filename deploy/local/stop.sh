#!/usr/bin/env bash
# Stops Berth. With --all also the registry, Keycloak, and the Docker engine if these scripts
# started them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUIET=""
ALL=""
for arg in "$@"; do
  case $arg in
    --quiet) QUIET=1 ;;
    --all) ALL=1 ;;
    *) die "unknown option $arg (use --all)" ;;
  esac
done

# stop NAME PIDFILE: ends the process and waits for it.
stop() {
  local name=$1 file=$2
  if pid_alive "$file"; then
    local pid; pid=$(cat "$file")
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped $name"
  elif [[ -z $QUIET ]]; then
    log "$name is not running"
  fi
  rm -f "$file"
}

stop Berth "$BERTH_DATA_DIR/berth.pid"
if [[ -n $ALL ]]; then
  stop registry "$BERTH_DATA_DIR/registry.pid"
  stop Keycloak "$BERTH_DATA_DIR/keycloak.pid"
  stop "Docker engine" "$BERTH_DATA_DIR/dockerd.pid"
fi
