"""The Settings and maintenance start page: every area an administrator maintains, with how much is in it."""

from __future__ import annotations

from django.db.models import Count, Model, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from salesguide.models import (
    ActivityType,
    Category,
    Competitor,
    DocumentTemplate,
    OurCompany,
    Reason,
    SaleType,
    Stage,
    User,
)
from salesguide.web.accounts.access import admin_required


def _live(model: type[Model]) -> int:
    return model._default_manager.filter(deleted=False).count()


@admin_required
def index(request: HttpRequest) -> HttpResponse:
    guides = SaleType.objects.filter(deleted=False).aggregate(
        types=Count("pk"), with_guide=Count("pk", filter=Q(has_guide=True))
    )
    users = User.objects.aggregate(active=Count("pk", filter=Q(is_active=True)))
    sections = [
        {
            "title": _("Sales guides"),
            "areas": [
                {
                    "url": "/settings/guides/",
                    "title": _("Sale types and guides"),
                    "text": _("Design the guide for each kind of sale: its stages, follow-ups and documents."),
                    "count": guides["types"],
                    "note": _("%(count)d with a guide") % {"count": guides["with_guide"]},
                },
                {
                    "url_name": "catalog:stage_list",
                    "title": _("Stages"),
                    "text": _("The steps of a sale, each with its probability."),
                    "count": _live(Stage),
                },
                {
                    "url_name": "catalog:activity_type_list",
                    "title": _("Activity types"),
                    "text": _("Meetings, phone calls, tasks and e-mails that follow-ups are made of."),
                    "count": _live(ActivityType),
                },
                {
                    "url_name": "catalog:template_list",
                    "title": _("Document templates"),
                    "text": _("Word documents and e-mail texts that suggested documents are made from."),
                    "count": _live(DocumentTemplate),
                },
            ],
        },
        {
            "title": _("Lists"),
            "areas": [
                {
                    "url_name": "catalog:reason_list",
                    "title": _("Reasons"),
                    "text": _("Why sales are sold, lost or stalled."),
                    "count": _live(Reason),
                },
                {
                    "url_name": "catalog:competitor_list",
                    "title": _("Competitors"),
                    "text": _("Who you lose sales to."),
                    "count": _live(Competitor),
                },
                {
                    "url_name": "catalog:category_list",
                    "title": _("Categories"),
                    "text": _("Groups of sale types."),
                    "count": _live(Category),
                },
            ],
        },
        {
            "title": _("People"),
            "areas": [
                {
                    "url_name": "catalog:user_list",
                    "title": _("Users"),
                    "text": _("Who can log in, their role and their language."),
                    "count": users["active"],
                },
            ],
        },
        {
            "title": _("Data"),
            "areas": [
                {
                    "url_name": "imports:start",
                    "title": _("Import"),
                    "text": _(
                        "Companies, contacts and sales from a CSV or Excel file, checked before anything changes."
                    ),
                    "count": "CSV · XLSX",
                },
            ],
        },
        {
            "title": _("Our company"),
            "areas": [
                {
                    "url_name": "catalog:company",
                    "title": _("Our company"),
                    "text": _("Name, address, numbers and logo that letters, quotations and contracts show."),
                    "count": _("set") if OurCompany.objects.exclude(name="").exists() else _("not set"),
                },
            ],
        },
    ]
    return render(request, "catalog/index.html", {"sections": sections})
