"""Fixtures shared by every test package: one user per role, and logged-in test clients.

Where the test session keeps its files: pytest-django imports ``salesguide.settings`` before pytest loads
any conftest (in its ``pytest_load_initial_conftests`` hook), so an environment variable set here comes too
late for settings to read. ``scripts/test.sh`` therefore exports ``SALESGUIDE_DATA_DIR`` (a temp dir)
before it starts pytest. When pytest is started by hand without it, ``pytest_configure`` below points the
data, media and static directories at a temp dir for the session instead; only the secret key, which
settings read at import, then comes from ``var/``. Every test also gets its own ``MEDIA_ROOT``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

USER_PASSWORD = "correct-horse-battery"

_session_data_dir: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _session_data_dir
    if os.environ.get("SALESGUIDE_DATA_DIR"):
        return
    from django.conf import settings

    _session_data_dir = Path(tempfile.mkdtemp(prefix="salesguide-test-data-"))
    # Subprocesses started by tests (the CLI, a server) read the variable themselves.
    os.environ["SALESGUIDE_DATA_DIR"] = str(_session_data_dir)
    settings.DATA_DIR = _session_data_dir
    settings.MEDIA_ROOT = _session_data_dir / "media"
    settings.STATIC_ROOT = _session_data_dir / "static"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _session_data_dir is not None:
        shutil.rmtree(_session_data_dir, ignore_errors=True)
        os.environ.pop("SALESGUIDE_DATA_DIR", None)


@pytest.fixture(autouse=True)
def _media_root_per_test(settings: Any, tmp_path: Path) -> None:
    """Uploaded files of one test never show up in another, nor in the real data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def user_password() -> str:
    """The password of every user made by these fixtures."""
    return USER_PASSWORD


@pytest.fixture(scope="session")
def _user_password_hash() -> str:
    # Argon2 takes about a quarter of a second per hash; hash the shared password once per session.
    from django.contrib.auth.hashers import make_password

    return make_password(USER_PASSWORD)


@pytest.fixture
def make_user(db: None, _user_password_hash: str) -> Callable[..., Any]:
    """Make a user of the given role who logs in with ``USER_PASSWORD`` and sees English."""
    from salesguide.models import User

    def _make_user(username: str, role: str, **fields: Any) -> User:
        fields.setdefault("language", "en")
        fields.setdefault("email", f"{username}@example.com")
        user = User(username=username, role=role, **fields)
        user.password = _user_password_hash
        user.save()
        return user

    return _make_user


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    """An administrator by role (not a Django superuser: permissions must follow the role)."""
    return make_user("admin", "admin", first_name="Ada", last_name="Admin")


@pytest.fixture
def manager_user(make_user: Callable[..., Any]) -> Any:
    return make_user("manager", "manager", first_name="Max", last_name="Manager")


@pytest.fixture
def salesperson_user(make_user: Callable[..., Any]) -> Any:
    return make_user("salesperson", "salesperson", first_name="Sam", last_name="Seller")


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user: Any) -> Iterator[Client]:
    yield _client_for(admin_user)


@pytest.fixture
def manager_client(manager_user: Any) -> Iterator[Client]:
    yield _client_for(manager_user)


@pytest.fixture
def salesperson_client(salesperson_user: Any) -> Iterator[Client]:
    yield _client_for(salesperson_user)
