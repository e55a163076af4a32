#!/usr/bin/env bash
# The whole test suite: installs missing system packages, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh --deps-only
. deploy/env.sh
swift test 2>&1
