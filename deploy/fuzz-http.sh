#!/usr/bin/env bash
# Seeded mutation fuzzing of the HTTP request parser (NovarecHTTP): mutates valid seed requests
# (bit flips, protocol tokens, deletions, duplications, truncations, splices) and checks that the
# parser never crashes, never consumes more than it was given, respects its limits and gives the
# same events whether bytes arrive at once or in random pieces. Deterministic for a given seed.
#
#   usage: deploy/fuzz-http.sh [ITERATIONS] [SEED]      (default: 1000000 inputs, the test's seed)
#   FUZZ_SANITIZE=address deploy/fuzz-http.sh 200000    (AddressSanitizer + LeakSanitizer build)
#
# Prints e.g. "parser fuzz (seed S): 1000000 inputs: ... 0 violations in T s, max RSS M KiB".
set -euo pipefail
cd "$(dirname "$0")/.."
export NOVAREC_FUZZ_ITERATIONS=${1:-1000000}
if [ -n "${2:-}" ]; then export NOVAREC_FUZZ_SEED=$2; fi
scratch=${FUZZ_SCRATCH:-.build-fuzz}
# -enable-testing: other test targets use @testable imports, and the test bundle builds them all.
flags=(-c release --scratch-path "$scratch" -Xswiftc -enable-testing)
if [ -n "${FUZZ_SANITIZE:-}" ]; then
  flags=(-c debug --scratch-path "$scratch-$FUZZ_SANITIZE" -Xswiftc "-sanitize=$FUZZ_SANITIZE")
fi
swift build "${flags[@]}" --build-tests >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# --disable-xctest: only Swift Testing runs (XCTest's runner leaks a few objects by itself,
# which LeakSanitizer would report).
swift test "${flags[@]}" --skip-build --disable-xctest --filter ParserFuzzTests >"$log" 2>&1 || status=$?
grep -E "parser fuzz|✘|ERROR|Sanitizer|leak" "$log" || true
if [ "$status" -ne 0 ]; then
  tail -20 "$log" >&2
  echo "fuzzing FAILED (exit $status)" >&2
  exit 1
fi
echo "fuzzing passed: $NOVAREC_FUZZ_ITERATIONS inputs"
