#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, if any are missing. On a machine that has them
# all this only asks dpkg, so it is cheap to run before every run or test run.
#
#   scripts/system-deps.sh        everything the test suite needs (make test)
#   scripts/system-deps.sh run    only what running the app on SQLite needs (make run)
#
#   gettext             msgfmt, for `compilemessages` (the .mo files are built, not committed)
#   fonts-dejavu-core, libpango-1.0-0, libpangoft2-1.0-0
#                       text rendering for WeasyPrint (PDF) and Chromium screenshots
#   fonts-crosextra-carlito, fonts-crosextra-caladea
#                       metric-compatible stand-ins for Calibri and Cambria, the fonts of the starter Word
#                       templates, so that a document laid out on the server (PDF) breaks lines and pages
#                       where Word does
#   python3, python3-venv
#                       only when no Python 3.11+ that can create a venv is present
#   postgresql-15       tests only: the throwaway test cluster (scripts/pgtmp.sh)
#   chromium            tests only: browser tests (Playwright drives Debian's /usr/bin/chromium)
#   make                tests only: the Makefile entry points that CI calls
#   nodejs, npm         tests only, when no npm is present: axe-core for the accessibility check (npm.sh)
set -euo pipefail

packages=(
    gettext
    fonts-dejavu-core
    fonts-crosextra-carlito
    fonts-crosextra-caladea
    libpango-1.0-0
    libpangoft2-1.0-0
)
case "${1:-all}" in
    all) packages+=(postgresql-15 chromium make) ;;
    run) ;;
    *)
        echo "usage: $0 [all|run]" >&2
        exit 2
        ;;
esac
# Tests only: npm installs axe-core for the browser tests' accessibility check (scripts/npm.sh). A Node.js
# that brings its own npm is kept; otherwise Debian's nodejs and npm.
if [[ "${1:-all}" == all ]] && ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

python_can_make_venv() {
    local py
    for py in python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 \
            && "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            return 0
        fi
    done
    return 1
}
if ! python_can_make_venv; then
    packages+=(python3 python3-venv)
fi

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all present (${packages[*]})"
    exit 0
fi

echo "system-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
    else
        echo "system-deps: error: missing packages (${missing[*]}) and not root; install them as root" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
    echo "system-deps: error: still missing after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
echo "system-deps: installed ${missing[*]}"
