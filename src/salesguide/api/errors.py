"""The one place where the API turns errors into HTTP answers.

Every error is JSON with ``detail``: a sentence, or for field validation a list of ``{"loc", "msg"}``. Domain
errors, Ninja's and pydantic's validation errors, authentication, CSRF, throttling, malformed bodies and
unknown URLs all end here, translated into the request's language (see ``request_language``). A 500 is the
last resort for a bug: it is logged and still answered in JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from salesguide.domain.errors import (
    DomainError,
    DuplicateName,
    FieldProblem,
    Message,
    NotAllowed,
    NotFound,
    RuleViolation,
    StaleVersion,
    ValidationFailed,
    gettext_noop,
)
from salesguide.domain.exit_criteria import ExitCriteriaNotMet, RequiredItem

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("salesguide.api")

# --- the error bodies, as the OpenAPI document shows them ------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str


class RequiredItemOut(Schema):
    """A suggestion of the guide marked "required before leaving this stage" (exit criteria, SPEC 6.3)."""

    suggestion_id: int
    name: str
    kind: Literal["followup", "document"]


class UnprocessableOut(Schema):
    """422: a list of field problems, or one sentence when a rule is broken."""

    detail: str | list[FieldErrorOut]
    missing: list[RequiredItemOut] | None = Field(
        None,
        description="Only when a move is refused by a sale type's exit criteria in block mode: the required items "
        "of the stage not done yet.",
    )


# Status codes each kind of endpoint can answer besides its success code: every call may be unauthenticated
# or throttled; a write may be refused (not an admin, or a session without its CSRF token); a body may be
# unreadable, too large or invalid; so may a list's query string.
READ = (401, 429)
WRITE = (401, 403, 429)
BODY = (400, 413, 422)
QUERY = (400, 422)


def responses(success: Mapping[int, Any], *codes: int) -> dict[int, Any]:
    """A Ninja ``response=`` mapping: the success codes plus the error schema of every other code."""
    result: dict[int, Any] = dict(success)
    for code in sorted(set(codes)):
        result[code] = UnprocessableOut if code == 422 else ErrorOut
    return result


# --- the request's language -------------------------------------------------------------------------------


def _accept_language(header: str) -> str | None:
    """The first language of an Accept-Language header that the product speaks."""
    supported = {code for code, _name in settings.LANGUAGES}
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in supported and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else None


def request_language(request: HttpRequest) -> str:
    """An explicit Accept-Language wins (scripts ask per request); then the user's own language; then the
    installation's."""
    chosen = _accept_language(request.headers.get("Accept-Language", ""))
    if chosen:
        return chosen
    for user in (getattr(request, "auth", None), getattr(request, "user", None)):
        language = getattr(user, "language", None)
        if getattr(user, "is_authenticated", False) and language:
            return str(language)
    return str(settings.LANGUAGE_CODE)


def in_request_language(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run an operation in the request's language, so that messages built inside it (item names in "No
    stage with id 7.") speak the same language as the error around them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with translation.override(request_language(request)):
            return view(request, *args, **kwargs)

    return wrapper


# --- field problems from pydantic ---------------------------------------------------------------------------

# pydantic's English messages become our own msgids, so that they are translated like every other message.
_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": gettext_noop("This field is required."),
    "string_type": gettext_noop("This must be text."),
    "string_too_long": gettext_noop("Use at most %(max_length)s characters."),
    "string_too_short": gettext_noop("Use at least %(min_length)s characters."),
    "string_unicode": gettext_noop("This must be text."),
    "int_type": gettext_noop("Enter a whole number."),
    "int_parsing": gettext_noop("Enter a whole number."),
    "int_from_float": gettext_noop("Enter a whole number."),
    "int_parsing_size": gettext_noop("This number is too large."),
    "bool_type": gettext_noop("Enter true or false."),
    "bool_parsing": gettext_noop("Enter true or false."),
    "list_type": gettext_noop("This must be a list."),
    "too_long": gettext_noop("Give at most %(max_length)s items."),
    "too_short": gettext_noop("Give at least %(min_length)s items."),
    "model_type": gettext_noop("This must be a JSON object."),
    "model_attributes_type": gettext_noop("This must be a JSON object."),
    "dict_type": gettext_noop("This must be a JSON object."),
    "literal_error": gettext_noop("Choose one of: %(expected)s."),
    "enum": gettext_noop("Choose one of: %(expected)s."),
    "greater_than_equal": gettext_noop("Enter a number of at least %(ge)s."),
    "less_than_equal": gettext_noop("Enter a number of at most %(le)s."),
    "greater_than": gettext_noop("Enter a number greater than %(gt)s."),
    "less_than": gettext_noop("Enter a number less than %(lt)s."),
    "extra_forbidden": gettext_noop("This field is not allowed here."),
    "json_invalid": gettext_noop("The request body is not valid JSON."),
    "bytes_type": gettext_noop("Upload a file."),
    "value_error": gettext_noop("This value is not valid."),
}


def _public_loc(loc: Iterable[Any]) -> list[str | int]:
    """Ninja's ``("body", "payload", "name")`` as the client knows it: ``["body", "name"]``."""
    parts = [p if isinstance(p, int) else str(p) for p in loc]
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == "payload":
        del parts[1]
    return parts


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind.startswith("salesguide_"):
        # Our own validators (api/schemas.py) put an English msgid in the message.
        return gettext(str(error.get("msg", "")))
    text = _PYDANTIC_MESSAGES.get(kind)
    if text is None:
        return str(error.get("msg", ""))
    context = {key: value for key, value in (error.get("ctx") or {}).items() if not isinstance(value, Exception)}
    try:
        return Message(text, context).render(gettext)
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


def field_errors_from_pydantic(
    errors: Iterable[Mapping[str, Any]], prefix: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    return [{"loc": _public_loc((*prefix, *error.get("loc", ()))), "msg": _pydantic_message(error)} for error in errors]


def _problem_loc(problem: FieldProblem) -> list[str | int]:
    # Services name fields ("name"); the client sees where they were in the request (["body", "name"]). A
    # template's field called "body" is ["body", "body"], not the whole request body.
    loc = list(problem.loc)
    if not loc or loc[0] not in ("query", "path", "header", "cookie"):
        loc.insert(0, "body")
    return loc


def field_errors_from_problems(problems: Iterable[FieldProblem]) -> list[dict[str, Any]]:
    return [{"loc": _problem_loc(p), "msg": p.message.render(gettext)} for p in problems]


class InvalidInput(Exception):
    """Field problems found by the API itself (a body it parses by hand), already in the public shape."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


class CsrfFailed(Exception):
    """A browser-session write without a valid CSRF token."""


class UnsupportedMediaType(Exception):
    """A body in a content type the endpoint does not read."""

    def __init__(self, accepted: Iterable[str]) -> None:
        self.accepted = list(accepted)
        super().__init__(", ".join(self.accepted))


# --- the handlers -----------------------------------------------------------------------------------------

_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (ValidationFailed, 422),
    (RuleViolation, 422),
    (DuplicateName, 409),
    (StaleVersion, 409),
    (NotFound, 404),
    (NotAllowed, 403),
)


def domain_status(error: DomainError) -> int:
    for kind, status in _DOMAIN_STATUS:
        if isinstance(error, kind):
            return status
    return 422


def _answer(request: HttpRequest, status: int, detail: Any, headers: Mapping[str, str] | None = None) -> HttpResponse:
    response = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _translated(
    handler: Callable[[HttpRequest, Any], HttpResponse],
) -> Callable[[HttpRequest, Any], HttpResponse]:
    @wraps(handler)
    def wrapper(request: HttpRequest, exc: Any) -> HttpResponse:
        with translation.override(request_language(request)):
            return handler(request, exc)

    return wrapper


def required_items_out(items: Iterable[RequiredItem]) -> list[dict[str, Any]]:
    """Required items as the API names them: a refused move's ``missing``, a warned move's ``warnings``."""
    return [{"suggestion_id": item.suggestion_id, "name": item.name, "kind": item.kind.value} for item in items]


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, ValidationFailed):
        return _answer(request, 422, field_errors_from_problems(exc.problems))
    if isinstance(exc, ExitCriteriaNotMet):
        # API.md "Exit criteria": the message and the required items not done, for a client to list or do.
        body = {"detail": exc.message.render(gettext), "missing": required_items_out(exc.missing)}
        return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
    return _answer(request, domain_status(exc), exc.message.render(gettext))


def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _answer(request, 422, field_errors_from_pydantic(exc.errors))


def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return _answer(request, 422, exc.errors)


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return _answer(
            request,
            401,
            gettext("Log in first: send “Authorization: Bearer <token>” or use a browser session."),
            {"WWW-Authenticate": 'Bearer realm="salesguide"'},
        )
    if isinstance(exc, Throttled):
        headers = {"Retry-After": str(int(exc.wait) + 1)} if exc.wait is not None else {}
        return _answer(request, 429, gettext("Too many requests; wait a moment and try again."), headers)
    if exc.status_code == 400:
        # Ninja's only 400 is a body it could not parse as JSON.
        return _answer(request, 400, gettext("The request body is not valid JSON."))
    if exc.status_code == 403:
        return _answer(request, 403, gettext("You are not allowed to do this."))
    return _answer(request, exc.status_code, str(exc))


def on_csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return _answer(
        request,
        403,
        gettext("The CSRF token is missing or wrong. Send the “X-CSRFToken” header with a browser session."),
    )


def on_unsupported_media_type(request: HttpRequest, exc: UnsupportedMediaType) -> HttpResponse:
    return _answer(request, 415, gettext("Send the body as one of: %(types)s.") % {"types": ", ".join(exc.accepted)})


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, 404, gettext("Not found."))


def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _answer(request, 413, gettext("The request is too large."))


def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _answer(request, 400, gettext("The request could not be read."))


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return _answer(request, 500, gettext("Something went wrong on our side. The error has been logged."))


def install_handlers(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (Exception, on_unexpected),
        (DomainError, on_domain_error),
        (NinjaValidationError, on_validation_error),
        (InvalidInput, on_invalid_input),
        (HttpError, on_http_error),
        (CsrfFailed, on_csrf_failed),
        (UnsupportedMediaType, on_unsupported_media_type),
        (Http404, on_not_found),
        (RequestDataTooBig, on_too_big),
        (SuspiciousOperation, on_bad_request),
        (UnreadablePostError, on_bad_request),
        (MultiPartParserError, on_bad_request),
    ]
    for kind, handler in handlers:
        api.add_exception_handler(kind, _translated(handler))


# --- outside Ninja: unknown URLs and methods under /api/v1/ -------------------------------------------------


@csrf_exempt  # it changes nothing, and a POST to a wrong URL deserves a 404, not a CSRF page
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    with translation.override(request_language(request)):
        return _answer(request, 404, gettext("There is no such endpoint. The OpenAPI document lists them all."))


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a method a path does not have with a plain-text 405; give it the JSON ``detail``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            with translation.override(request_language(request)):
                allowed = response.get("Allow", "")
                answer = _answer(
                    request,
                    405,
                    gettext("This endpoint does not accept %(method)s.") % {"method": request.method},
                )
                answer["Allow"] = allowed
                return answer
        return response

    return wrapper
