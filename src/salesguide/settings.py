"""Django settings. Everything that differs per installation comes from the environment:

- ``SALESGUIDE_DATA_DIR`` (default ``var/`` in the checkout): SQLite file, secret key, uploaded files.
- ``DATABASE_URL`` (default SQLite in the data directory); ``postgres://...`` for PostgreSQL.
- ``SALESGUIDE_CONN_MAX_AGE``: seconds a worker keeps its database connection between requests (default 600;
  ``0`` opens one per request).
- ``SALESGUIDE_DEBUG`` (``1`` for development), ``SALESGUIDE_ALLOWED_HOSTS`` (comma-separated),
  ``SALESGUIDE_LANGUAGE`` (``nl`` or ``en``: the installation's language, decides which starter guides load),
  ``SALESGUIDE_CURRENCY`` (ISO 4217, default EUR), ``SALESGUIDE_TIME_ZONE`` (default Europe/Amsterdam),
  ``SALESGUIDE_CALENDAR_DOMAIN`` (the host part of calendar event ids, default ``salesguide``).
- ``SALESGUIDE_HTTPS=1`` behind a proxy that ends TLS (README, "Running behind HTTPS"): secure cookies, HSTS
  (``SALESGUIDE_HSTS_SECONDS``, default a year; ``SALESGUIDE_HSTS_PRELOAD=1``), the redirect to HTTPS and trust in
  the proxy's ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent.parent
if "SALESGUIDE_DATA_DIR" not in os.environ and "pytest" in sys.modules:
    # A plain `pytest` run must not touch the installation's var/ (scripts/test.sh sets the variable itself).
    os.environ["SALESGUIDE_DATA_DIR"] = tempfile.mkdtemp(prefix="salesguide-pytest-")
DATA_DIR = Path(os.environ.get("SALESGUIDE_DATA_DIR", CHECKOUT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SALESGUIDE_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SALESGUIDE_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SALESGUIDE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SALESGUIDE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "salesguide.apps.SalesguideConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files itself: every answer gets both policies.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "salesguide.web.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salesguide.web.middleware.ActivateUserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesguide.urls"
WSGI_APPLICATION = "salesguide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["django.templatetags.i18n", "salesguide.web.template_filters"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'salesguide.sqlite3'}"),
        # Persistent connections: each gunicorn worker keeps its connection between requests instead of opening
        # one per request (about 10 ms on PostgreSQL, the PRAGMAs again on SQLite). The health check (a ping
        # on PostgreSQL, before the first query of a request) replaces a connection the server dropped.
        # SALESGUIDE_CONN_MAX_AGE=0 opens one per request again.
        conn_max_age=int(os.environ.get("SALESGUIDE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # Readers never block the writer, and a writer waits instead of failing at once.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = (
        {"NAME": os.environ.get("SALESGUIDE_TEST_SQLITE", "")} if os.environ.get("SALESGUIDE_TEST_SQLITE") else {}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    # PostgreSQL's JIT compiles the reports' window queries anew on every run: ~120 ms more for the funnel at a
    # million sales and nothing gained for this application's short statements, so it is off for our sessions.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

AUTH_USER_MODEL = "salesguide.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("SALESGUIDE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = os.environ.get("SALESGUIDE_LANGUAGE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One way of writing a date per language everywhere (salesguide/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["salesguide.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("SALESGUIDE_TIME_ZONE", "Europe/Amsterdam")
DEFAULT_CURRENCY = os.environ.get("SALESGUIDE_CURRENCY", "EUR")
# The right-hand side of calendar event UIDs ("activity-7@crm.example.com"): set it to the installation's host
# name so that events of two installations never collide in one calendar.
SALESGUIDE_CALENDAR_DOMAIN = os.environ.get("SALESGUIDE_CALENDAR_DOMAIN", "salesguide")

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "web" / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded document templates (SPEC 7: limited in size and type).
TEMPLATE_UPLOAD_MAX_BYTES = int(os.environ.get("SALESGUIDE_TEMPLATE_MAX_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True


def _flag(name: str) -> bool:
    """An on/off variable: "1" or "0"/unset. Anything else is refused, so that a typo ("true", "yes") does not
    leave an installation on plain HTTP while its operator believes it is on HTTPS."""
    value = os.environ.get(name, "")
    if value not in ("", "0", "1"):
        raise ImproperlyConfigured(f"{name} must be 1 (on) or 0 (off), not {value!r}")
    return value == "1"


def _seconds(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of seconds, not {value!r}")
    return int(value)


# HTTPS: the app serves plain HTTP on 127.0.0.1 behind a reverse proxy that ends TLS and says so in
# X-Forwarded-Proto. That header is trusted only when SALESGUIDE_HTTPS=1: the proxy must set it (and overwrite
# what a client sent), and the app must not be reachable around the proxy.
HTTPS = _flag("SALESGUIDE_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# A health check (load balancer, container) asks the app directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
# A year, the usual production value; an operator trying HTTPS out first can lower it (HSTS is remembered by the
# browsers for max-age, whatever the server says later).
SECURE_HSTS_SECONDS = _seconds("SALESGUIDE_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
# The app owns its host name (crm.example.com), so its subdomains are its own too.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = _flag("SALESGUIDE_HSTS_PRELOAD") and HTTPS
# Preloading is a decision of the domain's owner (it means a submission to the browsers' list and cannot be
# undone quickly), not of the app: it is opt-in, and check --deploy's reminder of it is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy on every answer (django-csp 4's settings format). Scripts come from our origin only:
# no inline script, no inline event handler, no eval (htmx's hx-on needs eval: use static/salesguide/*.js).
# Styles allow 'unsafe-inline' because the pages set CSS variables in style attributes (the probability bars)
# and document previews are srcdoc frames, which inherit this policy, with a <style> element of their own;
# inline styles cannot run code. img-src data: is the favicon and images in previews of Word files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy: the app uses none of these browser features, so no page (and nothing injected into one)
# may ask for them.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MIGRATION_MODULES = {"salesguide": "salesguide.models.migrations"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING"}},
}
