#!/usr/bin/env bash
# Makes node_modules/ ready for the browser tests (axe-core, the accessibility checker they inject into pages):
# `npm ci` when package-lock.json changed since the last install, or node_modules/ is missing. Cheap when
# nothing changed, so test.sh calls it every time. Nothing in node_modules/ is served by the app.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

STAMP=node_modules/.package-lock.sha256

if ! command -v npm >/dev/null 2>&1; then
    echo "npm: error: npm not found (apt packages nodejs and npm, scripts/system-deps.sh)" >&2
    exit 1
fi

wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
installed=$(cat "$STAMP" 2>/dev/null || true)
if [[ "$wanted" != "$installed" || ! -d node_modules ]]; then
    echo "npm: installing the packages of package-lock.json (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$wanted" >"$STAMP"
else
    echo "npm: up to date"
fi
