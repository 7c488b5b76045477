"""Request and response bodies for sales, the guide of a sale and its history (``XIn`` create, ``XPatch``
change, ``XOut`` answer).

Dates are ``YYYY-MM-DD``; times are ISO 8601 with their offset (API.md), and answered with the installation's
offset. A time without an offset is refused (422): which zone a client meant is not ours to guess. Both stay
between the years 1900 and 2999: a time outside them is a typing error, and the database cannot convert the
extremes to UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from salesguide.api.errors import InvalidInput, RequiredItemOut, field_errors_from_problems, field_errors_from_pydantic
from salesguide.api.fields import MAX_ID, Line, MinutesPatch, NotNull, QueryBool, RefId, ShortText, Text
from salesguide.api.paging import PageParams
from salesguide.api.schemas import EXIT_CRITERIA_HELP, REQUIRED_HELP, ExitCriteria, InSchema, OutSchema
from salesguide.domain.errors import FieldProblem, gettext_noop
from salesguide.services import sale_fields

SaleStatus = Literal["open", "sold", "lost", "stalled"]

_OVERRIDE_DESCRIPTION = (
    "Exit criteria in block mode (a sale type's `exit_criteria`): a manager or administrator moves the sale on "
    "although required items of the stage are not done, and says why (at most 300 characters; kept on the history "
    "row). Ignored when nothing required is missing; a salesperson who sends it gets 403."
)
OverrideReason = Annotated[
    str | None, WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 300}, {"type": "null"}]})
]


StageState = Literal["completed", "current", "future"]

_FIRST_YEAR, _LAST_YEAR = 1900, 2999


def _parse_date(value: object) -> object:
    # Our own parsing, so that a wrong date gets one clear, translated message instead of pydantic's.
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError("salesguide_date", gettext_noop("Enter a date such as 2031-01-31."))


def _parse_time(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError(
        "salesguide_time", gettext_noop("Enter a date and time such as 2031-01-31T09:30:00+01:00.")
    )


def _date_in_range(value: dt.date) -> dt.date:
    if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
        raise PydanticCustomError("salesguide_date", gettext_noop("Enter a date between the years 1900 and 2999."))
    return value


def _aware_time_in_range(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        raise PydanticCustomError(
            "salesguide_time", gettext_noop("Give the time with its offset, such as 2031-01-31T09:30:00+01:00.")
        )
    if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
        raise PydanticCustomError("salesguide_date", gettext_noop("Enter a date between the years 1900 and 2999."))
    # In UTC: ISO 8601 allows offsets up to 24 hours, PostgreSQL only up to 16.
    return value.astimezone(dt.UTC)


_DATE_SCHEMA = {"type": "string", "format": "date"}
_TIME_SCHEMA = {"type": "string", "format": "date-time"}

Day = Annotated[dt.date, BeforeValidator(_parse_date), AfterValidator(_date_in_range), WithJsonSchema(_DATE_SCHEMA)]
OptionalDay = Annotated[Day | None, WithJsonSchema({"anyOf": [_DATE_SCHEMA, {"type": "null"}]})]
Moment = Annotated[
    dt.datetime, BeforeValidator(_parse_time), AfterValidator(_aware_time_in_range), WithJsonSchema(_TIME_SCHEMA)
]
MomentPatch = Annotated[Moment | None, NotNull, WithJsonSchema(_TIME_SCHEMA)]

_ID_SCHEMA = {"type": "integer", "minimum": 1}
_NULLABLE_ID_SCHEMA = {"anyOf": [_ID_SCHEMA, {"type": "null"}]}
RefIdPatch = Annotated[RefId | None, NotNull, WithJsonSchema(_ID_SCHEMA)]
NullableRefId = Annotated[RefId | None, WithJsonSchema(_NULLABLE_ID_SCHEMA)]
Version = Annotated[int, Field(ge=1, le=MAX_ID)]
OptionalVersion = Annotated[Version | None, WithJsonSchema({"anyOf": [_ID_SCHEMA, {"type": "null"}]})]

_TITLE_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 200}
_AMOUNT_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 10**15}
# Any case: the services normalise the code (``eur`` is stored as EUR) and refuse one that is not ISO 4217 (422),
# the same answer the web gives; the pattern only says what shape a code has.
_CURRENCY_SCHEMA = {
    "type": "string",
    "minLength": 3,
    "maxLength": 3,
    "pattern": "^[A-Za-z]{3}$",
    "description": "An ISO 4217 code in any case (`eur` is stored as `EUR`); another code is refused with 422.",
}
Title = Annotated[ShortText, WithJsonSchema(_TITLE_SCHEMA)]
TitlePatch = Annotated[ShortText | None, NotNull, WithJsonSchema(_TITLE_SCHEMA)]
Amount = Annotated[int, WithJsonSchema(_AMOUNT_SCHEMA)]
AmountPatch = Annotated[int | None, NotNull, WithJsonSchema(_AMOUNT_SCHEMA)]
OptionalAmount = Annotated[int | None, WithJsonSchema({"anyOf": [_AMOUNT_SCHEMA, {"type": "null"}]})]
Currency = Annotated[ShortText, WithJsonSchema(_CURRENCY_SCHEMA)]
CurrencyPatch = Annotated[ShortText | None, NotNull, WithJsonSchema(_CURRENCY_SCHEMA)]
DescriptionPatch = Annotated[Text | None, NotNull, WithJsonSchema({"type": "string", "maxLength": 20_000})]
_PROBABILITY_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 100}
ProbabilityPatch = Annotated[int | None, NotNull, WithJsonSchema(_PROBABILITY_SCHEMA)]


# --- sales -----------------------------------------------------------------------------------------------------


class SaleListParams(PageParams):
    sale_type: RefId | None = Field(None, description="Only sales of this sale type.")
    stage: RefId | None = Field(None, description="Only sales in this stage.")
    status: SaleStatus | None = Field(None, description="Only sales with this status.")
    owner: RefId | None = Field(None, description="Only the sales of this user.")
    company: RefId | None = Field(None, description="Only the sales of this company.")
    stale: QueryBool = Field(
        False,
        description="`true`: only stale sales — open, longer in their stage than its expected days, and no open "
        "activity from now on (SPEC 6.2).",
    )
    q: Line | None = Field(
        None, description="Words (at most 8 count) that must each be in the title or the company's name, in any case."
    )


def every_problem_at_once(model: type[BaseModel], data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
    """Parse a sale's body; when some fields do not parse, also check the ones that did with the services' rules
    and answer every problem in one 422 (issue 9, item 12), as the web forms do."""
    try:
        return handler(data)
    except ValidationError as error:
        if not isinstance(data, dict):
            raise
        errors = error.errors()
        failed = {str(e["loc"][0]) for e in errors if e.get("loc")}
        parsed: dict[str, Any] = {}
        for name, value in data.items():
            info = model.model_fields.get(name)
            if info is None or name in failed:
                continue
            kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            try:
                parsed[name] = TypeAdapter(kind).validate_python(value)
            except ValidationError:
                continue
        problems = [p for p in sale_fields.sale_problems(parsed) if not p.loc or str(p.loc[0]) not in failed]
        if not problems:
            raise
        # Rendered when the answer is written, in the request's language (validation runs before it is set).
        answer = [
            {"loc": field_errors_from_pydantic([e], ("body",))[0]["loc"], "msg": _later(_pydantic_text, e)}
            for e in errors
        ] + [{"loc": field_errors_from_problems([p])[0]["loc"], "msg": _later(_problem_text, p)} for p in problems]
        raise InvalidInput(answer) from None


def _later(render: Callable[[Any], str], item: Any) -> Any:
    return lazy(render, str)(item)


def _pydantic_text(error: Any) -> str:
    return str(field_errors_from_pydantic([error], ("body",))[0]["msg"])


def _problem_text(problem: FieldProblem) -> str:
    return problem.message.render(gettext)


class SaleIn(InSchema):
    title: Title
    sale_type_id: RefId
    company_id: NullableRefId = None
    contact_id: NullableRefId = Field(None, description="When given without a company: the contact's company.")
    owner_id: NullableRefId = Field(None, description="Leave out for yourself; only managers choose someone else.")
    amount: Amount = Field(0, description="In minor units (cents).")
    currency: Currency | None = Field(None, description="ISO 4217; leave out for the installation's currency.")
    expected_date: OptionalDay = Field(None, description="Leave out for today plus the sale type's duration.")
    description: Text = ""

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem_at_once(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        return every_problem_at_once(cls, data, handler)


class SalePatch(InSchema):
    version: Version = Field(description="The `version` you read; if the sale changed since, the answer is 409.")
    title: TitlePatch = None
    description: DescriptionPatch = None
    company_id: NullableRefId = None
    contact_id: NullableRefId = None
    owner_id: RefIdPatch = None
    amount: AmountPatch = None
    currency: CurrencyPatch = None
    expected_date: OptionalDay = None
    stage_id: RefIdPatch = Field(None, description="Moves the sale (the stage-change rules apply).")
    probability: ProbabilityPatch = Field(None, description="The sale's own probability, over the stage's.")
    sale_type_id: RefIdPatch = Field(None, description="Moves the sale to the first stage of the new type.")
    override_reason: OverrideReason = Field(None, description=_OVERRIDE_DESCRIPTION)

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem_at_once(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        return every_problem_at_once(cls, data, handler)


class SaleActionsOut(OutSchema):
    """What the caller may do with the sale now: its status allows it and they may change the sale. Each true
    action would not be refused for either reason (a stale ``version`` or bad input still can be)."""

    edit: bool = Field(description="PATCH the sale's fields (stage, probability and type need `move`, ...).")
    move: bool = Field(description="POST .../stage, or PATCH `stage_id`: only an open sale.")
    set_probability: bool = Field(description="PATCH `probability`: only an open sale.")
    reset_probability: bool = Field(description="POST .../probability/reset: only an open sale.")
    change_type: bool = Field(description="PATCH `sale_type_id`: only an open sale.")
    sold: bool = Field(description="POST .../sold: only an open sale.")
    lost: bool = Field(description="POST .../lost: only an open sale.")
    stall: bool = Field(description="POST .../stall: only an open sale.")
    reopen: bool = Field(description="POST .../reopen: a sold, lost or stalled sale.")
    complete: bool = Field(description="POST .../complete: a sold or lost sale not completed yet.")
    uncomplete: bool = Field(description="POST .../complete with `completed: false`: a completed sale.")
    create_from_suggestion: bool = Field(description="Create a follow-up or document from its guide.")
    delete: bool = Field(description="DELETE the sale.")


class SaleOut(OutSchema):
    id: int
    title: str
    description: str
    sale_type_id: int
    company_id: int | None
    company_name: str | None
    contact_id: int | None
    owner_id: int
    amount: int = Field(description="In minor units (cents).")
    currency: str
    stage_id: int | None
    stage_name: str | None
    stage_probability: int | None = Field(description="The probability of the sale's stage.")
    probability: int = Field(description="The sale's own probability.")
    probability_is_manual: bool = Field(
        description="The probability was set by hand, as the card and the print view say; never for a sold or "
        "lost sale, whose 100 or 0 comes from its status."
    )
    probability_policy: Literal["follow_stage", "keep_manual"] = Field(
        description="The sale type's probability policy: `follow_stage` (every move takes the stage's probability) "
        "or `keep_manual` (a probability set by hand stays until it is reset: `POST .../probability/reset`)."
    )
    status: SaleStatus
    expected_date: dt.date | None
    closed_date: dt.date | None
    reason_id: int | None
    competitor_id: int | None
    reopen_date: dt.date | None
    completed: bool
    stage_when_closed_id: int | None
    next_activity_date: dt.date | None = Field(description="The day of the earliest activity not completed.")
    next_activity_overdue: bool = Field(
        description="That activity's start has passed (the card, the lists and the print view show it in red)."
    )
    stale: bool = Field(
        description="Open, longer in its stage than the sale type expects, and no open activity from now on (SPEC 6.2)."
    )
    days_in_stage: int | None = Field(description="Whole days since an open sale entered its stage; null otherwise.")
    expected_days: int | None = Field(
        description="The days the sale type expects an open sale in its stage; null when it sets no limit, or "
        "for a closed sale."
    )
    version: int
    created_at: dt.datetime
    actions: SaleActionsOut = Field(description="What you may do with this sale now.")
    warnings: list[RequiredItemOut] = Field(
        default_factory=list,
        description="After a move in a sale type whose exit criteria warn: the required items of the stage left "
        "behind that were not done. Empty otherwise.",
    )


class SaleListOut(OutSchema):
    items: list[SaleOut]
    next: str | None


class DeleteParams(Schema):
    version: Version | None = Field(None, description="When given, a sale changed since answers 409.")


class VersionIn(InSchema):
    version: OptionalVersion = Field(None, description="The `version` you read; a stale one answers 409.")


class StageMoveIn(VersionIn):
    stage_id: RefId
    override_reason: OverrideReason = Field(None, description=_OVERRIDE_DESCRIPTION)


class SoldIn(VersionIn):
    date: OptionalDay = Field(None, description="Leave out for today in your time zone.")
    reason_id: NullableRefId = Field(None, description="A reason of kind `sold`.")
    amount: OptionalAmount = Field(None, description="The final amount in minor units; leave out to keep it.")
    override_reason: OverrideReason = Field(None, description=_OVERRIDE_DESCRIPTION)


class LostIn(VersionIn):
    date: OptionalDay = Field(None, description="Leave out for today in your time zone.")
    reason_id: NullableRefId = Field(None, description="A reason of kind `lost`.")
    competitor_id: NullableRefId = Field(None, description="Who won it.")


class StallIn(VersionIn):
    reopen_date: Day = Field(description="After today in your time zone (your profile's, else the installation's).")
    reason_id: NullableRefId = Field(None, description="A reason of kind `stalled`.")


class CompleteSaleIn(VersionIn):
    completed: bool = Field(True, description="False unticks it again.")


class ProposedActivityOut(OutSchema):
    activity_type_id: int
    title: str
    start: dt.datetime
    duration_minutes: int
    text: str = Field(
        description="Why the sale waits and where it stood: when and in which stage it was stalled, the reason, "
        "and what to do on the re-open date."
    )


class StalledOut(OutSchema):
    sale: SaleOut
    proposed_activity: ProposedActivityOut | None = Field(
        description="A follow-up on the re-open date to create with POST /activities; not created yet. Null when "
        "there are no activity types."
    )


class HistoryRowOut(OutSchema):
    id: int
    kind: str = Field(
        description="created, stage, probability, sold, lost, stalled, reopened, sale_type or stage_removed."
    )
    from_stage_id: int | None
    from_stage_name: str | None
    to_stage_id: int | None
    to_stage_name: str | None
    from_status: SaleStatus | None
    to_status: SaleStatus
    probability_before: int | None
    probability_after: int
    at: dt.datetime
    by_id: int | None
    by_name: str | None
    reason: str
    override_reason: str | None = Field(
        description="Why a manager or administrator moved the sale on with required items not done (exit criteria "
        "in block mode); null otherwise."
    )
    sentence: str = Field(
        description="What the change did, in the request's language, as the card's History tab and the print view "
        'say it, e.g. "Stage changed: Lead → Offer, probability 10% → 50%."'
    )


class HistoryOut(OutSchema):
    items: list[HistoryRowOut]
    next: str | None


# --- the guide of a sale ------------------------------------------------------------------------------------------


class SaleGuideActivityOut(OutSchema):
    id: int
    title: str
    start: dt.datetime
    completed: bool
    owner_id: int


class SaleGuideFollowupOut(OutSchema):
    suggestion_id: int
    name: str
    purpose: str
    activity_type_id: int
    activity_type_name: str
    auto_suggest: bool
    required: bool = Field(description=REQUIRED_HELP)
    done: bool = Field(description="Created, and everything created from it completed.")
    activities: list[SaleGuideActivityOut]


class SaleGuideDocumentItemOut(OutSchema):
    id: int
    subject: str
    created_at: dt.datetime


class SaleGuideDocumentOut(OutSchema):
    suggestion_id: int
    name: str
    purpose: str
    template_id: int
    template_name: str
    required: bool = Field(description=REQUIRED_HELP)
    documents: list[SaleGuideDocumentItemOut]


class SaleGuideStageOut(OutSchema):
    stage_id: int
    name: str
    probability: int
    description: str
    state: StageState
    done: int
    total: int
    followups: list[SaleGuideFollowupOut]
    documents: list[SaleGuideDocumentOut]


class AdvanceOfferOut(OutSchema):
    to_stage_id: int


class SaleGuideOut(OutSchema):
    sale_id: int
    has_guide: bool = Field(description="False when the sale type has no guide, fewer than two stages, or is deleted.")
    auto_advance: bool
    exit_criteria: ExitCriteria = Field(description=EXIT_CRITERIA_HELP)
    current_stage_id: int | None
    stages: list[SaleGuideStageOut]
    offer_advance: AdvanceOfferOut | None = Field(
        None,
        description="For you, now: every item of the current stage is done and the sale type advances "
        "automatically; offer moving the sale to this stage. Null otherwise, also when you may not move it.",
    )
    offer_close_as_sold: bool = Field(
        False,
        description="For you, now: every item of the last stage is done; offer closing the sale as sold "
        "(POST /sales/{id}/sold).",
    )


class FollowupOverridesIn(InSchema):
    activity_type_id: RefIdPatch = Field(None, description="Leave out for the suggestion's activity type.")
    start: MomentPatch = Field(None, description="Leave out for the previous guide follow-up (or now) + its offset.")
    owner_id: RefIdPatch = Field(None, description="Leave out for yourself.")
    title: TitlePatch = None
    text: DescriptionPatch = None
    duration_minutes: MinutesPatch = Field(None, description="Leave out for the suggestion's duration.")


class NextFollowupAnswerIn(InSchema):
    always: bool = Field(
        False, description="Also stop asking: from now on the next suggested follow-up is created directly."
    )


class DocumentOverridesIn(InSchema):
    subject: Annotated[ShortText | None, NotNull, WithJsonSchema({"type": "string", "maxLength": 255})] = None
    our_reference: Annotated[ShortText | None, NotNull, WithJsonSchema({"type": "string", "maxLength": 255})] = None


class FollowupPreviewOut(Schema):
    suggestion_id: int
    activity_type_id: int
    title: str
    text: str
    start: dt.datetime
    duration_minutes: int
    owner_id: int
    sale_id: int
    company_id: int | None
    contact_id: int | None


class DocumentPreviewOut(Schema):
    suggestion_id: int
    template_id: int
    template_name: str
    subject: str
    our_reference: str
    sale_id: int
    company_id: int | None
    contact_id: int | None
    html: str | None = Field(
        None, description="The document filled in, as a whole HTML page; null when it cannot be filled in."
    )
    problem: str | None = Field(None, description="Why the template cannot be filled in; null when it can.")


class NextStepActionOut(OutSchema):
    kind: Literal["open_activity", "create_followup", "create_document", "move", "close_as_sold", "plan_activity"] = (
        Field(
            description="What the step's button does: open the activity, create the follow-up or document from its "
            "suggestion (`POST /sales/{id}/guide/followups/{suggestion_id}`, `.../documents/{suggestion_id}`), move "
            "the sale to the stage, close it as sold, or plan a new activity."
        )
    )
    target_id: int | None = Field(description="The activity, suggestion or stage the action is about.")


class NextStepOut(OutSchema):
    kind: Literal[
        "overdue",
        "required",
        "nothing_planned",
        "too_long_in_stage",
        "move_on",
        "close",
        "guide_step",
        "document",
    ]
    text: str = Field(description="What to do, in the request's language: “Plan: Contract meeting”.")
    reason: str = Field(description="Why: “Next guide step: Contract meeting”, “No activity planned”.")
    due: dt.datetime | None = Field(None, description="When it is or was due, when that is known.")
    action: NextStepActionOut | None = Field(
        None, description="The one-click action, when there is one and you may change this sale."
    )
