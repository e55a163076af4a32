#!/usr/bin/env bash
# Three replicas on one PostgreSQL: latency on a loaded follower across a retraining and an
# accepted swap (wrk in 5 s windows), convergence of the three on the new version, and takeover
# after `kill -9` of the trainer.
#
#   deploy/bench-replicas.sh DATA_DIR [WINDOWS]
#
# DATA_DIR holds Beauty already (deploy/novarec import …) and ideally a served model. Extra
# serve flags come from BENCH_SERVE_FLAGS (default: relaxed gate margins, so the run is
# accepted and the swap happens; 1-minute training). Needs wrk and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data=${1:?usage: bench-replicas.sh DATA_DIR [WINDOWS]}
windows=${2:-72}
flags=${BENCH_SERVE_FLAGS:---log-level notice --retrain-events 5000 --gate-ndcg-margin 0.1 --gate-novelty-margin 0.1 --gate-coverage-margin 0.2 --train-max-minutes 1}
url="host=$data/postgres/socket port=5432 user=postgres dbname=novarec"
work=$(mktemp -d)
trap 'pkill -f "novarec serve --port 1830[123]" || true; rm -rf "$work"' EXIT

# shellcheck disable=SC2086
"$root/deploy/novarec" serve --port 18301 --data-dir "$data" $flags >"$work/r1.log" 2>&1 &
sleep 10
for port in 18302 18303; do
  # shellcheck disable=SC2086
  "$root/deploy/novarec" serve --port $port --data-dir "$work/d$port" --database-url "$url" $flags >"$work/r$((port - 18300)).log" 2>&1 &
done
sleep 15
role() { curl -s "localhost:$1/v1/admin/train" | python3 -c 'import json,sys; print(json.load(sys.stdin)["role"])'; }
echo "roles: $(role 18301) $(role 18302) $(role 18303)"

# 6,000 new events: 1,200 random Beauty users viewing 5 random items each.
python3 - "$root/../shared/datasets/amazon-beauty/Beauty.txt" "$work/new.txt" <<'EOF'
import random, sys
seqs = [line.split() for line in open(sys.argv[1]) if line.strip()]
items = sorted({item for seq in seqs for item in seq[1:]})
with open(sys.argv[2], "w") as out:
    for seq in random.sample(seqs, 1200):
        out.write(seq[0] + " " + " ".join(random.choice(items) for _ in range(5)) + "\n")
EOF

wrk -t2 -c64 -d20s -s "$root/deploy/bench-users.lua" http://127.0.0.1:18302 >/dev/null   # warm the follower's cache
( sleep 15; python3 "$root/deploy/bench-ingest.py" "$work/new.txt" http://127.0.0.1:18303 --batch 100 --connections 2 | tail -1 ) &
echo "window   req/s  p50  p99  non-2xx   (follower 18302)"
for _ in $(seq 1 "$windows"); do
  start=$(date +%T)
  out=$(wrk -t2 -c64 -d5s --latency -s "$root/deploy/bench-users.lua" http://127.0.0.1:18302 2>&1)
  echo "$start $(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1 == "50%" {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out") $(grep -c 'Non-2xx' <<<"$out" || true)"
done
echo "--- model lifecycle (all replicas' logs)"
grep -hE "training |accepted|rejected|serving model|handover" "$work"/r*.log | sort

trainer=""
for port in 18301 18302 18303; do
  if [ "$(role $port)" = trainer ]; then trainer=$port; fi
done
[ -n "$trainer" ] || { echo "no trainer found"; exit 1; }
killed=$(date +%s.%N)
pkill -9 -f "novarec serve --port $trainer"
for _ in $(seq 1 600); do
  for port in 18301 18302 18303; do
    [ "$port" = "$trainer" ] && continue
    if [ "$(role $port)" = trainer ]; then
      echo "kill -9 of trainer $trainer: $port reports trainer after $(python3 -c "import time; print(round(time.time() - $killed, 2))") s"
      exit 0
    fi
  done
  sleep 0.1
done
echo "no takeover within 60 s"; exit 1
