"""The import page: choose what to import and upload a file, which is checked in a dry run that lists every
problem by row and column; then "Import" runs it for real on the same file, kept for the hour in between
(``held_files``). Every row is checked again on import — the data may have changed since the dry run — and the
service still writes nothing when any row has a problem.

Who may import is the service's rule (``services.imports``): a ``NotAllowed`` is the 403 page, as everywhere.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from salesguide.domain.errors import NotAllowed
from salesguide.domain.file_columns import FileKind
from salesguide.models import User
from salesguide.services.imports import ImportResult, import_file
from salesguide.web.domain_errors import translate
from salesguide.web.imports import held_files
from salesguide.web.imports.column_guide import KIND_NAMES, column_guide
from salesguide.web.imports.forms import ImportUploadForm

# A dry run or an import with problems is not a success: say so to tests and scripts, as other forms do.
INVALID = 422

LIST_OF_KIND = {
    "companies": ("customers:company_list", gettext_lazy("See the companies")),
    "contacts": ("customers:contact_list", gettext_lazy("See the contacts")),
    "sales": ("sales:list", gettext_lazy("See the sales")),
}


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(request: HttpRequest, form: ImportUploadForm, status: int = 200, **context: Any) -> HttpResponse:
    kind = form["kind"].value() or "companies"
    context = {"form": form, "guide": column_guide(), "chosen": kind, **context}
    return render(request, "imports/start.html", context, status=status)


def _problem_rows(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, translate(problem.message)) for problem in result.problems]


def _warning_rows(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(warning.row, warning.column, translate(warning.message)) for warning in result.warnings]


def _import(request: HttpRequest, held: held_files.HeldFile, *, dry_run: bool) -> ImportResult:
    try:
        with held.path.open("rb") as file:
            return import_file(_actor(request), cast(FileKind, held.kind), file, held.filename, dry_run=dry_run)
    except NotAllowed as error:
        held_files.release(request.session, held.token)
        raise PermissionDenied(translate(error.message)) from None


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The form (GET, ``?kind=`` chooses what to import) and its dry run (POST)."""
    if request.method != "POST":
        kind = request.GET.get("kind")
        return _page(request, ImportUploadForm(initial={"kind": kind if kind in KIND_NAMES else "companies"}))
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, INVALID)
    upload = form.cleaned_data["file"]
    held = held_files.hold(request.session, upload, form.cleaned_data["kind"], upload.name or "")
    result = _import(request, held, dry_run=True)
    if not result.ok or not result.rows:
        # Nothing to import: the user changes the file and uploads it again.
        held_files.release(request.session, held.token)
        return _page(request, form, INVALID if result.problems else 200, result=result, problems=_problem_rows(result))
    return _page(
        request,
        ImportUploadForm(initial={"kind": held.kind}),
        result=result,
        held=held,
        warnings=_warning_rows(result),
    )


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Import the file of this session's dry run."""
    held = held_files.held(request.session, request.POST.get("token", ""))
    if held is None:
        messages.error(request, _("The uploaded file is no longer here; upload it again."))
        return redirect("imports:start")
    result = _import(request, held, dry_run=False)
    held_files.release(request.session, held.token)
    context = {
        "result": result,
        "problems": _problem_rows(result),
        "warnings": _warning_rows(result),
        "kind_name": KIND_NAMES[cast(FileKind, held.kind)],
        "list_url": reverse(LIST_OF_KIND[held.kind][0]),
        "list_label": LIST_OF_KIND[held.kind][1],
        "again_url": f"{reverse('imports:start')}?kind={held.kind}",
    }
    return render(request, "imports/done.html", context, status=200 if result.ok else INVALID)
