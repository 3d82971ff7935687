#!/usr/bin/env bash
# Runs Berth on this machine with its embedded defaults (H2, local accounts, local Docker engine,
# local registry): sets the stack up, builds the portal, starts it in the background and returns
# once it answers. Port: BERTH_PORT (default 8080). First admin: BERTH_ADMIN_USER/_PASSWORD.
# --with-keycloak: also start the development Keycloak (deploy/keycloak, from Keycloak's distribution
# on Maven Central) and sign in through it (docs/auth.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

WITH_KEYCLOAK=""
for arg in "$@"; do
  case $arg in
    --with-keycloak) WITH_KEYCLOAK=1 ;;
    *) die "unknown option $arg (use --with-keycloak)" ;;
  esac
done

PORT="${BERTH_PORT:-8080}"
JAR="$REPO_ROOT/portal/target/berth-portal-0.1.0-SNAPSHOT-all.jar"

bash "$REPO_ROOT/deploy/local/setup.sh" ${WITH_KEYCLOAK:+--with-keycloak}
command -v java >/dev/null || apt_install default-jdk-headless

log "building the portal (log: $BERTH_LOG_DIR/build.log)"
(cd "$REPO_ROOT" && ./mvnw -B -q -DskipTests package -pl portal -am) >"$BERTH_LOG_DIR/build.log" 2>&1 \
  || { tail -n 40 "$BERTH_LOG_DIR/build.log"; die "the build failed; see $BERTH_LOG_DIR/build.log"; }

bash "$REPO_ROOT/deploy/local/stop.sh" --quiet

set -a
# shellcheck disable=SC1091
source "$BERTH_DATA_DIR/stack.env"
set +a
export BERTH_DATA_DIR MICRONAUT_SERVER_PORT="$PORT"
if [[ -n $WITH_KEYCLOAK ]]; then
  # The development realm's client; its secret is public, so this is for this machine only.
  export BERTH_OIDC_ENABLED=true BERTH_OIDC_ISSUER="$BERTH_KEYCLOAK_URL/realms/$BERTH_KEYCLOAK_REALM" \
    BERTH_OIDC_CLIENT_ID=berth BERTH_OIDC_CLIENT_SECRET=berth-development-secret
  log "signing in through Keycloak at $BERTH_OIDC_ISSUER (users in deploy/keycloak/README.md)"
fi
log "starting Berth on port $PORT (log: $BERTH_LOG_DIR/berth.log)"
setsid nohup java -jar "$JAR" >>"$BERTH_LOG_DIR/berth.log" 2>&1 </dev/null &
echo $! >"$BERTH_DATA_DIR/berth.pid"

answers() { curl -fs -o /dev/null "http://localhost:$PORT/health"; }
if ! wait_for 120 "Berth" answers; then
  tail -n 40 "$BERTH_LOG_DIR/berth.log"
  die "Berth did not answer on http://localhost:$PORT within 120 s"
fi
echo "Berth is answering on http://localhost:$PORT"
