"""Request and response bodies for activities (follow-ups) and documents."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

from salesguide.api.fields import Minutes, MinutesPatch, OptionalQueryBool, RefId, Text
from salesguide.api.paging import PageParams
from salesguide.api.sales_schemas import (
    AdvanceOfferOut,
    DescriptionPatch,
    DocumentOverridesIn,
    Moment,
    MomentPatch,
    NullableRefId,
    OptionalDay,
    RefIdPatch,
    Title,
    TitlePatch,
)
from salesguide.api.schemas import InSchema
from salesguide.queries.activity_list import Period

# --- activities ------------------------------------------------------------------------------------------------


class ActivityListParams(PageParams):
    # ``from`` is a Python keyword, so the field has another name and the parameter its alias.
    model_config = ConfigDict(populate_by_name=True)

    sale: RefId | None = Field(None, description="Only the activities of this sale.")
    owner: RefId | None = Field(None, description="Only the activities of this user.")
    completed: OptionalQueryBool = Field(None, description="true: only completed ones; false: only open ones.")
    starts_from: OptionalDay = Field(None, alias="from", description="Starting on or after this day (local time).")
    starts_to: OptionalDay = Field(None, alias="to", description="Starting on or before this day (local time).")
    period: Period = Field(
        Period.ALL,
        description=(
            "`overdue`: open and started before now; `today`; `week`: today and the six days after it; "
            "`month`: this calendar month; `all` (the default)."
        ),
    )


class ActivityIn(InSchema):
    activity_type_id: RefId
    title: Title
    start: Moment
    duration_minutes: Minutes | None = Field(None, description="Leave out for the activity type's default.")
    text: Text = ""
    owner_id: NullableRefId = Field(None, description="Leave out for yourself.")
    sale_id: NullableRefId = None
    company_id: NullableRefId = Field(None, description="Leave out for the sale's company.")
    contact_id: NullableRefId = Field(None, description="Leave out for the sale's contact.")


class ActivityPatch(InSchema):
    activity_type_id: RefIdPatch = None
    title: TitlePatch = None
    text: DescriptionPatch = None
    start: MomentPatch = None
    duration_minutes: MinutesPatch = None
    owner_id: RefIdPatch = None
    contact_id: NullableRefId = None


class ActivityOut(Schema):
    id: int
    activity_type_id: int
    activity_type_name: str
    title: str
    text: str
    start: dt.datetime
    duration_minutes: int
    owner_id: int
    sale_id: int | None
    company_id: int | None
    contact_id: int | None
    completed: bool
    completed_at: dt.datetime | None
    suggested_followup_id: int | None = Field(description="The guide suggestion it was created from, if any.")
    overdue: bool = Field(description="Not completed and its start has passed.")


class ActivityListOut(Schema):
    items: list[ActivityOut]
    next: str | None


class NextSuggestionOut(Schema):
    suggestion_id: int
    name: str
    start: dt.datetime
    activity_type_id: int
    duration_minutes: int
    text: str


class CompletionOut(Schema):
    activity: ActivityOut
    next_suggestion: NextSuggestionOut | None = Field(
        description="The next follow-up of the guide to offer (create it with POST "
        "/sales/{id}/guide/followups/{suggestion_id}); null when there is none or it was created directly."
    )
    created_activity: ActivityOut | None = Field(
        description="The next follow-up, created directly because you chose not to be asked."
    )
    offer_advance: AdvanceOfferOut | None = Field(
        description="Every item of the current stage is done: offer moving the sale to this stage."
    )
    offer_close_as_sold: bool = Field(
        False,
        description="Every item of the last stage is done (there is no next stage): offer closing the sale as sold "
        "with POST /sales/{id}/sold.",
    )


# --- documents -------------------------------------------------------------------------------------------------


class DocumentListParams(PageParams):
    sale: RefId | None = Field(None, description="Only the documents of this sale.")


class DocumentOut(Schema):
    id: int
    template_id: int
    template_name: str
    subject: str
    our_reference: str
    sale_id: int | None
    company_id: int | None
    contact_id: int | None
    owner_id: int
    suggested_document_id: int | None
    created_at: dt.datetime
    file_name: str = Field(description="The name to save the generated file as.")
    content_type: str = Field(description="A Word file (.docx) or an unsent e-mail (message/rfc822, .eml).")
    generated_at: dt.datetime | None = Field(description="When the file was last generated; null: not yet.")
    file_url: str = Field(description="The API path of the generated file.")


class DocumentCreatedOut(DocumentOut):
    """A document created from the guide, with what the guide offers now that it exists."""

    offer_advance: AdvanceOfferOut | None = Field(
        description="The document was the current stage's last open item: offer moving the sale to this stage."
    )
    offer_close_as_sold: bool = Field(
        description="The document was the last stage's last open item: offer closing the sale as sold."
    )


class DocumentPatch(DocumentOverridesIn):
    """The file is generated again with the new subject or reference."""


class DocumentListOut(Schema):
    items: list[DocumentOut]
    next: str | None
