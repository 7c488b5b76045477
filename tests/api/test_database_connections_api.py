"""Database connections are kept between requests (issue 10: opening one took about 10 ms of every API call on
PostgreSQL). Django's test client keeps the connection open on purpose, so these requests go through the real
WSGI handler, whose request signals close connections as they would under gunicorn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.client import RequestFactory

# No test transaction around these: a connection is only kept or closed between requests outside one.
pytestmark = pytest.mark.django_db(transaction=True)


def _wsgi_get(path: str) -> int:
    """A GET as a WSGI server makes it: the handler's answer is closed afterwards, which ends the request."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    statuses: list[str] = []
    result = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(result)
    finally:
        result.close()
    return int(statuses[0].split()[0])


def _in_memory() -> bool:
    # Django never closes an in-memory SQLite test database (it would be lost), whatever the settings.
    return bool(connection.vendor == "sqlite" and connection.is_in_memory_db())


@pytest.fixture
def max_age() -> Iterator[Any]:
    """Restores the connection's maximum age after a test that changes it."""
    before = connection.settings_dict["CONN_MAX_AGE"]
    yield connection.settings_dict
    connection.settings_dict["CONN_MAX_AGE"] = before
    connection.close()


def test_connections_are_kept_between_requests_when_the_settings_are_read() -> None:
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] >= 60
    # A connection the server dropped is replaced before a request uses it.
    assert database["CONN_HEALTH_CHECKS"] is True


def test_two_requests_use_the_same_connection_when_connections_are_kept(max_age: Any) -> None:
    # given a fresh connection that may be kept
    connection.close()
    # when two requests that query the database are answered one after the other
    assert _wsgi_get("/api/v1/health") == 200
    first = connection.connection
    assert _wsgi_get("/api/v1/health") == 200
    # then the second used the connection the first opened
    assert first is not None
    assert connection.connection is first


def test_each_request_opens_its_own_connection_when_connections_are_not_kept(max_age: Any) -> None:
    if _in_memory():
        pytest.skip("an in-memory SQLite test database is never closed")
    # given connections that are not kept (SALESGUIDE_CONN_MAX_AGE=0)
    max_age["CONN_MAX_AGE"] = 0
    connection.close()
    # when a request is answered
    assert _wsgi_get("/api/v1/health") == 200
    # then its connection was closed at its end
    assert connection.connection is None
