"""Suggested follow-ups and documents on the stages of a sale type (the guide designer's writes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem, Message, NotFound, gettext_noop
from salesguide.models import (
    ActivityType,
    DocumentTemplate,
    SaleTypeStage,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.services import lists
from salesguide.services.permissions import require_admin

FOLLOWUP_FIELDS = {
    "name",
    "purpose",
    "activity_type_id",
    "days_offset",
    "duration_minutes",
    "text",
    "auto_suggest",
    "required",
}
DOCUMENT_FIELDS = {"name", "purpose", "template_id", "subject", "our_reference", "required"}


def get_link(sale_type_id: int, stage_id: int) -> SaleTypeStage:
    link = (
        SaleTypeStage.objects.select_related("sale_type", "stage")
        .filter(sale_type_id=sale_type_id, stage_id=stage_id, removed=False, sale_type__deleted=False)
        .first()
    )
    if link is None:
        raise NotFound(Message(gettext_noop("This sale type does not use that stage.")))
    return link


def _text_problems(fields: dict[str, Any], names: Sequence[str]) -> list[FieldProblem]:
    problems = []
    for name in names:
        if name in fields and fields[name] is not None and not isinstance(fields[name], str):
            problems.append(FieldProblem((name,), Message(gettext_noop("This must be text."))))
    return problems


def _required_problems(fields: dict[str, Any]) -> list[FieldProblem]:
    """``required`` (required before leaving this stage, SPEC 6.3) is true or false, nothing that reads as one."""
    if "required" in fields and not isinstance(fields["required"], bool):
        return [FieldProblem(("required",), Message(gettext_noop("Enter true or false.")))]
    return []


def _followup_problems(fields: dict[str, Any]) -> list[FieldProblem]:
    problems = _required_problems(fields)
    if "name" in fields:
        problems += rules.name_problems(fields["name"], max_length=rules.SUGGESTION_NAME_MAX_LENGTH)
    problems += _text_problems(fields, ["purpose", "text"])
    if "days_offset" in fields:
        value = fields["days_offset"]
        if isinstance(value, bool) or not isinstance(value, int) or not -3650 <= value <= 3650:
            problems.append(
                FieldProblem(
                    ("days_offset",), Message(gettext_noop("Enter a whole number of days from -3650 to 3650."))
                )
            )
    if "duration_minutes" in fields:
        problems += rules.non_negative_problems(fields["duration_minutes"], ("duration_minutes",), 24 * 60 * 7)
    return problems


def _document_problems(fields: dict[str, Any]) -> list[FieldProblem]:
    problems = _required_problems(fields)
    if "name" in fields:
        problems += rules.name_problems(fields["name"], max_length=rules.SUGGESTION_NAME_MAX_LENGTH)
    problems += _text_problems(fields, ["purpose", "subject", "our_reference"])
    for name in ("subject", "our_reference"):
        if isinstance(fields.get(name), str) and len(fields[name]) > 255:
            problems.append(FieldProblem((name,), Message(gettext_noop("At most %(max)d characters."), {"max": 255})))
    return problems


def _apply_followup_fields(item: SuggestedFollowup, fields: dict[str, Any]) -> None:
    if "activity_type_id" in fields:
        item.activity_type = lists.get_item(ActivityType, fields["activity_type_id"], include_deleted=False)
    for name in ("name",):
        if name in fields:
            setattr(item, name, fields[name].strip())
    for name in ("purpose", "text"):
        if name in fields:
            setattr(item, name, fields[name] or "")
    for name in ("days_offset", "duration_minutes"):
        if name in fields:
            setattr(item, name, fields[name])
    if "auto_suggest" in fields:
        item.auto_suggest = bool(fields["auto_suggest"])
    if "required" in fields:
        item.required = fields["required"]


def _apply_document_fields(item: SuggestedDocument, fields: dict[str, Any]) -> None:
    if "template_id" in fields:
        item.template = lists.get_item(DocumentTemplate, fields["template_id"], include_deleted=False)
    if "name" in fields:
        item.name = fields["name"].strip()
    for name in ("purpose", "subject", "our_reference"):
        if name in fields:
            setattr(item, name, fields[name] or "")
    if "required" in fields:
        item.required = fields["required"]


def _check_fields(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


@transaction.atomic
def add_suggested_followup(actor: User, sale_type_id: int, stage_id: int, **fields: Any) -> SuggestedFollowup:
    require_admin(actor)
    _check_fields(fields, FOLLOWUP_FIELDS)
    link = get_link(sale_type_id, stage_id)
    problems = _followup_problems({"name": fields.get("name"), **fields})
    if "activity_type_id" not in fields or fields["activity_type_id"] is None:
        problems.append(FieldProblem(("activity_type_id",), Message(gettext_noop("Choose an activity type."))))
    rules.raise_if_problems(problems)
    item = SuggestedFollowup(link=link, rank=lists.next_rank(link.followups.filter(deleted=False)))
    _apply_followup_fields(item, fields)
    if item.duration_minutes is None:
        item.duration_minutes = item.activity_type.default_duration_minutes
    item.save()
    return item


@transaction.atomic
def update_suggested_followup(actor: User, followup_id: int, **fields: Any) -> SuggestedFollowup:
    require_admin(actor)
    _check_fields(fields, FOLLOWUP_FIELDS)
    item = lists.get_item(SuggestedFollowup, followup_id)
    problems = _followup_problems(fields)
    if "activity_type_id" in fields and fields["activity_type_id"] is None:
        problems.append(FieldProblem(("activity_type_id",), Message(gettext_noop("Choose an activity type."))))
    rules.raise_if_problems(problems)
    _apply_followup_fields(item, fields)
    item.save()
    return item


@transaction.atomic
def add_suggested_document(actor: User, sale_type_id: int, stage_id: int, **fields: Any) -> SuggestedDocument:
    require_admin(actor)
    _check_fields(fields, DOCUMENT_FIELDS)
    link = get_link(sale_type_id, stage_id)
    problems = _document_problems({"name": fields.get("name"), **fields})
    if fields.get("template_id") is None:
        problems.append(FieldProblem(("template_id",), Message(gettext_noop("Choose a document template."))))
    rules.raise_if_problems(problems)
    item = SuggestedDocument(link=link, rank=lists.next_rank(link.documents.filter(deleted=False)))
    _apply_document_fields(item, fields)
    item.save()
    return item


@transaction.atomic
def update_suggested_document(actor: User, document_id: int, **fields: Any) -> SuggestedDocument:
    require_admin(actor)
    _check_fields(fields, DOCUMENT_FIELDS)
    item = lists.get_item(SuggestedDocument, document_id)
    problems = _document_problems(fields)
    if "template_id" in fields and fields["template_id"] is None:
        problems.append(FieldProblem(("template_id",), Message(gettext_noop("Choose a document template."))))
    rules.raise_if_problems(problems)
    _apply_document_fields(item, fields)
    item.save()
    return item


@transaction.atomic
def delete_suggestion(actor: User, model: type[SuggestedFollowup] | type[SuggestedDocument], item_id: int) -> Any:
    """Soft delete: hidden from guides; activities and documents made from it keep their data (SPEC 3.10)."""
    require_admin(actor)
    return lists.soft_delete(lists.get_item(model, item_id))


@transaction.atomic
def restore_suggestion(actor: User, model: type[SuggestedFollowup] | type[SuggestedDocument], item_id: int) -> Any:
    require_admin(actor)
    item = lists.get_item(model, item_id)
    if item.deleted:
        item.deleted = False
        item.rank = lists.next_rank(model._default_manager.filter(link_id=item.link_id, deleted=False))
        item.save(update_fields=["deleted", "rank"])
    return item


@transaction.atomic
def reorder_suggestions(
    actor: User,
    sale_type_id: int,
    stage_id: int,
    *,
    followup_ids: Sequence[int] | None = None,
    document_ids: Sequence[int] | None = None,
) -> None:
    require_admin(actor)
    link = get_link(sale_type_id, stage_id)
    if followup_ids is not None:
        lists.apply_order(link.followups.filter(deleted=False), followup_ids)
    if document_ids is not None:
        lists.apply_order(link.documents.filter(deleted=False), document_ids)


def move_suggestion(
    actor: User, model: type[SuggestedFollowup] | type[SuggestedDocument], item_id: int, offset: int
) -> None:
    require_admin(actor)
    item = lists.get_item(model, item_id, include_deleted=False)
    lists.move_in_order(model._default_manager.filter(link_id=item.link_id, deleted=False), item_id, offset)
