"""Field types shared by the request schemas.

Range and length rules live in the domain and the services (one message for web, API and CLI); these types
only document them in the OpenAPI document (``WithJsonSchema``) and refuse what must never reach the database:
text with NUL characters or lone surrogates, and ids no database column can hold. Request bodies are validated
strictly (``schemas.InSchema``); query parameters, which are always text, take ``true``/``false`` only
(``QueryBool``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from salesguide.domain.errors import Message, NotFound, gettext_noop

MAX_ID = 2**63 - 1
LONG_TEXT = 20_000
TEMPLATE_BODY = 200_000


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("salesguide_text", gettext_noop("Text cannot contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("salesguide_text", gettext_noop("Text must be valid Unicode.")) from None
    return value


def _not_null(value: Any) -> Any:
    # In a PATCH, leaving a field out keeps it; null is only accepted where null is a value.
    if value is None:
        raise PydanticCustomError(
            "salesguide_not_null", gettext_noop("This field cannot be null; leave it out instead.")
        )
    return value


def _existing_id(value: int) -> int:
    # An id no row can have is simply not there: 404, like any other unknown id (not a database error).
    if not 1 <= value <= MAX_ID:
        raise NotFound(Message(gettext_noop("Nothing with id %(id)s exists."), {"id": value}))
    return value


NotNull = BeforeValidator(_not_null)


def _query_bool(value: Any) -> Any:
    # A query parameter is text, so pydantic's strict mode cannot judge it. Only the two words the API documents
    # count (``?include_deleted=true``): "1", "yes" or "maybe" is a mistake to report, not a value to guess.
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("salesguide_bool", gettext_noop("Enter true or false."))


_NAME_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 100}
_SUGGESTION_NAME_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 200}


def _text_schema(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length}


def _int_schema(minimum: int, maximum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


# Path parameters: any whole number; one that cannot be an id answers 404.
PathId = Annotated[int, AfterValidator(_existing_id), WithJsonSchema(_int_schema(1, MAX_ID))]

# References to other items inside a body.
RefId = Annotated[int, Field(ge=1, le=MAX_ID)]
RefIds = Annotated[list[RefId], Field(max_length=10_000)]

Name = Annotated[str, AfterValidator(_clean_text), WithJsonSchema(_NAME_SCHEMA)]
NamePatch = Annotated[Name | None, NotNull, WithJsonSchema(_NAME_SCHEMA)]
SuggestionName = Annotated[str, AfterValidator(_clean_text), WithJsonSchema(_SUGGESTION_NAME_SCHEMA)]
SuggestionNamePatch = Annotated[SuggestionName | None, NotNull, WithJsonSchema(_SUGGESTION_NAME_SCHEMA)]

Text = Annotated[str, StringConstraints(max_length=LONG_TEXT), AfterValidator(_clean_text)]
TextPatch = Annotated[Text | None, NotNull, WithJsonSchema(_text_schema(LONG_TEXT))]
ShortText = Annotated[str, AfterValidator(_clean_text), WithJsonSchema(_text_schema(255))]
ShortTextPatch = Annotated[ShortText | None, NotNull, WithJsonSchema(_text_schema(255))]
TemplateBody = Annotated[str, StringConstraints(max_length=TEMPLATE_BODY), AfterValidator(_clean_text)]
TemplateBodyPatch = Annotated[TemplateBody | None, NotNull, WithJsonSchema(_text_schema(TEMPLATE_BODY))]
# Short free text without a limit of its own in the services (user names, e-mail addresses, passwords).
Line = Annotated[str, StringConstraints(max_length=254), AfterValidator(_clean_text)]
LinePatch = Annotated[Line | None, NotNull, WithJsonSchema(_text_schema(254))]

Probability = Annotated[int, WithJsonSchema(_int_schema(0, 100))]
ProbabilityPatch = Annotated[int | None, NotNull, WithJsonSchema(_int_schema(0, 100))]
Minutes = Annotated[int, WithJsonSchema(_int_schema(0, 7 * 24 * 60))]
MinutesPatch = Annotated[int | None, NotNull, WithJsonSchema(_int_schema(0, 7 * 24 * 60))]
OptionalMinutes = Annotated[int | None, WithJsonSchema(_nullable(_int_schema(0, 7 * 24 * 60)))]
DaysOffset = Annotated[int, WithJsonSchema(_int_schema(-3650, 3650))]
DaysOffsetPatch = Annotated[int | None, NotNull, WithJsonSchema(_int_schema(-3650, 3650))]
Duration = Annotated[int, WithJsonSchema(_int_schema(0, 10_000))]
DurationPatch = Annotated[int | None, NotNull, WithJsonSchema(_int_schema(0, 10_000))]
ExpectedDays = Annotated[int | None, WithJsonSchema(_nullable(_int_schema(0, 3650)))]
BoolPatch = Annotated[bool | None, NotNull, WithJsonSchema({"type": "boolean"})]
# Query parameters: ``true`` or ``false``, nothing else.
QueryBool = Annotated[bool, BeforeValidator(_query_bool), WithJsonSchema({"type": "boolean"})]
OptionalQueryBool = Annotated[bool | None, BeforeValidator(_query_bool), WithJsonSchema({"type": "boolean"})]
