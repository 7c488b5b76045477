"""``salesguide serve``: collect the static files, then hand the process over to gunicorn."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

WORKERS = 2
# Seconds a request may take before gunicorn restarts its worker. Exports stream a whole filtered list (an XLSX
# of a million sales takes ~100 s to write) and imports check a whole file in the request: gunicorn's default
# of 30 s would cut them off halfway.
TIMEOUT = 600


def gunicorn_argv(host: str, port: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "salesguide.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(WORKERS),
        "--timeout",
        str(TIMEOUT),
        "--access-logfile",
        "-",
    ]


class ServeCommand(BaseCommand):
    help = "Serve the app with gunicorn (static files served by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(_("The port must be a number from 1 to 65535."))
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(_("Serving Salesguide on http://%(host)s:%(port)d/") % {"host": host, "port": port})
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesguide.settings")
        # exec, not a child process: gunicorn gets the signals (Ctrl-C, a service manager's stop) directly.
        os.execv(sys.executable, gunicorn_argv(host, port))  # noqa: S606 - fixed argv, no shell
