"""Suggested follow-ups and documents of one stage of a sale type: add, edit, reorder, delete, restore.

Each action answers an htmx request with the stage's column (the list and its add form) and a plain request
with a redirect back to the page the form was on, so the designer and the wizard share these views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, NotFound
from salesguide.models import SaleType, SuggestedDocument, SuggestedFollowup
from salesguide.queries.guides import DocumentView, FollowupView, GuideStageView, guide_of_sale_type
from salesguide.services import guides as service
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.guides.access import actor, admin_required
from salesguide.web.guides.forms import SUGGESTION_FIELD_ALIASES, DocumentForm, FollowupForm
from salesguide.web.guides.responses import INVALID, is_htmx, partial, safe_next


@dataclass(frozen=True)
class SuggestionKind:
    slug: str
    model: type[SuggestedFollowup] | type[SuggestedDocument]
    form: type[FollowupForm] | type[DocumentForm]
    template: str
    add: Callable[..., Any]
    update: Callable[..., Any]
    added: Promise
    saved: Promise
    deleted: Promise
    restored: Promise

    def new_form(self, data: Any = None) -> forms.Form:
        return self.form(data, prefix=f"{self.slug}-new")

    def edit_form(self, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
        return self.form(data, initial=initial, prefix=f"{self.slug}-edit")


KINDS = {
    "followups": SuggestionKind(
        slug="followups",
        model=SuggestedFollowup,
        form=FollowupForm,
        template="guides/_followups.html",
        add=service.add_suggested_followup,
        update=service.update_suggested_followup,
        added=_("Follow-up “%(name)s” added."),
        saved=_("Follow-up “%(name)s” saved."),
        deleted=_("Follow-up “%(name)s” deleted."),
        restored=_("Follow-up “%(name)s” restored."),
    ),
    "documents": SuggestionKind(
        slug="documents",
        model=SuggestedDocument,
        form=DocumentForm,
        template="guides/_documents.html",
        add=service.add_suggested_document,
        update=service.update_suggested_document,
        added=_("Document “%(name)s” added."),
        saved=_("Document “%(name)s” saved."),
        deleted=_("Document “%(name)s” deleted."),
        restored=_("Document “%(name)s” restored."),
    ),
}


@dataclass
class Column:
    """What the column template of one kind of suggestion on one stage needs."""

    kind: SuggestionKind
    sale_type: SaleType
    stage: GuideStageView
    items: list[FollowupView] | list[DocumentView]
    deleted: list[Any]
    add_form: forms.Form
    next_url: str
    editing_id: int | None = None
    edit_form: forms.Form | None = None
    add_open: bool = False

    @property
    def dom_id(self) -> str:
        return f"{self.kind.slug}-column"

    @property
    def can_add(self) -> bool:
        """A follow-up needs an activity type and a document a template; without any the form is useless."""
        field = self.add_form.fields["activity_type" if self.kind.slug == "followups" else "template"]
        assert isinstance(field, forms.ModelChoiceField)
        return field.queryset.exists()  # type: ignore[union-attr]

    @property
    def show_add_form(self) -> bool:
        return self.add_open or not self.items or bool(self.add_form.errors)


def designer_url(sale_type_id: int, stage_id: int) -> str:
    return f"{reverse('guides:designer', args=[sale_type_id])}?stage={stage_id}"


def initial_of(item: SuggestedFollowup | SuggestedDocument) -> dict[str, Any]:
    if isinstance(item, SuggestedFollowup):
        return {
            "name": item.name,
            "purpose": item.purpose,
            "activity_type": item.activity_type_id,
            "days_offset": item.days_offset,
            "duration_minutes": item.duration_minutes,
            "text": item.text,
            "auto_suggest": item.auto_suggest,
            "required": item.required,
        }
    return {
        "name": item.name,
        "purpose": item.purpose,
        "template": item.template_id,
        "subject": item.subject,
        "our_reference": item.our_reference,
        "required": item.required,
    }


def column(
    kind: SuggestionKind,
    sale_type: SaleType,
    stage_id: int,
    next_url: str,
    *,
    add_form: forms.Form | None = None,
    editing_id: int | None = None,
    edit_form: forms.Form | None = None,
    guide_stage: GuideStageView | None = None,
) -> Column:
    if guide_stage is None:
        guide_stage = next((s for s in guide_of_sale_type(sale_type).stages if s.stage_id == stage_id), None)
        if guide_stage is None:
            raise Http404(gettext("This sale type does not use that stage."))
    deleted = kind.model._default_manager.filter(
        link__sale_type=sale_type, link__stage_id=stage_id, deleted=True
    ).order_by("name", "id")
    return Column(
        kind=kind,
        sale_type=sale_type,
        stage=guide_stage,
        items=guide_stage.followups if kind.slug == "followups" else guide_stage.documents,
        deleted=list(deleted),
        add_form=add_form or kind.new_form(),
        next_url=next_url,
        editing_id=editing_id,
        edit_form=edit_form,
    )


def _kind(slug: str) -> SuggestionKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404 from None


def _item(kind: SuggestionKind, item_id: int) -> Any:
    item = kind.model._default_manager.select_related("link", "link__sale_type").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def _answer(request: HttpRequest, col: Column) -> HttpResponse:
    if is_htmx(request):
        return partial(request, col.kind.template, {"column": col})
    return redirect(col.next_url)


@admin_required
def suggestion_column(request: HttpRequest, sale_type_id: int, stage_id: int, kind: str) -> HttpResponse:
    """The column alone: what "cancel" on an inline edit swaps back in."""
    sale_type = SaleType.objects.filter(pk=sale_type_id, deleted=False).first()
    if sale_type is None:
        raise Http404
    col = column(_kind(kind), sale_type, stage_id, safe_next(request, designer_url(sale_type_id, stage_id)))
    if not is_htmx(request):
        return redirect(col.next_url)
    return partial(request, col.kind.template, {"column": col})


@require_POST
@admin_required
def suggestion_add(request: HttpRequest, sale_type_id: int, stage_id: int, kind: str) -> HttpResponse:
    spec = _kind(kind)
    sale_type = SaleType.objects.filter(pk=sale_type_id, deleted=False).first()
    if sale_type is None:
        raise Http404
    next_url = safe_next(request, designer_url(sale_type_id, stage_id))
    form = spec.new_form(request.POST)
    if form.is_valid():
        try:
            item = spec.add(actor(request), sale_type_id, stage_id, **form.service_fields())  # type: ignore[attr-defined]
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_to_form(form, error, SUGGESTION_FIELD_ALIASES)
        else:
            messages.success(request, spec.added % {"name": item.name})
            col = column(spec, sale_type, stage_id, next_url)
            col.add_open = True
            return _answer(request, col)
    col = column(spec, sale_type, stage_id, next_url, add_form=form)
    if is_htmx(request):
        return partial(request, spec.template, {"column": col})
    return render(request, "guides/suggestion_form.html", _form_page_context(col, form, None), status=INVALID)


def _form_page_context(col: Column, form: forms.Form, item: Any) -> dict[str, Any]:
    return {"column": col, "form": form, "item": item, "sale_type": col.sale_type, "stage": col.stage}


@admin_required
def suggestion_edit(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    spec = _kind(kind)
    item = _item(spec, item_id)
    if item.deleted:
        raise Http404
    sale_type, stage_id = item.link.sale_type, item.link.stage_id
    next_url = safe_next(request, designer_url(sale_type.pk, stage_id))
    if request.method != "POST":
        form = spec.edit_form(initial=initial_of(item))
        col = column(spec, sale_type, stage_id, next_url, editing_id=item.pk, edit_form=form)
        if is_htmx(request):
            return partial(request, spec.template, {"column": col})
        return render(request, "guides/suggestion_form.html", _form_page_context(col, form, item))
    form = spec.edit_form(request.POST)
    if form.is_valid():
        try:
            item = spec.update(actor(request), item.pk, **form.service_fields())  # type: ignore[attr-defined]
        except DomainError as error:
            add_to_form(form, error, SUGGESTION_FIELD_ALIASES)
        else:
            messages.success(request, spec.saved % {"name": item.name})
            return _answer(request, column(spec, sale_type, stage_id, next_url))
    col = column(spec, sale_type, stage_id, next_url, editing_id=item.pk, edit_form=form)
    if is_htmx(request):
        return partial(request, spec.template, {"column": col})
    return render(request, "guides/suggestion_form.html", _form_page_context(col, form, item), status=INVALID)


@require_POST
@admin_required
def suggestion_move(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    spec = _kind(kind)
    item = _item(spec, item_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        service.move_suggestion(actor(request), spec.model, item.pk, offset)
    except DomainError as error:
        messages.error(request, translate(error.message))
    sale_type, stage_id = item.link.sale_type, item.link.stage_id
    return _answer(request, column(spec, sale_type, stage_id, safe_next(request, designer_url(sale_type.pk, stage_id))))


@require_POST
@admin_required
def suggestion_delete(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    spec = _kind(kind)
    item = _item(spec, item_id)
    service.delete_suggestion(actor(request), spec.model, item.pk)
    messages.success(request, spec.deleted % {"name": item.name})
    sale_type, stage_id = item.link.sale_type, item.link.stage_id
    return _answer(request, column(spec, sale_type, stage_id, safe_next(request, designer_url(sale_type.pk, stage_id))))


@require_POST
@admin_required
def suggestion_restore(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    spec = _kind(kind)
    item = _item(spec, item_id)
    service.restore_suggestion(actor(request), spec.model, item.pk)
    messages.success(request, spec.restored % {"name": item.name})
    sale_type, stage_id = item.link.sale_type, item.link.stage_id
    return _answer(request, column(spec, sale_type, stage_id, safe_next(request, designer_url(sale_type.pk, stage_id))))
