#!/usr/bin/env bash
# The main job, end to end: set up, generate a synthetic shop, evaluate the baselines on it.
# Output lands in ./demo/ (results.json, per-model top-20 lists).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh
deploy/novarec generate --out demo/data --users 5000 --items 2000
deploy/novarec eval --dataset demo/data/events.tsv --models pop,itemknn,ease --k 10,20 --out demo/results
