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

deploy/fetch-text-model.sh

[ "${1:-}" = "--deps-only" ] && exit 0

echo "setup: building release binary"
swift build -c release
. deploy/env.sh
echo "setup: done; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}; run deploy/novarec --help"
