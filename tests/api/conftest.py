"""An API client that talks like a script: JSON bodies, a bearer token, English messages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from salesguide.services import accounts


class ApiClient:
    """Calls ``/api/v1/...`` with ``Authorization: Bearer <token>`` (or none) and JSON bodies."""

    def __init__(self, token: str | None = None, client: Client | None = None, language: str = "en") -> None:
        self.client = client or Client()
        self.headers: dict[str, str] = {"Accept-Language": language}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/v1/") else "/api/v1/" + path.lstrip("/")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self._url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self._send("post", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self._send("patch", path, body, **kwargs)

    def delete(self, path: str) -> Any:
        return self.client.delete(self._url(path), headers=self.headers)

    def _send(self, method: str, path: str, body: Any, content_type: str = "application/json", **kwargs: Any) -> Any:
        # Strings and bytes go as they are (to send broken JSON); anything else is encoded as JSON.
        raw = body is None or isinstance(body, str | bytes)
        data = body if raw or content_type != "application/json" else json.dumps(body)
        send = getattr(self.client, method)
        return send(self._url(path), data, content_type=content_type, headers=self.headers, **kwargs)

    def upload(self, path: str, fields: dict[str, Any]) -> Any:
        """A multipart POST (Django's test client encodes a dict with files as multipart/form-data)."""
        return self.client.post(self._url(path), fields, headers=self.headers)


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    """Tests call far faster than any person; the throttle test switches it back on for itself."""
    settings.SALESGUIDE_API_RATE = None


@pytest.fixture
def make_api(db: None) -> type[ApiClient]:
    """Build a client by hand: ``make_api(token)``, ``make_api(token, client=Client(...))``."""
    return ApiClient


@pytest.fixture
def token_for(db: None) -> Callable[[Any], str]:
    def _token_for(user: Any) -> str:
        return accounts.create_token(user, "tests")[1]

    return _token_for


@pytest.fixture
def api(admin_user: Any, token_for: Callable[[Any], str]) -> ApiClient:
    """An administrator's script."""
    return ApiClient(token_for(admin_user))


@pytest.fixture
def salesperson_api(salesperson_user: Any, token_for: Callable[[Any], str]) -> ApiClient:
    return ApiClient(token_for(salesperson_user))


@pytest.fixture
def manager_api(manager_user: Any, token_for: Callable[[Any], str]) -> ApiClient:
    return ApiClient(token_for(manager_user))


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient()


@pytest.fixture
def make_stage(api: ApiClient) -> Callable[..., dict[str, Any]]:
    def _make_stage(name: str, probability: int = 10, description: str = "") -> dict[str, Any]:
        response = api.post("stages", {"name": name, "probability": probability, "description": description})
        assert response.status_code == 201, response.content
        return response.json()

    return _make_stage


@pytest.fixture
def make_sale_type(api: ApiClient, make_stage: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def _make_sale_type(name: str, stage_ids: list[int] | None = None, **fields: Any) -> dict[str, Any]:
        if stage_ids is None:
            stage_ids = [make_stage(f"{name} first")["id"], make_stage(f"{name} second", 50)["id"]]
        response = api.post("sale-types", {"name": name, "stage_ids": stage_ids, **fields})
        assert response.status_code == 201, response.content
        return response.json()

    return _make_sale_type


@pytest.fixture
def make_docx() -> Callable[..., bytes]:
    """A real Word document, made with python-docx."""

    def _make_docx(text: str = "Dear {{ contact }},") -> bytes:
        import docx

        document = docx.Document()
        document.add_paragraph(text)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return _make_docx
