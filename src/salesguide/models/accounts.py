from __future__ import annotations

import hashlib
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Sales manager")
    SALESPERSON = "salesperson", _("Salesperson")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALESPERSON)
    language = models.CharField(
        _("language"), max_length=5, choices=[("nl", _("Dutch")), ("en", _("English"))], default="nl"
    )
    confirm_suggested_followups = models.BooleanField(_("confirm creation of suggested follow-up"), default=True)
    # Blank: the installation's time zone (settings.TIME_ZONE).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # The secret in the user's calendar feed URL (SPEC 5); null when the feed is off. Stored as is, because the
    # user must be able to see the URL again; revoking it replaces it.
    calendar_token = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone this user lives in: their own, else the installation's (also when the stored name is
        no longer known). ``services.clock`` reads "today" and "now" in it."""
        for name in (self.time_zone, settings.TIME_ZONE):
            if name:
                try:
                    return zoneinfo.ZoneInfo(name)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    continue
        return zoneinfo.ZoneInfo("UTC")

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)


class ApiToken(models.Model):
    """A bearer token for scripts. Only the SHA-256 of the token is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user_id})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
