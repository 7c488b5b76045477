"""Running behind HTTPS (issue 9, item 25): one setting, ``SALESGUIDE_HTTPS=1``, turns on secure cookies, HSTS,
the redirect to HTTPS and trust in the proxy's ``X-Forwarded-Proto`` header; ``salesguide check --deploy`` is
clean with it. The settings module is read afresh with a given environment (as a new process would read it), and
what it gives is then played against the app through the test client."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

SETTINGS_FILE = Path(django_settings.PACKAGE_DIR) / "settings.py"
OUR_VARIABLES = ("SALESGUIDE_HTTPS", "SALESGUIDE_HSTS_SECONDS", "SALESGUIDE_HSTS_PRELOAD", "SALESGUIDE_DEBUG")
HTTPS_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REDIRECT_EXEMPT",
)
ONE_YEAR = 365 * 24 * 3600


def read_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **environment: str) -> dict[str, Any]:
    """The settings an installation with this environment gets."""
    monkeypatch.setenv("SALESGUIDE_DATA_DIR", str(tmp_path))
    for name in OUR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_https_is_off_when_the_installation_does_not_turn_it_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    found = read_settings(monkeypatch, tmp_path)
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["CSRF_COOKIE_SECURE"] is False
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_PROXY_SSL_HEADER"] is None
    assert found["SECURE_HSTS_SECONDS"] == 0


def test_one_setting_turns_on_everything_https_needs_when_the_installation_sets_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    found = read_settings(monkeypatch, tmp_path, SALESGUIDE_HTTPS="1")
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert found["SECURE_HSTS_SECONDS"] == ONE_YEAR
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    # Preloading is the domain owner's decision (a submission to the browsers' list), so it stays off by default
    assert found["SECURE_HSTS_PRELOAD"] is False


def test_the_hsts_max_age_and_preload_follow_the_environment_when_an_operator_sets_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    found = read_settings(
        monkeypatch, tmp_path, SALESGUIDE_HTTPS="1", SALESGUIDE_HSTS_SECONDS="3600", SALESGUIDE_HSTS_PRELOAD="1"
    )
    assert found["SECURE_HSTS_SECONDS"] == 3600
    assert found["SECURE_HSTS_PRELOAD"] is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SALESGUIDE_HTTPS", "yes"),
        ("SALESGUIDE_HTTPS", "true"),
        ("SALESGUIDE_HSTS_SECONDS", "a year"),
        ("SALESGUIDE_HSTS_PRELOAD", "on"),
    ],
)
def test_a_mistyped_https_setting_is_refused_when_the_settings_are_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    # A typo must not leave an installation on plain HTTP while its operator believes it is on HTTPS
    environment = {"SALESGUIDE_HTTPS": "1", name: value}
    with pytest.raises(ImproperlyConfigured, match=name):
        read_settings(monkeypatch, tmp_path, **environment)


# --- what a browser meets -----------------------------------------------------------------------------------------


@pytest.fixture
def https_on(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app as SALESGUIDE_HTTPS=1 sets it up."""
    found = read_settings(monkeypatch, tmp_path, SALESGUIDE_HTTPS="1")
    for name in HTTPS_SETTINGS:
        setattr(settings, name, found[name])


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_when_https_is_on(https_on: None, client: Client) -> None:
    response = client.get("/login/?next=/sales/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/?next=/sales/"


@pytest.mark.django_db
def test_a_page_through_the_https_proxy_has_hsts_and_secure_cookies_when_https_is_on(
    https_on: None, client: Client, salesperson_user: Any, user_password: str
) -> None:
    # When a person opens the login page through the proxy that ended TLS
    page = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    # Then the browser is told to use HTTPS only, for a year, and the CSRF cookie travels over HTTPS only
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"] is True
    # And after logging in, so does the session cookie
    response = client.post(
        "/login/",
        {"username": salesperson_user.username, "password": user_password},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True


@pytest.mark.django_db
def test_the_health_check_answers_over_plain_http_when_https_is_on(https_on: None, client: Client) -> None:
    # A load balancer or container health check asks the app directly, without the proxy
    assert client.get("/api/v1/health").status_code == 200


@pytest.mark.django_db
def test_nothing_asks_for_https_when_https_is_off(client: Client) -> None:
    page = client.get("/login/")
    assert page.status_code == 200
    assert "Strict-Transport-Security" not in page
    assert page.cookies["csrftoken"]["secure"] == ""


# --- check --deploy --------------------------------------------------------------------------------------------


def check_deploy(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """``salesguide check --deploy`` in a new process, failing on warnings too."""
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES and k != "DATABASE_URL"}
    env.update(
        SALESGUIDE_DATA_DIR=str(tmp_path),
        SALESGUIDE_SECRET_KEY=secrets.token_urlsafe(50),
        SALESGUIDE_ALLOWED_HOSTS="crm.example.com",
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-m", "salesguide", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_when_https_is_on(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, SALESGUIDE_HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_is_missing_when_https_is_off(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr
