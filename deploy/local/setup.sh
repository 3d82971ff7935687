#!/usr/bin/env bash
# Makes this machine ready for Berth: a Docker engine, a registry on 127.0.0.1:5000 and the base
# images made here from Debian packages. With --for-tests also the images the integration tests
# start with Testcontainers (a registry and PostgreSQL, from Debian packages), Chromium and Keycloak
# (its distribution from Maven Central, with the development realm of deploy/keycloak).
# --with-keycloak starts Keycloak without the other test parts (run.sh --with-keycloak uses it);
# --with-postgres also starts a PostgreSQL server on this machine (role and database berth_test).
# Idempotent: a second run reuses everything and takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FOR_TESTS=""
WITH_KEYCLOAK=""
WITH_POSTGRES=""
for arg in "$@"; do
  case $arg in
    --for-tests) FOR_TESTS=1 WITH_KEYCLOAK=1 ;;
    --with-keycloak) WITH_KEYCLOAK=1 ;;
    --with-postgres) WITH_POSTGRES=1 ;;
    *) die "unknown option $arg (use --for-tests, --with-keycloak and/or --with-postgres)" ;;
  esac
done

ensure_engine() {
  if docker info >/dev/null 2>&1; then
    log "Docker engine answers ($(docker info -f '{{.ServerVersion}}'))"
    return
  fi
  apt_install docker.io
  if ! pid_alive "$BERTH_DATA_DIR/dockerd.pid"; then
    log "starting dockerd (log: $BERTH_LOG_DIR/dockerd.log)"
    setsid nohup dockerd >"$BERTH_LOG_DIR/dockerd.log" 2>&1 </dev/null &
    echo $! >"$BERTH_DATA_DIR/dockerd.pid"
  fi
  wait_for 60 "Docker engine" docker info \
    || die "the Docker engine did not answer within 60 s; see $BERTH_LOG_DIR/dockerd.log"
}

registry_answers() { curl -fs -o /dev/null "http://$BERTH_REGISTRY/v2/"; }

ensure_registry() {
  if registry_answers; then
    log "registry answers on $BERTH_REGISTRY"
    return
  fi
  apt_install docker-registry curl
  mkdir -p "$BERTH_DATA_DIR/registry"
  cat >"$BERTH_DATA_DIR/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $BERTH_DATA_DIR/registry
  delete:
    enabled: true
http:
  addr: $BERTH_REGISTRY
YML
  log "starting the registry on $BERTH_REGISTRY (log: $BERTH_LOG_DIR/registry.log)"
  setsid nohup docker-registry serve "$BERTH_DATA_DIR/registry.yml" \
    >"$BERTH_LOG_DIR/registry.log" 2>&1 </dev/null &
  echo $! >"$BERTH_DATA_DIR/registry.pid"
  wait_for 30 "registry" registry_answers \
    || die "the registry did not answer on $BERTH_REGISTRY; see $BERTH_LOG_DIR/registry.log (is the port taken?)"
}

# The Debian mirror this machine's apt uses; the base images use the same one.
debian_mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
  [[ -n $m ]] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    | awk '$3 ~ /^bookworm$/ {print $2}' | head -n1 || true)
  [[ -n $m ]] || die "found no Debian mirror in /etc/apt; set BERTH_DEBIAN_MIRROR"
  echo "${BERTH_DEBIAN_MIRROR:-$m}"
}

# recipe_version DIR [FILE...]: the first 12 hex digits of the SHA-256 of DIR's files (DIR under
# deploy/, files in C-locale name order) followed by FILEs ("-": standard input). The tests compute
# the same names (TestImages in image-cache's tests): change both together.
recipe_version() {
  (cd "$REPO_ROOT/deploy/$1" && cat $(LC_ALL=C ls | LC_ALL=C sort) "${@:2}") | sha256sum | cut -c1-12
}

in_registry() {
  local name=${1%:*} tag=${1##*:}
  name=${name#"$BERTH_REGISTRY"/}
  curl -fs -o /dev/null -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$BERTH_REGISTRY/v2/$name/manifests/$tag"
}

# ensure_image IMAGE BUILD-FUNCTION: reuse the image if the engine or the registry has it.
ensure_image() {
  local image=$1 build=$2
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "reusing $image"
  elif in_registry "$image"; then
    log "pulling $image from the local registry"
    docker pull -q "$image" >/dev/null
  else
    log "building $image"
    "$build" "$image"
  fi
  in_registry "$image" || docker push -q "$image" >/dev/null
}

build_debian_base() {
  apt_install debootstrap
  local root
  root=$(mktemp -d "$BERTH_DATA_DIR/debootstrap.XXXXXX")
  local mirror; mirror=$(debian_mirror)
  log "debootstrap bookworm from $mirror (log: $BERTH_LOG_DIR/debootstrap.log)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$BERTH_LOG_DIR/debootstrap.log" 2>&1 \
    || { rm -rf "$root"; die "debootstrap failed; see $BERTH_LOG_DIR/debootstrap.log"; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - "$1" >/dev/null
  rm -rf "$root"
}

build_jupyter_base() {
  docker build -q --build-arg "BASE=$DEBIAN_BASE_IMAGE" -t "$1" "$REPO_ROOT/deploy/images/jupyter-base" \
    >"$BERTH_LOG_DIR/jupyter-base-build.log" 2>&1 \
    || die "building the Jupyter base failed; see $BERTH_LOG_DIR/jupyter-base-build.log"
}

ensure_base_images() {
  local debian_version jupyter_version
  debian_version=$(recipe_version images/debian-base)
  jupyter_version=$(echo "$debian_version" | recipe_version images/jupyter-base -)
  DEBIAN_BASE_IMAGE="$BERTH_REGISTRY/berth/debian-base:$debian_version"
  JUPYTER_BASE_IMAGE="$BERTH_REGISTRY/berth/jupyter-base:$jupyter_version"
  ensure_image "$DEBIAN_BASE_IMAGE" build_debian_base
  ensure_image "$JUPYTER_BASE_IMAGE" build_jupyter_base
  DEBIAN_VERSION=$debian_version JUPYTER_VERSION=$jupyter_version
}

# The images the integration tests start (deploy/test-images), all local to the engine and named
# berth-test/NAME:VERSION, the versions computed as TestImages in image-cache's tests computes them.
# They are never pushed: a test needs nothing but the engine.
ensure_local_image() {
  local image=$1 build=$2
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "reusing $image"
  else
    log "building $image"
    "$build" "$image"
  fi
}

build_test_registry() { build_test_image registry "$1"; }
build_test_postgres() { build_test_image postgres "$1"; }

build_test_image() {
  docker build -q --build-arg "BASE=$DEBIAN_BASE_IMAGE" -t "$2" "$REPO_ROOT/deploy/test-images/$1" \
    >"$BERTH_LOG_DIR/test-image-$1.log" 2>&1 \
    || die "building the test image $2 failed; see $BERTH_LOG_DIR/test-image-$1.log"
}

# The test registry with the base images already in its storage, so that every test class starts
# a registry holding them at once (pushing the Jupyter base into an empty registry takes ~20 s):
# the bases are pushed into a container of the test registry, which is then committed.
build_test_registry_with_bases() {
  local image=$1 container port base
  container=$(docker run -d --label org.berth.test=setup -p 127.0.0.1::5000 "$TEST_REGISTRY_IMAGE")
  port=$(docker port "$container" 5000/tcp | head -n1 | sed 's/.*://')
  if ! wait_for 30 "test registry" curl -fs -o /dev/null "http://127.0.0.1:$port/v2/"; then
    docker rm -f "$container" >/dev/null
    die "the test registry $TEST_REGISTRY_IMAGE did not answer on 127.0.0.1:$port"
  fi
  for base in "debian-base:$DEBIAN_VERSION" "jupyter-base:$JUPYTER_VERSION"; do
    docker tag "berth-test/$base" "127.0.0.1:$port/berth/$base"
    if ! docker push -q "127.0.0.1:$port/berth/$base" >"$BERTH_LOG_DIR/test-registry-push.log" 2>&1; then
      docker rmi "127.0.0.1:$port/berth/$base" >/dev/null
      docker rm -f "$container" >/dev/null
      die "pushing $base into the test registry failed; see $BERTH_LOG_DIR/test-registry-push.log"
    fi
    docker rmi "127.0.0.1:$port/berth/$base" >/dev/null
  done
  docker stop "$container" >/dev/null
  if ! docker commit --change "LABEL org.berth.test-image=registry-with-bases" "$container" "$image" \
    >/dev/null; then
    docker rm -f "$container" >/dev/null
    die "committing the test registry with the base images as $image failed"
  fi
  docker rm "$container" >/dev/null
}

ensure_test_images() {
  local registry_version postgres_version
  docker tag "$DEBIAN_BASE_IMAGE" "berth-test/debian-base:$DEBIAN_VERSION"
  docker tag "$JUPYTER_BASE_IMAGE" "berth-test/jupyter-base:$JUPYTER_VERSION"
  registry_version=$(echo "$DEBIAN_VERSION" | recipe_version test-images/registry -)
  postgres_version=$(echo "$DEBIAN_VERSION" | recipe_version test-images/postgres -)
  TEST_REGISTRY_IMAGE="berth-test/registry:$registry_version"
  ensure_local_image "$TEST_REGISTRY_IMAGE" build_test_registry
  ensure_local_image "berth-test/registry-with-bases:$registry_version-$JUPYTER_VERSION" \
    build_test_registry_with_bases
  ensure_local_image "berth-test/postgres:$postgres_version" build_test_postgres
}

PG_USER=berth_test PG_PASSWORD=berth_test PG_DB=berth_test

psql_as_postgres() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }

ensure_postgres() {
  apt_install postgresql
  local cluster pg_version pg_cluster pg_status
  cluster=$(pg_lsclusters -h | head -n1)
  if [[ -z $cluster ]]; then
    pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    pg_createcluster "$pg_version" main >/dev/null
    cluster=$(pg_lsclusters -h | head -n1)
  fi
  read -r pg_version pg_cluster _ pg_status _ <<<"$cluster"
  if [[ $pg_status != online* ]]; then
    log "starting PostgreSQL $pg_version/$pg_cluster"
    pg_ctlcluster "$pg_version" "$pg_cluster" start
  fi
  wait_for 30 "PostgreSQL" pg_isready -q -h 127.0.0.1 || die "PostgreSQL did not answer on 127.0.0.1:5432"
  if [[ $(psql_as_postgres "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'") != 1 ]]; then
    psql_as_postgres "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
  else
    psql_as_postgres "ALTER ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
  fi
  if [[ $(psql_as_postgres "SELECT 1 FROM pg_database WHERE datname='$PG_DB'") != 1 ]]; then
    psql_as_postgres "CREATE DATABASE $PG_DB OWNER $PG_USER"
  fi
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -U "$PG_USER" -d "$PG_DB" -qtAc 'SELECT 1' >/dev/null \
    || die "cannot connect to PostgreSQL as $PG_USER over 127.0.0.1"
  log "PostgreSQL database $PG_DB is ready"
}

ensure_chromium() {
  apt_install chromium
  log "$(chromium --version 2>/dev/null | head -n1)"
}

# Keycloak from its distribution on Maven Central (fetched with the Maven wrapper), unpacked into
# the data directory, started in development mode on 127.0.0.1 with deploy/keycloak's realm. The
# first start builds Keycloak's optimised server (about 60 s); later starts take about 12 s.
KEYCLOAK_VERSION="${BERTH_KEYCLOAK_VERSION:-26.5.6}"
KEYCLOAK_PORT="${BERTH_KEYCLOAK_PORT:-8180}"
KEYCLOAK_HOME="$BERTH_DATA_DIR/keycloak/keycloak-$KEYCLOAK_VERSION"
KEYCLOAK_URL="http://127.0.0.1:$KEYCLOAK_PORT"

keycloak_answers() { curl -fs -o /dev/null "$KEYCLOAK_URL/realms/berth/.well-known/openid-configuration"; }

ensure_keycloak() {
  apt_install curl
  local secret_file="$BERTH_DATA_DIR/keycloak/admin-password"
  mkdir -p "$BERTH_DATA_DIR/keycloak"
  [[ -s $secret_file ]] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$secret_file")
  KEYCLOAK_ADMIN_PASSWORD=$(cat "$secret_file")
  if keycloak_answers; then
    log "Keycloak answers on $KEYCLOAK_URL"
    return
  fi
  if [[ ! -x $KEYCLOAK_HOME/bin/kc.sh ]]; then
    command -v java >/dev/null || apt_install default-jdk-headless
    local dist="$BERTH_DATA_DIR/keycloak/download"
    log "fetching Keycloak $KEYCLOAK_VERSION from Maven Central (log: $BERTH_LOG_DIR/keycloak-fetch.log)"
    (cd "$REPO_ROOT" && ./mvnw -B -q dependency:copy \
      "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" \
      "-DoutputDirectory=$dist") >"$BERTH_LOG_DIR/keycloak-fetch.log" 2>&1 \
      || die "fetching Keycloak $KEYCLOAK_VERSION failed; see $BERTH_LOG_DIR/keycloak-fetch.log"
    tar -C "$BERTH_DATA_DIR/keycloak" -xzf "$dist/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
    rm -rf "$dist"
  fi
  mkdir -p "$KEYCLOAK_HOME/data/import"
  cp "$REPO_ROOT/deploy/keycloak/berth-realm.json" "$KEYCLOAK_HOME/data/import/berth-realm.json"
  if ! pid_alive "$BERTH_DATA_DIR/keycloak.pid"; then
    log "starting Keycloak on $KEYCLOAK_URL (log: $BERTH_LOG_DIR/keycloak.log)"
    # A bounded heap: by default Keycloak sizes its heap from the machine's memory.
    JAVA_OPTS_KC_HEAP="-Xms64m -Xmx768m" \
      KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$KEYCLOAK_ADMIN_PASSWORD" \
      setsid nohup "$KEYCLOAK_HOME/bin/kc.sh" start-dev --import-realm \
      --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --health-enabled=false \
      >"$BERTH_LOG_DIR/keycloak.log" 2>&1 </dev/null &
    echo $! >"$BERTH_DATA_DIR/keycloak.pid"
  fi
  wait_for 240 "Keycloak" keycloak_answers \
    || die "Keycloak did not answer on $KEYCLOAK_URL within 240 s; see $BERTH_LOG_DIR/keycloak.log"
}

write_stack_env() {
  {
    echo "BERTH_REGISTRY=$BERTH_REGISTRY"
    echo "BERTH_DEBIAN_BASE_IMAGE=$DEBIAN_BASE_IMAGE"
    echo "BERTH_JUPYTER_BASE_IMAGE=$JUPYTER_BASE_IMAGE"
    if [[ -n $WITH_POSTGRES ]]; then
      echo "BERTH_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/$PG_DB"
      echo "BERTH_TEST_POSTGRES_USER=$PG_USER"
      echo "BERTH_TEST_POSTGRES_PASSWORD=$PG_PASSWORD"
    fi
    if [[ -n $FOR_TESTS ]]; then
      echo "BERTH_CHROMIUM=/usr/bin/chromium"
    fi
    if [[ -n $WITH_KEYCLOAK ]]; then
      echo "BERTH_KEYCLOAK_URL=$KEYCLOAK_URL"
      echo "BERTH_KEYCLOAK_REALM=berth"
      echo "BERTH_KEYCLOAK_ADMIN_USER=admin"
      echo "BERTH_KEYCLOAK_ADMIN_PASSWORD=$KEYCLOAK_ADMIN_PASSWORD"
    fi
  } >"$BERTH_DATA_DIR/stack.env.new"
  mv "$BERTH_DATA_DIR/stack.env.new" "$BERTH_DATA_DIR/stack.env"
}

step engine ensure_engine
step registry ensure_registry
step base-images ensure_base_images
if [[ -n $FOR_TESTS ]]; then
  step test-images ensure_test_images
  step chromium ensure_chromium
fi
if [[ -n $WITH_KEYCLOAK ]]; then
  step keycloak ensure_keycloak
fi
if [[ -n $WITH_POSTGRES ]]; then
  step postgresql ensure_postgres
fi
write_stack_env

log "ready; addresses in $BERTH_DATA_DIR/stack.env"
printf '  %s\n' "${STEP_TIMES[@]}"
