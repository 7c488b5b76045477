"""Request and response bodies of the configuration API (``XIn`` create, ``XPatch`` change, ``XOut`` answer).

A PATCH changes only the fields it names; leaving a field out keeps it. Every list answers
``{"items": [...], "next": cursor-or-null}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, Field, ModelWrapValidatorHandler, ValidationInfo, WithJsonSchema, model_validator

from salesguide.api.fields import (
    BoolPatch,
    DaysOffset,
    DaysOffsetPatch,
    Duration,
    DurationPatch,
    ExpectedDays,
    Minutes,
    MinutesPatch,
    Name,
    NamePatch,
    NotNull,
    OptionalMinutes,
    Probability,
    ProbabilityPatch,
    RefId,
    RefIds,
    ShortText,
    ShortTextPatch,
    SuggestionName,
    SuggestionNamePatch,
    TemplateBody,
    TemplateBodyPatch,
    Text,
    TextPatch,
)

ActivityKind = Literal["meeting", "call", "task", "email"]
DocumentKind = Literal["letter", "email", "quote", "contract", "other"]
ReasonKind = Literal["sold", "lost", "stalled"]
DurationUnit = Literal["days", "weeks", "months"]
ProbabilityPolicy = Literal["follow_stage", "keep_manual"]
ExitCriteria = Literal["off", "warn", "block"]
TemplateFormat = Literal["docx", "html", "text"]


def _choices(kind: object) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(get_args(kind))})


ActivityKindPatch = Annotated[ActivityKind | None, NotNull, _choices(ActivityKind)]
DocumentKindPatch = Annotated[DocumentKind | None, NotNull, _choices(DocumentKind)]
ReasonKindPatch = Annotated[ReasonKind | None, NotNull, _choices(ReasonKind)]
DurationUnitPatch = Annotated[DurationUnit | None, NotNull, _choices(DurationUnit)]
ProbabilityPolicyPatch = Annotated[ProbabilityPolicy | None, NotNull, _choices(ProbabilityPolicy)]
ExitCriteriaPatch = Annotated[ExitCriteria | None, NotNull, _choices(ExitCriteria)]

EXIT_CRITERIA_HELP = (
    "What the required items of a stage mean when a sale leaves it: `off` they are only marked, `warn` the move "
    "is made with a warning of what is missing, `block` the move is refused unless a manager or an "
    "administrator gives a reason."
)
REQUIRED_HELP = "True: required before leaving this stage (what that means is the sale type's `exit_criteria`)."
RefIdPatch = Annotated[RefId | None, NotNull, WithJsonSchema({"type": "integer", "minimum": 1})]
RefIdsPatch = Annotated[
    RefIds | None, NotNull, WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 1}})
]


class OutSchema(Schema):
    """An answer that its endpoint builds as a dict of plain values (numbers, text, dates, lists and dicts of them).

    Ninja's ``Schema`` reads whatever it validates through a ``DjangoGetter`` (attribute access, resolvers,
    managers and querysets made lists, files made URLs): one Python call per field of every item, about a quarter
    of the time of a 50-sale list's answer (issue 10). A dict of plain values needs none of that and is validated
    as it is; anything else (a model instance, a schema with resolvers) still goes through Ninja's getter."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        if type(values) is dict and not cls._ninja_resolvers:
            return handler(values)
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class InSchema(Schema):
    """Request bodies refuse fields they do not know, so that a typo is an error instead of being ignored, and
    take JSON's types as they are (pydantic's strict mode): ``true`` is not 1, ``0`` is not false and ``"5"`` is
    not 5, so a client's mistake is a 422 instead of a silently different value. Dates and times are parsed by
    their own validators (``sales_schemas``), with an offset required on times."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ReorderIn(InSchema):
    ids: RefIds = Field(description="Every live item's id, in the new order.")


class ReorderOut(Schema):
    ids: list[int] = Field(description="The live items' ids in their new order.")


# --- stages ----------------------------------------------------------------------------------------------


class StageIn(InSchema):
    name: Name
    probability: Probability
    description: Text = ""


class StagePatch(InSchema):
    name: NamePatch = None
    probability: ProbabilityPatch = None
    description: TextPatch = None


class StageOut(Schema):
    id: int
    name: str
    probability: int
    description: str
    rank: int
    deleted: bool


class StageListOut(Schema):
    items: list[StageOut]
    next: str | None


# --- activity types, reasons, competitors, categories -------------------------------------------------------


class ActivityTypeIn(InSchema):
    name: Name
    kind: ActivityKind = "task"
    default_duration_minutes: Minutes = 30


class ActivityTypePatch(InSchema):
    name: NamePatch = None
    kind: ActivityKindPatch = None
    default_duration_minutes: MinutesPatch = None


class ActivityTypeOut(Schema):
    id: int
    name: str
    kind: ActivityKind
    default_duration_minutes: int
    rank: int
    deleted: bool


class ActivityTypeListOut(Schema):
    items: list[ActivityTypeOut]
    next: str | None


class ReasonIn(InSchema):
    name: Name
    kind: ReasonKind


class ReasonPatch(InSchema):
    name: NamePatch = None
    kind: ReasonKindPatch = None


class ReasonOut(Schema):
    id: int
    name: str
    kind: ReasonKind
    rank: int
    deleted: bool


class ReasonListOut(Schema):
    items: list[ReasonOut]
    next: str | None


class CompetitorIn(InSchema):
    name: Name


class CompetitorPatch(InSchema):
    name: NamePatch = None


class CompetitorOut(Schema):
    id: int
    name: str
    rank: int
    deleted: bool


class CompetitorListOut(Schema):
    items: list[CompetitorOut]
    next: str | None


class CategoryIn(InSchema):
    name: Name


class CategoryPatch(InSchema):
    name: NamePatch = None


class CategoryOut(Schema):
    id: int
    name: str
    rank: int
    deleted: bool


class CategoryListOut(Schema):
    items: list[CategoryOut]
    next: str | None


# --- document templates -------------------------------------------------------------------------------------


class DocumentTemplateIn(InSchema):
    """A text or HTML template (e-mails). Word templates are uploaded as multipart instead."""

    name: Name
    kind: DocumentKind = "email"
    body: TemplateBody
    format: Literal["html", "text"] = "html"


class DocumentTemplatePatch(InSchema):
    name: NamePatch = None
    kind: DocumentKindPatch = None
    body: TemplateBodyPatch = None


class DocumentTemplateOut(Schema):
    id: int
    name: str
    kind: DocumentKind
    format: TemplateFormat
    body: str
    original_filename: str
    file_url: str | None = Field(description="Where to download the .docx; null for text and HTML templates.")
    rank: int
    deleted: bool


class DocumentTemplateListOut(Schema):
    items: list[DocumentTemplateOut]
    next: str | None


# --- sale types --------------------------------------------------------------------------------------------


class SaleTypeIn(InSchema):
    name: Name
    description: Text = ""
    category: RefId | None = Field(None, description="A category id, or null.")
    duration: Duration = 0
    duration_unit: DurationUnit = "days"
    stage_ids: RefIds = Field(default_factory=list, description="The stages this type uses, in order.")
    has_guide: bool = False
    auto_advance: bool = False
    probability_policy: ProbabilityPolicy = "follow_stage"
    exit_criteria: ExitCriteria = Field("off", description=EXIT_CRITERIA_HELP)


class SaleTypePatch(InSchema):
    name: NamePatch = None
    description: TextPatch = None
    category: RefId | None = Field(None, description="A category id, or null for none.")
    duration: DurationPatch = None
    duration_unit: DurationUnitPatch = None
    stage_ids: RefIdsPatch = Field(None, description="Replaces the ordered stages.")
    has_guide: BoolPatch = None
    auto_advance: BoolPatch = None
    probability_policy: ProbabilityPolicyPatch = None
    exit_criteria: ExitCriteriaPatch = Field(None, description=EXIT_CRITERIA_HELP)


class SaleTypeStageOut(Schema):
    id: int
    name: str
    probability: int
    expected_days: int | None


class SaleTypeOut(Schema):
    id: int
    name: str
    description: str
    category: int | None
    duration: int
    duration_unit: DurationUnit
    stage_ids: list[int]
    stages: list[SaleTypeStageOut]
    has_guide: bool
    auto_advance: bool
    probability_policy: ProbabilityPolicy
    exit_criteria: ExitCriteria = Field(description=EXIT_CRITERIA_HELP)
    rank: int
    deleted: bool


class SaleTypeListOut(Schema):
    items: list[SaleTypeOut]
    next: str | None


class SaleTypeStagePatch(InSchema):
    expected_days: ExpectedDays = Field(None, description="Expected days in this stage (stage aging), or null.")


# --- suggestions and the guide ------------------------------------------------------------------------------


class SuggestedFollowupIn(InSchema):
    name: SuggestionName
    purpose: Text = ""
    activity_type_id: RefId
    days_offset: DaysOffset = 0
    duration_minutes: OptionalMinutes = Field(None, description="Null: the activity type's default duration.")
    text: Text = ""
    auto_suggest: bool = False
    required: bool = Field(False, description=REQUIRED_HELP)


class SuggestedFollowupPatch(InSchema):
    name: SuggestionNamePatch = None
    purpose: TextPatch = None
    activity_type_id: RefIdPatch = None
    days_offset: DaysOffsetPatch = None
    duration_minutes: OptionalMinutes = None
    text: TextPatch = None
    auto_suggest: BoolPatch = None
    required: BoolPatch = Field(None, description=REQUIRED_HELP)


class SuggestedFollowupOut(Schema):
    id: int
    sale_type_id: int
    stage_id: int
    name: str
    purpose: str
    activity_type_id: int
    days_offset: int
    duration_minutes: int | None
    text: str
    auto_suggest: bool
    required: bool = Field(description=REQUIRED_HELP)
    rank: int
    deleted: bool


class SuggestedDocumentIn(InSchema):
    name: SuggestionName
    purpose: Text = ""
    template_id: RefId
    subject: ShortText = ""
    our_reference: ShortText = ""
    required: bool = Field(False, description=REQUIRED_HELP)


class SuggestedDocumentPatch(InSchema):
    name: SuggestionNamePatch = None
    purpose: TextPatch = None
    template_id: RefIdPatch = None
    subject: ShortTextPatch = None
    our_reference: ShortTextPatch = None
    required: BoolPatch = Field(None, description=REQUIRED_HELP)


class SuggestedDocumentOut(Schema):
    id: int
    sale_type_id: int
    stage_id: int
    name: str
    purpose: str
    template_id: int
    subject: str
    our_reference: str
    required: bool = Field(description=REQUIRED_HELP)
    rank: int
    deleted: bool


class SuggestionReorderIn(InSchema):
    followup_ids: RefIds | None = Field(None, description="Every live follow-up of the stage, in the new order.")
    document_ids: RefIds | None = Field(None, description="Every live document of the stage, in the new order.")


class GuideFollowupOut(Schema):
    id: int
    name: str
    purpose: str
    activity_type_id: int
    activity_type_name: str
    activity_kind: ActivityKind
    days_offset: int
    duration_minutes: int | None
    text: str
    auto_suggest: bool
    rank: int
    required: bool = Field(description=REQUIRED_HELP)


class GuideDocumentOut(Schema):
    id: int
    name: str
    purpose: str
    template_id: int
    template_name: str
    template_kind: DocumentKind
    subject: str
    our_reference: str
    rank: int
    required: bool = Field(description=REQUIRED_HELP)


class GuideStageOut(Schema):
    stage_id: int
    name: str
    probability: int
    description: str
    expected_days: int | None
    followups: list[GuideFollowupOut]
    documents: list[GuideDocumentOut]


class GuideOut(Schema):
    sale_type_id: int
    name: str
    has_guide: bool
    active: bool = Field(description="True when the guide is on and has at least two stages.")
    auto_advance: bool
    probability_policy: ProbabilityPolicy
    exit_criteria: ExitCriteria = Field(description=EXIT_CRITERIA_HELP)
    stages: list[GuideStageOut]
