#!/usr/bin/env bash
# Runs every test of Berth on this machine: sets up the stack (Docker engine, base images, the images
# the integration tests start with Testcontainers, Chromium), runs unit, integration and browser
# tests with Maven, and prints a summary. The tests start their own registry (one per test class)
# and PostgreSQL (one per test JVM) as containers: they need the engine, not the machine's registry
# or PostgreSQL. Extra arguments go to Maven. Exits with Maven's status.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start=$SECONDS
bash "$REPO_ROOT/deploy/local/setup.sh" --for-tests
command -v javac >/dev/null || apt_install default-jdk-headless
command -v python3 >/dev/null || apt_install python3

set -a
# The stack's settings the tests read (Chromium's path); the registry and the base images named
# there are not used by tests, which take theirs from Testcontainers and deploy/test-images.
# shellcheck disable=SC1091
source "$BERTH_DATA_DIR/stack.env"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
TESTCONTAINERS_RYUK_DISABLED=true
set +a

cd "$REPO_ROOT"
set +e
./mvnw -B clean verify "$@"
rc=$?
set -e

python3 - "$((SECONDS - start))" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
totals = dict(tests=0, failures=0, errors=0, skipped=0)
for f in glob.glob("*/target/surefire-reports/TEST-*.xml") + glob.glob("*/target/failsafe-reports/TEST-*.xml"):
    suite = ET.parse(f).getroot()
    for k in totals:
        totals[k] += int(suite.get(k, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print()
print("Test summary: %(tests)d run, %(failures)d failures, %(errors)d errors, %(skipped)d skipped" % totals)
print("Wall time: %ss" % sys.argv[1])
print("%d passed, %d failed" % (passed, failed))
PY
exit $rc
