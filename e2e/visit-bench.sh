#!/usr/bin/env bash
# Runs the visit benchmark (a visitor's click on a cached image until the notebook answers,
# against docker run of the same image) against a portal it starts itself, and prints figures.
# Needs the local stack (deploy/local/setup.sh has run).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck disable=SC1091
source "${BERTH_DATA_DIR:-/var/lib/berth}/stack.env"
set +a
# The portal's registry is a Testcontainers container (TestRegistry), as in the journeys.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
./mvnw -B -q -DskipTests package dependency:build-classpath -pl e2e -am \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cd e2e
exec java -Djdk.httpclient.allowRestrictedHeaders=host ${BENCH_OPTS:-} -cp "target/test-classes:$(cat target/bench.classpath)" org.berth.e2e.VisitBench
