"""The simple settings lists, described once each: stages, activity types, reasons, competitors, categories.

They behave the same (list with "show deleted", add, edit, soft delete, restore, reorder), so one set of views
in ``list_views`` serves them all; what differs — the form, the service calls, the columns — is written here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem
from salesguide.models import ActivityType, Category, Competitor, Reason, ReasonKind, Stage, User
from salesguide.services import catalog as services
from salesguide.web.catalog.forms import ActivityTypeForm, NamedItemForm, ReasonForm, StageForm

Data = dict[str, Any]


def _name_problems(data: Data) -> list[FieldProblem]:
    return rules.name_problems(data["name"]) if "name" in data else []


@dataclass(frozen=True)
class ListArea:
    key: str  # url names are "catalog:<key>_<action>"
    slug: str  # the path under /settings/
    model: type[models.Model]
    title: Promise
    intro: Promise
    add_label: Promise
    empty_title: Promise
    empty_text: Promise
    form_class: type[forms.Form]
    headers: Sequence[Promise]
    cells_template: str
    create: Callable[[User, Data], Any]
    update: Callable[[User, int, Data], Any]
    initial: Callable[[Any], Data]
    group_by: str | None = None
    group_choices: Sequence[tuple[str, Any]] = ()
    # What the services refuse about the fields of a form that did not parse all of them (issue 9, item 12).
    problems: Callable[[Data], list[FieldProblem]] = _name_problems
    # A list with its own move service names it here; the others share the generic list services.
    move_service: Callable[[User, int, int], None] | None = None
    # Stages are deleted and restored on pages of their own (``stage_views``), which first show what happens to
    # the sale types that use them; the list's "Restore" then opens that page instead of restoring at once.
    restore_asks: bool = False

    def delete(self, actor: User, pk: int) -> Any:
        return services.delete_list_item(actor, self.model, pk)

    def restore(self, actor: User, pk: int) -> Any:
        return services.restore_list_item(actor, self.model, pk)

    def move(self, actor: User, pk: int, offset: int) -> None:
        if self.move_service:
            self.move_service(actor, pk, offset)
        else:
            services.move_list_item(actor, self.model, pk, offset)

    def url_name(self, action: str) -> str:
        return f"catalog:{self.key}_{action}"


def _named(model: type[Competitor] | type[Category]) -> dict[str, Any]:
    return {
        "form_class": NamedItemForm,
        "headers": (_("Name"),),
        "cells_template": "catalog/cells/named.html",
        "create": lambda actor, data: services.create_named_item(actor, model, name=data["name"]),
        "update": lambda actor, pk, data: services.rename_item(actor, model, pk, name=data["name"]),
        "initial": lambda item: {"name": item.name},
    }


STAGES = ListArea(
    key="stage",
    slug="stages",
    model=Stage,
    title=_("Stages"),
    intro=_(
        "The steps a sale goes through, each with the probability that a sale in it is won. "
        "Sale types pick and order the stages they use."
    ),
    add_label=_("Add stage"),
    empty_title=_("No stages yet"),
    empty_text=_("Add the first stage, for example “Lead” with a probability of 10%."),
    form_class=StageForm,
    headers=(_("Name"), _("Probability"), _("Description")),
    cells_template="catalog/cells/stage.html",
    create=lambda actor, data: services.create_stage(actor, **data),
    update=lambda actor, pk, data: services.update_stage(actor, pk, **data),
    problems=services.stage_problems,
    initial=lambda item: {
        "name": item.name,
        "probability": item.probability,
        "description": item.description,
    },
    move_service=services.move_stage,
    restore_asks=True,
)

ACTIVITY_TYPES = ListArea(
    key="activity_type",
    slug="activity-types",
    model=ActivityType,
    title=_("Activity types"),
    intro=_("The kinds of follow-up people plan: meetings, phone calls, tasks and e-mails."),
    add_label=_("Add activity type"),
    empty_title=_("No activity types yet"),
    empty_text=_("Add the first activity type, for example “Phone call (out)”."),
    form_class=ActivityTypeForm,
    headers=(_("Name"), _("Kind"), _("Default duration")),
    cells_template="catalog/cells/activity_type.html",
    create=lambda actor, data: services.create_activity_type(actor, **data),
    update=lambda actor, pk, data: services.update_activity_type(actor, pk, **data),
    problems=services.activity_type_problems,
    initial=lambda item: {
        "name": item.name,
        "kind": item.kind,
        "default_duration_minutes": item.default_duration_minutes,
    },
)

REASONS = ListArea(
    key="reason",
    slug="reasons",
    model=Reason,
    title=_("Reasons"),
    intro=_("Why a sale was sold, lost or stalled. People pick one when they close or stall a sale."),
    add_label=_("Add reason"),
    empty_title=_("No reasons yet"),
    empty_text=_("Add the first reason, for example “Price too high” for lost sales."),
    form_class=ReasonForm,
    headers=(_("Name"),),
    cells_template="catalog/cells/named.html",
    create=lambda actor, data: services.create_reason(actor, **data),
    update=lambda actor, pk, data: services.update_reason(actor, pk, **data),
    initial=lambda item: {"name": item.name, "kind": item.kind},
    group_by="kind",
    group_choices=ReasonKind.choices,
)

COMPETITORS = ListArea(
    key="competitor",
    slug="competitors",
    model=Competitor,
    title=_("Competitors"),
    intro=_("Who you lose sales to. People pick one when they close a sale as lost."),
    add_label=_("Add competitor"),
    empty_title=_("No competitors yet"),
    empty_text=_("Add the competitors you meet most often."),
    **_named(Competitor),
)

CATEGORIES = ListArea(
    key="category",
    slug="categories",
    model=Category,
    title=_("Categories"),
    intro=_("Groups of sale types, to keep a long list of sale types tidy."),
    add_label=_("Add category"),
    empty_title=_("No categories yet"),
    empty_text=_("Add a category, for example “Services” or “Licences”."),
    **_named(Category),
)

AREAS: tuple[ListArea, ...] = (STAGES, ACTIVITY_TYPES, REASONS, COMPETITORS, CATEGORIES)
