#!/usr/bin/env bash
# The benchmark (bench/, issue 10) on SQLite and then on a throwaway PostgreSQL; each run prints its JSON on
# stdout (progress goes to stderr) and keeps a copy in bench/.data/{sqlite,postgresql}.json.
#
#   scripts/bench.sh                     1,000,000 sales on each database (several minutes each)
#   scripts/bench.sh --sales 100000      any option of `python -m bench --help`, passed to both runs
#
# Neither run touches var/: SQLite uses bench/.data/bench.sqlite3 (made anew each run), PostgreSQL a cluster
# that scripts/pgtmp.sh starts and removes however the script ends.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PGTMP_DIR=""

cleanup() {
    local status=$?
    if [[ -n "${PGTMP_DIR:-}" ]]; then
        "$ROOT/scripts/pgtmp.sh" stop "$PGTMP_DIR" || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p bench/.data

echo "bench: SQLite" >&2
env -u DATABASE_URL .venv/bin/python -m bench --out bench/.data/sqlite.json "$@"

echo "bench: PostgreSQL" >&2
eval "$("$ROOT/scripts/pgtmp.sh" start)"
env DATABASE_URL="$DATABASE_URL" .venv/bin/python -m bench --out bench/.data/postgresql.json "$@"
