# Shared helpers for Berth's local stack scripts. Sourced, not run.
# shellcheck shell=bash

BERTH_DATA_DIR="${BERTH_DATA_DIR:-/var/lib/berth}"
BERTH_LOG_DIR="$BERTH_DATA_DIR/log"
BERTH_REGISTRY="${BERTH_REGISTRY:-127.0.0.1:5000}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$BERTH_LOG_DIR"

log() { printf '[berth %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[berth] ERROR: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND every half second.
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
  log "$what is ready"
}

APT_UPDATED=""
# apt_install PACKAGE...: installs the Debian packages that are missing.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || die "Debian packages ${missing[*]} are missing; run this script as root so it can install them."
  command -v apt-get >/dev/null || die "Debian packages ${missing[*]} are missing and there is no apt-get here."
  if [[ -z $APT_UPDATED ]]; then
    log "apt-get update"
    apt-get update -qq >"$BERTH_LOG_DIR/apt.log" 2>&1 || die "apt-get update failed; see $BERTH_LOG_DIR/apt.log"
    APT_UPDATED=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >>"$BERTH_LOG_DIR/apt.log" 2>&1 || die "installing ${missing[*]} failed; see $BERTH_LOG_DIR/apt.log"
}

# pid_alive FILE: whether the pid in FILE is a running process.
pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# step NAME COMMAND...: runs a step and records how long it took.
STEP_TIMES=()
step() {
  local name=$1; shift
  local start=$SECONDS
  "$@"
  STEP_TIMES+=("$(printf '%-22s %4ds' "$name" $((SECONDS - start)))")
}
