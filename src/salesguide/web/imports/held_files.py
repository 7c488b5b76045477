"""An uploaded import file kept between its dry run and the import, so the user presses "Import" without
choosing the file again.

The file is written to ``DATA_DIR/imports/`` under a random token (never a name the browser sent) and the token
is remembered in the uploader's session with what to import and the file's name: a token is honoured only by the
session that uploaded it, and only for ``KEPT_FOR`` seconds. Files of abandoned dry runs are removed by the next
upload, whoever makes it. The folder is outside ``MEDIA_ROOT``, so backups do not carry half-done imports.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

KEPT_FOR = 60 * 60
_SESSION_KEY = "held_imports"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class HeldFile:
    token: str
    kind: str
    filename: str
    path: Path


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def hold(session: SessionBase, upload: IO[bytes], kind: str, filename: str) -> HeldFile:
    """Keep ``upload`` for this session; remove what others left behind longer than ``KEPT_FOR`` ago."""
    _remove_expired()
    token = secrets.token_urlsafe(24)
    path = _folder() / token
    with path.open("xb") as kept:
        shutil.copyfileobj(upload, kept)
    held: dict[str, Any] = session.get(_SESSION_KEY, {})
    held = {key: value for key, value in held.items() if (_folder() / key).exists()}
    held[token] = {"kind": kind, "filename": filename}
    session[_SESSION_KEY] = held
    return HeldFile(token, kind, filename, path)


def held(session: SessionBase, token: str) -> HeldFile | None:
    """The file this session holds under ``token``, or None when it has none (any longer)."""
    entry = session.get(_SESSION_KEY, {}).get(token)
    if not _TOKEN.fullmatch(token) or entry is None:
        return None
    path = _folder() / token
    if not path.exists() or _expired(path):
        release(session, token)
        return None
    return HeldFile(token, str(entry["kind"]), str(entry["filename"]), path)


def release(session: SessionBase, token: str) -> None:
    """Forget the file under ``token`` and remove it."""
    kept = session.get(_SESSION_KEY, {})
    if token in kept:
        del kept[token]
        session[_SESSION_KEY] = kept
    if _TOKEN.fullmatch(token):
        (_folder() / token).unlink(missing_ok=True)


def _expired(path: Path) -> bool:
    try:
        return path.stat().st_mtime < time.time() - KEPT_FOR
    except FileNotFoundError:
        return True


def _remove_expired() -> None:
    for path in _folder().iterdir():
        if _expired(path):
            path.unlink(missing_ok=True)
