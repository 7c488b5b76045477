"""Guides as files (SPEC 2.8): download a sale type's guide as YAML, upload one to import it, and load the
starter guides that ship with the product (SPEC 2.5)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, FieldProblem, ValidationFailed
from salesguide.services import guide_files, starter
from salesguide.web.domain_errors import translate
from salesguide.web.guides.access import actor, admin_required
from salesguide.web.guides.designer import live_sale_type
from salesguide.web.guides.forms import GuideImportForm, StarterGuidesForm
from salesguide.web.guides.responses import INVALID

YAML_CONTENT_TYPE = "application/yaml; charset=utf-8"


def place_in_file(loc: tuple[str | int, ...]) -> str:
    """A problem's place as a reader finds it in the YAML: ``stages[2].followups[0].name``."""
    place = ""
    for part in loc:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    return place


@admin_required
def export_guide(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    response = HttpResponse(guide_files.export_guide(sale_type), content_type=YAML_CONTENT_TYPE)
    filename = f"{slugify(sale_type.name) or 'guide'}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin_required
def import_guide(request: HttpRequest) -> HttpResponse:
    """All or nothing: on any problem, list every one with its place in the file; nothing is changed."""
    if request.method != "POST":
        return render(request, "guides/import.html", {"form": GuideImportForm(), "problems": []})
    form = GuideImportForm(request.POST, request.FILES)
    problems: list[tuple[str, str]] = []
    if form.is_valid():
        try:
            sale_type = guide_files.import_guide(actor(request), form.cleaned_data["file"])
        except ValidationFailed as error:
            problems = [_problem_row(problem) for problem in error.problems]
        except DomainError as error:
            form.add_error("file", translate(error.message))
        else:
            messages.success(request, _("The guide “%(name)s” was imported.") % {"name": sale_type.name})
            return redirect("guides:designer", sale_type.pk)
    return render(request, "guides/import.html", {"form": form, "problems": problems}, status=INVALID)


def _problem_row(problem: FieldProblem) -> tuple[str, str]:
    return place_in_file(problem.loc), translate(problem.message)


@require_POST
@admin_required
def load_starter_guides(request: HttpRequest) -> HttpResponse:
    form = StarterGuidesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Dutch or English for the starter guides."))
        return redirect("guides:landing")
    try:
        loaded = starter.load_starter_guides(form.cleaned_data["language"])
    except ValidationFailed as error:
        messages.error(request, _("The starter guides were not loaded; nothing was changed."))
        for place, message in map(_problem_row, error.problems):
            messages.error(request, f"{place}: {message}" if place else message)
        return redirect("guides:landing")
    except DomainError as error:
        messages.error(request, translate(error.message))
        return redirect("guides:landing")
    if loaded:
        names = ", ".join(f"“{sale_type.name}”" for sale_type in loaded)
        messages.success(
            request,
            ngettext(
                "Loaded %(count)d starter guide: %(names)s.",
                "Loaded %(count)d starter guides: %(names)s.",
                len(loaded),
            )
            % {"count": len(loaded), "names": names},
        )
    else:
        messages.info(request, _("The starter guides were already there; nothing was changed."))
    return redirect("guides:landing")
