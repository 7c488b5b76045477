#!/usr/bin/env bash
# Makes .venv ready: creates it if missing (python3.11, else python3), installs the project with its
# dev extras when pyproject.toml changed since the last install, and compiles the translations.
# Cheap when nothing changed, so run.sh and test.sh call it every time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
STAMP="$VENV/.pyproject.sha256"

find_python() {
    local py
    for py in python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 \
            && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
    echo "venv: error: need Python 3.11 or newer as python3.11 or python3 (scripts/system-deps.sh)" >&2
    return 1
}

# A venv whose interpreter went away (e.g. the base Python was removed) is rebuilt, not patched.
if [[ -d "$VENV" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "venv: $VENV is broken, recreating it"
    rm -rf "$VENV"
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    python=$(find_python)
    echo "venv: creating $VENV with $($python --version)"
    "$python" -m venv "$VENV"
    rm -f "$STAMP"
fi

wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
installed=$(cat "$STAMP" 2>/dev/null || true)
if [[ "$wanted" != "$installed" || ! -x "$VENV/bin/salesguide" ]]; then
    echo "venv: installing the project and its dev dependencies (pyproject.toml changed)"
    # pip's "Location ... is ignored" warnings about this machine's index set-up are noise.
    set +e
    "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e '.[dev]' 2>&1 \
        | grep -v -E "Location .* is ignored|^Requirement already satisfied"
    status=${PIPESTATUS[0]}
    set -e
    if [[ $status -ne 0 ]]; then
        echo "venv: error: pip install failed (exit $status)" >&2
        exit "$status"
    fi
    echo "$wanted" >"$STAMP"
else
    echo "venv: up to date"
fi

# Translations: nothing to do until the first .po file exists.
if [[ -n "$(find src/salesguide -name '*.po' -print -quit 2>/dev/null)" ]]; then
    if ! command -v msgfmt >/dev/null 2>&1; then
        echo "venv: warning: msgfmt not found (apt package gettext, scripts/system-deps.sh);" \
            "translations not compiled" >&2
    else
        if ! out=$(cd src/salesguide \
            && DJANGO_SETTINGS_MODULE=salesguide.settings ../../"$VENV"/bin/django-admin compilemessages 2>&1); then
            echo "$out" >&2
            echo "venv: error: compilemessages failed" >&2
            exit 1
        fi
        grep -v -e "is already compiled and up to date" <<<"$out" || true
    fi
fi
