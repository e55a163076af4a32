# Sourced by the test steps that need tools beyond the build's: installs only what is missing.
#   ensure_apt COMMAND PACKAGE [COMMAND PACKAGE ...]   Debian package PACKAGE when COMMAND is not found
#   ensure_pip NAME PACKAGE [NAME PACKAGE ...]         PyPI package PACKAGE when NAME is neither a
#                                                      command nor an importable Python module
# Daemons that come with a package (nginx, prometheus) are not started on install where
# policy-rc.d forbids it, as on these machines and in containers.

ensure_apt() {
    local missing=()
    while [ $# -ge 2 ]; do
        command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || missing+=("$2")
        shift 2
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "installing ${missing[*]}"
    local sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_pip() {
    local missing=()
    while [ $# -ge 2 ]; do
        command -v "$1" >/dev/null || python3 -c "import $1" 2>/dev/null || missing+=("$2")
        shift 2
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "installing ${missing[*]} from PyPI"
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}"
    hash -r
}
