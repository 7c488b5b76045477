"""Users: everyone reads and changes their own profile; administrators list, create and change users."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from salesguide.api.auth import actor
from salesguide.api.calendar import base_url
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import Line, NotNull, PathId
from salesguide.api.paging import PageParams, page
from salesguide.api.schemas import InSchema
from salesguide.domain.errors import gettext_noop
from salesguide.models import User
from salesguide.services import accounts, calendar, lists
from salesguide.services.permissions import require_admin

router = Router(tags=["Users"])

Role = Literal["admin", "manager", "salesperson"]
Language = Literal["nl", "en"]


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise PydanticCustomError("salesguide_email", gettext_noop("Enter a valid e-mail address.")) from None
    return value


Email = Annotated[Line, AfterValidator(_email), WithJsonSchema({"type": "string", "maxLength": 254})]
_STRING = {"type": "string", "maxLength": 254}


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: Role
    language: Language
    confirm_suggested_followups: bool
    time_zone: str = Field(description="An IANA time zone name; empty: the installation's.")
    calendar_url: str | None = Field(
        description=(
            "Your calendar feed (.ics) to subscribe to; null while it is off (turn it on with "
            "`POST /users/me/calendar`). Only shown to the user themselves."
        )
    )
    is_active: bool


class UserCreatedOut(UserOut):
    password: str | None = Field(
        description="The generated password, shown this once; null when the request chose the password."
    )


class UserListOut(Schema):
    items: list[UserOut]
    next: str | None


class ProfilePatch(InSchema):
    language: Annotated[Language | None, NotNull, WithJsonSchema({"type": "string", "enum": ["nl", "en"]})] = None
    confirm_suggested_followups: Annotated[bool | None, NotNull, WithJsonSchema({"type": "boolean"})] = None
    first_name: Annotated[Line | None, NotNull, WithJsonSchema(_STRING)] = None
    last_name: Annotated[Line | None, NotNull, WithJsonSchema(_STRING)] = None
    email: Annotated[Email | None, NotNull, WithJsonSchema(_STRING)] = None
    time_zone: Annotated[Line | None, NotNull, WithJsonSchema({"type": "string", "maxLength": 64})] = Field(
        None, description="An IANA name such as Europe/Amsterdam; empty: the installation's time zone."
    )


class UserIn(InSchema):
    username: Line
    password: Line | None = Field(None, description="Leave out to have one generated (shown once).")
    role: Role = "salesperson"
    language: Language | None = Field(None, description="Default: the installation's language.")
    email: Email = ""
    first_name: Line = ""
    last_name: Line = ""


class UserPatch(InSchema):
    role: Annotated[
        Role | None, NotNull, WithJsonSchema({"type": "string", "enum": ["admin", "manager", "salesperson"]})
    ] = None
    language: Annotated[Language | None, NotNull, WithJsonSchema({"type": "string", "enum": ["nl", "en"]})] = None
    is_active: Annotated[bool | None, NotNull, WithJsonSchema({"type": "boolean"})] = None
    password: Annotated[Line | None, NotNull, WithJsonSchema(_STRING)] = None


def user_out(user: User, calendar_url: str | None = None) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "language": user.language,
        "confirm_suggested_followups": user.confirm_suggested_followups,
        "time_zone": user.time_zone,
        "calendar_url": calendar_url,
        "is_active": user.is_active,
    }


@router.get("/users/me", response=responses({200: UserOut}, *READ), summary="Who I am")
def get_me(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    return user_out(user, calendar.feed_url(user, base_url(request)))


@router.patch(
    "/users/me",
    response=responses({200: UserOut}, *WRITE, *BODY),
    summary="Change my own preferences",
    description="Language, the confirmation before creating a suggested follow-up, name and e-mail.",
)
def update_me(request: HttpRequest, payload: ProfilePatch) -> dict[str, Any]:
    user = accounts.update_profile(actor(request), **payload.model_dump(exclude_unset=True))
    return user_out(user, calendar.feed_url(user, base_url(request)))


@router.get(
    "/users",
    response=responses({200: UserListOut}, *READ, *QUERY, 403),
    summary="List users (administrators)",
)
def list_users(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    require_admin(actor(request))
    return page(User.objects.all(), params, user_out, order=("username", "id"))


@router.post(
    "/users",
    response=responses({201: UserCreatedOut}, *WRITE, *BODY, 409),
    summary="Add a user (administrators)",
)
def create_user(request: HttpRequest, payload: UserIn) -> tuple[int, dict[str, Any]]:
    fields = payload.model_dump()
    fields["language"] = fields["language"] or settings.LANGUAGE_CODE
    user, password = accounts.create_user(actor(request), **fields)
    return 201, {**user_out(user), "password": password if payload.password is None else None}


@router.get(
    "/users/{int:id}",
    response=responses({200: UserOut}, *READ, 403, 404),
    summary="One user (administrators)",
)
def get_user(request: HttpRequest, id: PathId) -> dict[str, Any]:
    require_admin(actor(request))
    return user_out(lists.get_item(User, id))


@router.patch(
    "/users/{int:id}",
    response=responses({200: UserOut}, *WRITE, *BODY, 404),
    summary="Change a user's role, language, password or whether they can log in (administrators)",
)
def update_user(request: HttpRequest, id: PathId, payload: UserPatch) -> dict[str, Any]:
    return user_out(accounts.update_user(actor(request), id, **payload.model_dump(exclude_unset=True)))
