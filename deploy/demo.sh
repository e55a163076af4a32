#!/usr/bin/env bash
# The product end to end on one machine: set up, generate a synthetic shop, load it into the
# service's (embedded) PostgreSQL, train the Transformer on it, and serve it on
# http://127.0.0.1:${NOVAREC_PORT:-8080} until Ctrl-C. State lives in ./demo/ (delete it to start over);
# a second run reuses the data and the model.
#   deploy/demo.sh                 everything, then serve in the foreground
#   DEMO_TRAIN_MINUTES=3 deploy/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh
if [ ! -f demo/data/events.tsv ]; then
    deploy/novarec generate --out demo/data --users 5000 --items 2000
fi
deploy/novarec import --dataset demo/data --data-dir demo/state
if [ ! -f demo/state/model.safetensors ]; then
    deploy/novarec train --dataset demo/data --out demo/state/model.safetensors \
        --max-minutes "${DEMO_TRAIN_MINUTES:-2}" --refit-epochs 1
fi
echo "demo: serving on http://127.0.0.1:${NOVAREC_PORT:-8080} (Ctrl-C stops); try:"
echo "  curl -s 'localhost:${NOVAREC_PORT:-8080}/v1/recommendations?user_id=u17&k=5&novelty=0.3'"
exec deploy/novarec serve --data-dir demo/state
