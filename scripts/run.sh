#!/usr/bin/env bash
# Runs Salesguide on this machine with SQLite: no database server, and of the system packages only the few
# the app itself uses (gettext for the translations, Pango and fonts for PDFs; see system-deps.sh).
#
#   scripts/run.sh           prepare (venv, migrate, demo data, admin user), say how to log in, and serve on
#                            127.0.0.1:8000
#   scripts/run.sh demo      prepare and load the demo data only, without serving (`make demo`)
#   PORT=8080 scripts/run.sh serve on another port
#
# Data (SQLite file, secret key, uploads) lives in var/ unless SALESGUIDE_DATA_DIR says otherwise.
# Only what running needs is installed: no database server, no browser, no test tools (make test adds those).
# The installation speaks SALESGUIDE_LANGUAGE (nl, the default, or en): starter guides, demo data, messages.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-serve}
case "$mode" in
    serve | demo) ;;
    *)
        echo "usage: $0 [serve|demo]" >&2
        exit 2
        ;;
esac
port=${PORT:-8000}

scripts/system-deps.sh run
scripts/venv.sh run
echo "==> migrate"
.venv/bin/salesguide migrate
echo "==> demo data (starter guides and example sales)"
.venv/bin/salesguide demo

if [[ "$mode" == demo ]]; then
    echo "Demo data loaded. Start the server with: make run"
    exit 0
fi

echo "==> users"
echo
# Creates the administrator when there is none and gives the demo users passwords; prints, in the installation's
# language, the address and the user names, with the passwords that were set just now.
.venv/bin/salesguide logins --url "http://127.0.0.1:$port/"
echo
exec .venv/bin/salesguide serve --host 127.0.0.1 --port "$port"
