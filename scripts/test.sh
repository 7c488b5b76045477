#!/usr/bin/env bash
# The whole test suite, stopping at the first failing step:
#
#   system packages -> venv -> ruff check -> ruff format --check -> mypy --strict -> lint-imports
#   -> makemigrations --check
#   -> pytest on SQLite -> pytest on a throwaway PostgreSQL 15
#
# Usage:
#   scripts/test.sh                  everything (what CI runs, through `make test`)
#   scripts/test.sh -k stage -x      extra arguments go to both pytest runs
#   scripts/test.sh --checks-only    only the static checks (`make check`)
#   SALESGUIDE_TEST_QUICK=1 scripts/test.sh tests/unit
#                                    skip ruff, mypy, lint-imports and the PostgreSQL run
#
# Tests never touch var/: the data directory (secret key, uploads) is a temp dir removed at the end, and
# the PostgreSQL cluster is stopped and removed however the script ends.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

checks_only=""
if [[ "${1:-}" == "--checks-only" ]]; then
    checks_only=1
    shift
fi
quick=""
if [[ "${SALESGUIDE_TEST_QUICK:-}" == "1" ]]; then
    quick=1
fi
pytest_args=("$@")

started=$SECONDS
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/salesguide-test.XXXXXX")
PGTMP_DIR=""

cleanup() {
    local status=$?
    if [[ -n "${PGTMP_DIR:-}" ]]; then
        "$ROOT/scripts/pgtmp.sh" stop "$PGTMP_DIR" || true
        PGTMP_DIR=""
    fi
    rm -rf "$WORK_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Everything settings write (secret key, SQLite file, uploads) goes to the temp dir, for every step:
# mypy's Django plugin and compilemessages import the settings too.
export SALESGUIDE_DATA_DIR="$WORK_DIR/data"
# WhiteNoise warns about a STATIC_ROOT that does not exist.
mkdir -p "$SALESGUIDE_DATA_DIR/static"

bold="" red="" plain=""
if [[ -t 1 ]]; then
    bold=$'\033[1m' red=$'\033[1;31m' plain=$'\033[0m'
fi

banner() {
    printf '\n%s==== %s ====%s\n' "$bold" "$*" "$plain"
}

fail() {
    printf '\n%sFAILED: %s%s\n' "$red" "$*" "$plain" >&2
    exit 1
}

# step "what" command...: runs one step under a banner and stops the script when it fails.
step() {
    local name=$1
    shift
    banner "$name"
    local t0=$SECONDS status=0
    "$@" || status=$?
    if [[ $status -ne 0 ]]; then
        fail "$name (exit $status)"
    fi
    echo "-- $name: ok ($((SECONDS - t0))s)"
}

# Pytest's exit 5 (no test collected) is a failure too: a suite that ran nothing proves nothing.
run_pytest() {
    local name=$1
    shift
    banner "$name"
    local t0=$SECONDS status=0
    "$@" .venv/bin/python -m pytest "${pytest_args[@]}" || status=$?
    case $status in
        0) echo "-- $name: ok ($((SECONDS - t0))s)" ;;
        5) fail "$name: pytest collected no tests (exit 5); check the paths and -k/-m arguments" ;;
        *) fail "$name: tests failed (pytest exit $status)" ;;
    esac
}

checks() {
    local lint_paths=()
    local dir
    for dir in src tests bench; do
        [[ -d $dir ]] && lint_paths+=("$dir")
    done
    step "ruff check ${lint_paths[*]}" .venv/bin/ruff check "${lint_paths[@]}"
    step "ruff format --check ${lint_paths[*]}" .venv/bin/ruff format --check "${lint_paths[@]}"
    step "mypy --strict src" .venv/bin/mypy src
    step "lint-imports" .venv/bin/lint-imports
    step "makemigrations --check" .venv/bin/salesguide makemigrations --check --dry-run
}

start_postgres() {
    local env
    env=$("$ROOT/scripts/pgtmp.sh" start) || return 1
    eval "$env"
    echo "DATABASE_URL=$DATABASE_URL"
}

if [[ -n "$checks_only" ]]; then
    step "venv" scripts/venv.sh test
    checks
    banner "checks passed ($((SECONDS - started))s)"
    exit 0
fi

step "system packages" scripts/system-deps.sh
step "venv" scripts/venv.sh test
step "npm packages" scripts/npm.sh
if [[ -n "$quick" ]]; then
    echo "SALESGUIDE_TEST_QUICK=1: skipping ruff, mypy, lint-imports and the PostgreSQL run"
else
    checks
fi

# A DATABASE_URL from the developer's shell must not turn the SQLite run into something else.
run_pytest "pytest on SQLite" env -u DATABASE_URL

if [[ -z "$quick" ]]; then
    step "start a throwaway PostgreSQL" start_postgres
    run_pytest "pytest on PostgreSQL" env DATABASE_URL="$DATABASE_URL"
    step "stop PostgreSQL" "$ROOT/scripts/pgtmp.sh" stop "$PGTMP_DIR"
    PGTMP_DIR=""
fi

banner "all steps passed ($((SECONDS - started))s)"
