#!/usr/bin/env bash
# Refresh the Dutch catalogue from the code and templates (then translate the new entries and run make test).
set -euo pipefail
cd "$(dirname "$0")/../src/salesguide"
DJANGO_SETTINGS_MODULE=salesguide.settings ../../.venv/bin/django-admin makemessages -l nl \
  --add-location=file --no-obsolete --ignore 'models/migrations/*'
DJANGO_SETTINGS_MODULE=salesguide.settings ../../.venv/bin/django-admin compilemessages -l nl
