#!/usr/bin/env bash
# Checks a live `novarec serve` against openapi.yaml with schemathesis (PyPI): a throwaway data
# directory with a small generated shop loaded and a model trained on it, every operation fuzzed from the contract, every
# check on (status codes, content types, response schemas, server errors). Exit status is
# schemathesis's.
#   deploy/conformance.sh [MAX_EXAMPLES]     default 60 per operation
set -euo pipefail
cd "$(dirname "$0")/.."
command -v st >/dev/null || python3 -m pip install --quiet schemathesis
[ -x .build/release/novarec ] || swift build -c release
data=$(mktemp -d) && chmod 755 "$data"
port=${CONFORMANCE_PORT:-18095}
deploy/novarec generate --out "$data/shop" --users 300 --items 120 >/dev/null
deploy/novarec import --dataset "$data/shop" --data-dir "$data/state" 2>/dev/null
deploy/novarec train --dataset "$data/shop" --out "$data/state/model.safetensors" --max-minutes 0.25 2>/dev/null
# --train-max-minutes 1440: the contract's max_minutes bound (a smaller server limit is a documented 422).
deploy/novarec serve --port "$port" --data-dir "$data/state" --log-level notice --train-max-minutes 1440 2>"$data/serve.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.5
done
st --config-file deploy/schemathesis.toml run openapi.yaml --url "http://127.0.0.1:$port" --max-examples "${1:-60}" --checks all
