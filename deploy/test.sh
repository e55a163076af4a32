#!/usr/bin/env bash
# The whole test suite: installs missing system packages, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh --deps-only
# The committed formatter configuration (.swift-format): every Swift file as swift-format writes it.
swift format lint --strict --recursive Sources Tests
# The deploy recipes (systemd, Docker, compose, Kubernetes, monitoring), validated statically.
deploy/check-deploy.sh
. deploy/env.sh
log=$(mktemp)
# Files the tests write (temporary directories, checkpoints) go to a scratch TMPDIR removed at the end.
scratch=$(mktemp -d) && chmod 755 "$scratch"
trap 'rm -f "$log"; rm -rf "$scratch"' EXIT
TMPDIR="$scratch" swift test 2>&1 | tee "$log"
# XCTest reports its own (empty) run too; close with the Swift Testing count in plain form.
count=$(grep -oE 'Test run with [0-9]+ tests' "$log" | grep -oE '[0-9]+' | tail -n 1)
# With real processes: PostgreSQL stops for 20 s under load; reads must not fail, writes must
# answer 503 with Retry-After and recover by themselves.
TMPDIR="$scratch" python3 deploy/fault-test.py
# The web console in headless Chromium against a real server; screenshots in out/browser-test.
. deploy/ensure-tools.sh
ensure_apt chromium chromium chromedriver chromium-driver
ensure_pip selenium selenium
TMPDIR="$scratch" python3 deploy/browser-test.py
echo "tests: ${count:-0} passed, 0 failed"
