#!/usr/bin/env bash
# Two builds of novarec served side by side, so that a comparison compares the builds and not
# two minutes of a machine whose speed drifts (shared or throttled CPUs drift by 10–30 % between
# minutes). Both serve their own copy of one data dir at the same time (ports 18401 and 18402),
# both are warmed, then wrk alternates between them in short runs (A, B, A, B, …). Prints each
# pair — req/s, p99, the ratio B/A — and the means.
#
#   deploy/bench-side-by-side.sh BINARY_A BINARY_B DATA_DIR [CHECKPOINT]
#
# BINARY_A/B: novarec executables, e.g. `.build/release/novarec` built at two commits and copied
# aside. DATA_DIR: a stopped data dir holding the shop's events (`deploy/novarec import …`); it
# is copied twice into a temporary directory and never written. CHECKPOINT: the model both
# serve (default: whatever the data dir's registry serves).
#
# Environment: SERVE_FLAGS (for both; default `--retrain-events 0`, e.g. add
# `--candidate-cache-users 0` to score every request), SCRIPT (wrk Lua script, default
# deploy/bench-users.lua), URL_PATH (a fixed path such as /healthz instead of SCRIPT), PAIRS (6),
# RUN_SECONDS (8), WARM_SECONDS (10), CONNECTIONS (64), THREADS (2). Needs wrk.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage="usage: bench-side-by-side.sh BINARY_A BINARY_B DATA_DIR [CHECKPOINT]"
binary_a=$(realpath "${1:?$usage}")
binary_b=$(realpath "${2:?$usage}")
data=${3:?$usage}
checkpoint=${4:-}
flags=${SERVE_FLAGS:---retrain-events 0}
script=${SCRIPT:-$root/deploy/bench-users.lua}
pairs=${PAIRS:-6}
run_seconds=${RUN_SECONDS:-8}
warm_seconds=${WARM_SECONDS:-10}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
command -v wrk >/dev/null || { echo "bench-side-by-side: needs wrk (apt install wrk)" >&2; exit 1; }
[ -d "$data" ] || { echo "bench-side-by-side: no data dir $data" >&2; exit 1; }
pid_file="$data/postgres/pgdata/postmaster.pid"
if [ -f "$pid_file" ] && kill -0 "$(head -n 1 "$pid_file")" 2>/dev/null; then
  echo "bench-side-by-side: $data is in use (its PostgreSQL runs); stop the server first" >&2
  exit 1
fi

# shellcheck source=deploy/env.sh
. "$root/deploy/env.sh"
work=$(mktemp -d)
chmod 755 "$work" # the embedded PostgreSQL runs as its own user and must reach its copy
pids=()
trap 'for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait; rm -rf "$work"' EXIT

serve() { # BINARY PORT NAME
  cp -a "$data" "$work/$3"
  rm -f "$work/$3/postgres/pgdata/postmaster.pid"
  local model=()
  [ -n "$checkpoint" ] && model=(--checkpoint "$checkpoint")
  # shellcheck disable=SC2086
  "$1" serve --port "$2" --data-dir "$work/$3" "${model[@]}" $flags >"$work/$3.log" 2>&1 &
  pids+=($!)
}

load() { # PORT SECONDS
  if [ -n "${URL_PATH:-}" ]; then
    wrk -t"$threads" -c"$connections" -d"$2"s --latency "http://127.0.0.1:$1$URL_PATH"
  else
    wrk -t"$threads" -c"$connections" -d"$2"s --latency -s "$script" "http://127.0.0.1:$1"
  fi
}

serve "$binary_a" 18401 a
serve "$binary_b" 18402 b
for port in 18401 18402; do
  for _ in $(seq 1 240); do curl -sf "localhost:$port/healthz" >/dev/null && break; sleep 0.5; done
  if ! curl -sf "localhost:$port/healthz" >/dev/null; then
    echo "bench-side-by-side: the server on $port did not start:" >&2
    for log in "$work"/*.log; do tail -n 5 "$log" >&2; done
    exit 1
  fi
  [ "$warm_seconds" -gt 0 ] && load "$port" "$warm_seconds" >/dev/null
done

echo "A = $binary_a, B = $binary_b; $pairs pairs of ${run_seconds}s wrk runs, $connections connections"
for _ in $(seq 1 "$pairs"); do
  for port in 18401 18402; do
    out=$(load "$port" "$run_seconds")
    echo "$port $(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1 == "99%" {print $2}') $(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  done
done | awk '
  function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /s$/) return x * 1000; return x }
  $1 == 18401 { ra = $2; pa = ms($3); ea = $4 + 0 }
  $1 == 18402 {
    printf "A %9.0f req/s  p99 %6.2f ms | B %9.0f req/s  p99 %6.2f ms | B/A req/s %.3f, p99 %.3f\n", ra, pa, $2, ms($3), $2 / ra, ms($3) / pa
    sa += ra; sb += $2; qa += pa; qb += ms($3); errors += ea + $4; n++
  }
  END {
    printf "mean: A %.0f req/s, p99 %.2f ms | B %.0f req/s, p99 %.2f ms | B/A req/s %.3f, p99 %.3f; non-2xx %d\n", sa / n, qa / n, sb / n, qb / n, sb / sa, qb / qa, errors
  }'
