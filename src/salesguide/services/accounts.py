"""Users, their preferences, and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from functools import cache
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from salesguide.domain import catalog as rules
from salesguide.domain.errors import DuplicateName, FieldProblem, Message, NotAllowed, gettext_noop
from salesguide.domain.names import unsafe_name_character
from salesguide.models import ApiToken, Role, User
from salesguide.services import lists
from salesguide.services.permissions import require_admin

LANGUAGES = ("nl", "en")
_UNSET: Any = object()


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _user_problems(username: Any, role: Any, language: Any) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if username is not _UNSET:
        if not isinstance(username, str) or not username.strip():
            problems.append(FieldProblem(("username",), Message(gettext_noop("A user name is required."))))
        elif len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
            problems.append(
                FieldProblem(
                    ("username",),
                    Message(gettext_noop("Use at most 150 letters, digits and @ . + - _ for a user name.")),
                )
            )
    if role is not _UNSET:
        problems += rules.choice_problems(role, [r.value for r in Role], ("role",))
    if language is not _UNSET:
        problems += rules.choice_problems(language, LANGUAGES, ("language",))
    return problems


def _person_name_problems(**names: Any) -> list[FieldProblem]:
    """A user's first and last name are one line of visible text, like every name."""
    return [
        FieldProblem((field,), unsafe)
        for field, value in names.items()
        if isinstance(value, str) and (unsafe := unsafe_name_character(value)) is not None
    ]


def _password_problems(password: str, user: User | None = None) -> list[FieldProblem]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [FieldProblem(("password",), Message(str(m))) for m in error.messages]
    return []


def new_user_problems(fields: dict[str, Any]) -> list[FieldProblem]:
    """What is wrong with the given fields of a new user (user name, role, language, names, a chosen password),
    all at once; a form whose other fields did not parse shows these with its own (issue 9, item 12)."""
    username = fields.get("username", _UNSET)
    if isinstance(username, str):
        username = User.normalize_username(username.strip())
    problems = _user_problems(username, fields.get("role", _UNSET), fields.get("language", _UNSET))
    names = {name: fields[name] for name in ("first_name", "last_name") if name in fields}
    problems += _person_name_problems(**names)
    if fields.get("password"):
        problems += _password_problems(fields["password"])
    return problems


def create_user_unchecked(
    *,
    username: str,
    role: str = "salesperson",
    language: str = "nl",
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> tuple[User, str]:
    """Create a user (used by the operator's command line, which has no acting user). Returns the user and the
    password, generated when none is given."""
    if isinstance(username, str):
        # Django stores usernames NFKC-normalised ("½" becomes "1⁄2"): check and compare what will be stored.
        username = User.normalize_username(username.strip())
    problems = _user_problems(username, role, language) + _person_name_problems(
        first_name=first_name, last_name=last_name
    )
    generated = password is None
    password = password if password is not None else generate_password()
    if not generated:
        problems += _password_problems(password)
    rules.raise_if_problems(problems)
    if User.objects.filter(username__iexact=username).exists():
        raise DuplicateName(Message(gettext_noop("There is already a user named “%(name)s”."), {"name": username}))
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            role=role,
            language=language,
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
    return user, password


def create_user(actor: User, **fields: Any) -> tuple[User, str]:
    require_admin(actor)
    return create_user_unchecked(**fields)


@transaction.atomic
def update_user(
    actor: User,
    user_id: int,
    *,
    role: Any = _UNSET,
    language: Any = _UNSET,
    is_active: Any = _UNSET,
    password: Any = _UNSET,
) -> User:
    require_admin(actor)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise lists.not_found(User, user_id)
    problems = _user_problems(_UNSET, role, language)
    if password is not _UNSET:
        problems += _password_problems(password, user)
    rules.raise_if_problems(problems)
    if user.pk == actor.pk and ((role is not _UNSET and role != Role.ADMIN) or is_active is False):
        raise NotAllowed(Message(gettext_noop("You cannot take away your own administrator rights.")))
    if role is not _UNSET:
        user.role = role
    if language is not _UNSET:
        user.language = language
    if is_active is not _UNSET:
        user.is_active = bool(is_active)
    if password is not _UNSET:
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA names a user may choose, sorted (the operating system's tz database, or the tzdata package)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def _time_zone_problems(time_zone: Any) -> list[FieldProblem]:
    if time_zone is _UNSET or time_zone == "" or time_zone is None:
        return []
    if not isinstance(time_zone, str) or time_zone.strip() not in time_zone_names():
        return [FieldProblem(("time_zone",), Message(gettext_noop("Choose a time zone from the list.")))]
    return []


def update_profile(
    actor: User,
    *,
    language: Any = _UNSET,
    confirm_suggested_followups: Any = _UNSET,
    first_name: Any = _UNSET,
    last_name: Any = _UNSET,
    email: Any = _UNSET,
    time_zone: Any = _UNSET,
) -> User:
    """What every user may change about themselves. A blank time zone follows the installation's."""
    rules.raise_if_problems(
        _user_problems(_UNSET, _UNSET, language)
        + _time_zone_problems(time_zone)
        + _person_name_problems(first_name=first_name, last_name=last_name)
    )
    user = User.objects.get(pk=actor.pk)
    if time_zone is not _UNSET:
        user.time_zone = (time_zone or "").strip()
        actor.time_zone = user.time_zone
    if language is not _UNSET:
        user.language = language
    if confirm_suggested_followups is not _UNSET:
        user.confirm_suggested_followups = bool(confirm_suggested_followups)
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if value is not _UNSET:
            setattr(user, name, (value or "").strip())
    user.save()
    return user


@transaction.atomic
def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for ``user``. The token itself is returned once and never stored."""
    key = "sg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=(name or "").strip()[:100], key_hash=ApiToken.hash_key(key), prefix=key[:8]
    )
    return token, key


@transaction.atomic
def revoke_token(actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None or (token.user_id != actor.pk and actor.role != Role.ADMIN):
        raise lists.not_found(ApiToken, token_id)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


@cache
def _token_user_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    users, tokens = quote(User._meta.db_table), quote(ApiToken._meta.db_table)
    return (
        f"SELECT u.*, t.id AS token_id, "  # noqa: S608 - table names from the models, values as parameters
        f"CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END AS token_unused_for_a_minute "
        f"FROM {users} u JOIN {tokens} t ON t.user_id = u.id "
        f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )


def user_for_token(key: str) -> User | None:
    """The active user a bearer token belongs to, or None.

    Every API call asks this first, so it is one hand-written statement: built through the ORM it took four times
    as long to put together as the database takes to answer it (issue 10, about 0.4 ms of every call)."""
    if not key:
        return None
    now = timezone.now()
    found = User.objects.raw(
        _token_user_sql(connection.vendor), [now - dt.timedelta(seconds=60), ApiToken.hash_key(key)]
    )
    user = next(iter(found), None)
    if user is None:
        return None
    # Write at most once a minute per token, so a busy script does not turn every read into a write.
    if getattr(user, "token_unused_for_a_minute", 0):
        ApiToken.objects.filter(pk=getattr(user, "token_id")).update(last_used_at=now)  # noqa: B009
    return user
