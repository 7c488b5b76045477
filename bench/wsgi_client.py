"""Requests through Django's real WSGI handler, as a WSGI server makes them.

Django's test ``Client`` keeps the database connection open between requests on purpose (it disconnects
``close_old_connections`` around each request), which would hide what opening a connection costs. This client
calls ``WSGIHandler`` with a WSGI environ and closes the answer as a server does, so the request signals run
and the connection is kept or closed exactly as under gunicorn (``CONN_MAX_AGE``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.test.client import RequestFactory


@dataclass
class Answer:
    status_code: int
    headers: list[tuple[str, str]]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


class WsgiClient(RequestFactory):
    """``get``/``post`` as on the test client, answered by a ``WSGIHandler``. ``defaults`` are WSGI environ
    entries sent with every request (``HTTP_AUTHORIZATION``, ``HTTP_COOKIE``, ...)."""

    def __init__(self, **defaults: Any) -> None:
        super().__init__(**defaults)
        self.application = WSGIHandler()

    def request(self, **request: Any) -> Answer:  # type: ignore[override]
        environ = self._base_environ(**request)
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started["status"], started["headers"] = status, headers

        result = self.application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            result.close()  # fires request_finished, as a WSGI server does
        return Answer(int(started["status"].split(" ", 1)[0]), started["headers"], content)

    def post_json(self, path: str, body: Any, **extra: Any) -> Answer:
        return self.post(path, json.dumps(body), content_type="application/json", **extra)  # type: ignore[return-value]
