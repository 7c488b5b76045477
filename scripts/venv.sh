#!/usr/bin/env bash
# Makes .venv ready: creates it if missing (python3.11, else python3), installs the project when
# pyproject.toml changed since the last install (or the mode asks for more), and compiles the translations.
# Cheap when nothing changed, so run.sh and test.sh call it every time.
#
#   scripts/venv.sh run     what running the app needs: pip install -e .           (make run)
#   scripts/venv.sh test    that and the test tools: pip install -e '.[dev]'       (make test, make check)
#
# The stamp records pyproject.toml's hash and the mode installed; a test venv serves running too.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-test}
case "$mode" in
    run) spec="." what="the project" ;;
    test) spec=".[dev]" what="the project and its test tools" ;;
    *)
        echo "usage: $0 [run|test]" >&2
        exit 2
        ;;
esac

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
installed="" installed_mode=""
if [[ -f "$STAMP" ]]; then
    read -r installed installed_mode <"$STAMP" || true
fi
# A stamp without a mode is from before the modes, when every install had the test tools.
installed_mode=${installed_mode:-test}
up_to_date=""
if [[ "$wanted" == "$installed" && -x "$VENV/bin/salesguide" ]]; then
    if [[ "$installed_mode" == test && -x "$VENV/bin/pytest" ]] || [[ "$mode" == run && "$installed_mode" == run ]]; then
        up_to_date=1
    fi
fi
if [[ -z "$up_to_date" ]]; then
    echo "venv: installing $what ($mode mode)"
    # pip's "Location ... is ignored" warnings about this machine's index set-up are noise.
    set +e
    "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e "$spec" 2>&1 \
        | grep -v -E "Location .* is ignored|^Requirement already satisfied"
    status=${PIPESTATUS[0]}
    set -e
    if [[ $status -ne 0 ]]; then
        echo "venv: error: pip install failed (exit $status)" >&2
        exit "$status"
    fi
    echo "$wanted $mode" >"$STAMP"
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
