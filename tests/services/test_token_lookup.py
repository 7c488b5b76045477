"""The bearer-token lookup every API call makes (one hand-written statement, issue 10): who the token belongs to,
nobody for a revoked token or an inactive user, and "last used" written at most once a minute."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesguide.models import ApiToken
from salesguide.services import accounts

pytestmark = pytest.mark.django_db


def test_a_token_finds_its_user_and_notes_when_it_was_used_when_it_is_used_the_first_time(
    salesperson_user: Any,
) -> None:
    token, key = accounts.create_token(salesperson_user, "Script")

    user = accounts.user_for_token(key)

    assert user == salesperson_user
    assert user is not None and user.role == "salesperson" and user.username == "salesperson"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_token_used_again_within_a_minute_is_not_written_again_when_it_is_looked_up(salesperson_user: Any) -> None:
    token, key = accounts.create_token(salesperson_user, "Script")
    accounts.user_for_token(key)
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at

    with CaptureQueriesContext(connection) as lookup:
        assert accounts.user_for_token(key) == salesperson_user

    assert len(lookup.captured_queries) == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use


def test_a_token_last_used_over_a_minute_ago_is_noted_again_when_it_is_looked_up(salesperson_user: Any) -> None:
    token, key = accounts.create_token(salesperson_user, "Script")
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)

    assert accounts.user_for_token(key) == salesperson_user

    assert ApiToken.objects.get(pk=token.pk).last_used_at > long_ago


def test_nobody_is_found_when_the_token_is_revoked_unknown_or_its_user_inactive(
    salesperson_user: Any, admin_user: Any
) -> None:
    revoked, revoked_key = accounts.create_token(salesperson_user, "Old")
    accounts.revoke_token(salesperson_user, revoked.pk)
    _, inactive_key = accounts.create_token(admin_user, "Gone")
    admin_user.is_active = False
    admin_user.save()

    assert accounts.user_for_token(revoked_key) is None
    assert accounts.user_for_token(inactive_key) is None
    assert accounts.user_for_token("sg_no-such-token") is None
    assert accounts.user_for_token("") is None
