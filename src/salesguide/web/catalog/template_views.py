"""Document templates: upload a .docx or write an e-mail body, edit, replace the file, download, delete and
restore. The .docx checks (type, size, a real Word file) live in ``services.templates``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError
from salesguide.models import DocumentTemplate, TemplateFormat
from salesguide.services import templates as template_services
from salesguide.web.accounts.access import admin_required
from salesguide.web.catalog.forms import (
    DocxTemplateEditForm,
    DocxTemplateForm,
    TextTemplateEditForm,
    TextTemplateForm,
)
from salesguide.web.domain_errors import add_to_form, translate


def _read_upload(upload: UploadedFile[bytes] | None) -> tuple[bytes, str]:
    """The uploaded bytes and file name. Reads one byte past the limit, so an oversized file is recognised
    without reading all of it into memory."""
    if upload is None:
        return b"", ""
    return upload.read(settings.TEMPLATE_UPLOAD_MAX_BYTES + 1), upload.name or ""


@admin_required
def template_list(request: HttpRequest) -> HttpResponse:
    show_deleted = request.GET.get("deleted") == "1"
    query = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or ""
    templates = DocumentTemplate.objects.all()
    if not show_deleted:
        templates = templates.filter(deleted=False)
    if query:
        templates = templates.filter(name__icontains=query)
    if kind:
        templates = templates.filter(kind=kind)
    context = {
        "templates": list(templates),
        "show_deleted": show_deleted,
        "query": query,
        "kind": kind,
        "kinds": DocumentTemplate._meta.get_field("kind").choices,
        "filtered": bool(query or kind),
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    return render(request, "catalog/_template_table.html" if partial else "catalog/templates.html", context)


def _form_page(
    request: HttpRequest,
    form: Any,
    heading: str,
    template: DocumentTemplate | None = None,
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "catalog/template_form.html",
        {"form": form, "heading": heading, "template": template, "multipart": multipart},
    )


@admin_required
def template_add_docx(request: HttpRequest) -> HttpResponse:
    heading = _("Upload a Word template")
    if request.method != "POST":
        return _form_page(request, DocxTemplateForm(), heading, multipart=True)
    form = DocxTemplateForm(request.POST, request.FILES)
    if form.is_valid():
        content, filename = _read_upload(form.cleaned_data["file"])
        try:
            template = template_services.create_docx_template(
                request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                content=content,
                filename=filename,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": template.name})
            return redirect("catalog:template_list")
    return _form_page(request, form, heading, multipart=True)


@admin_required
def template_add_text(request: HttpRequest) -> HttpResponse:
    heading = _("Write an e-mail template")
    if request.method != "POST":
        return _form_page(request, TextTemplateForm(), heading)
    form = TextTemplateForm(request.POST)
    if form.is_valid():
        try:
            template = template_services.create_text_template(request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": template.name})
            return redirect("catalog:template_list")
    return _form_page(request, form, heading)


@admin_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk)
    is_docx = template.format == TemplateFormat.DOCX
    form_class = DocxTemplateEditForm if is_docx else TextTemplateEditForm
    heading = _("Edit “%(name)s”") % {"name": template.name}
    if request.method != "POST":
        initial = {"name": template.name, "kind": template.kind, "body": template.body}
        return _form_page(request, form_class(initial=initial), heading, template, multipart=is_docx)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        changes = dict(form.cleaned_data)
        if is_docx:
            upload = changes.pop("file")
            if upload is not None:
                changes["content"], changes["filename"] = _read_upload(upload)
        try:
            saved = template_services.update_template(request.user, pk, **changes)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect("catalog:template_list")
    return _form_page(request, form, heading, template, multipart=is_docx)


@admin_required
def template_download(request: HttpRequest, pk: int) -> FileResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk, format=TemplateFormat.DOCX)
    if not template.file:
        raise Http404(_("This template has no file."))
    return FileResponse(
        template.file.open("rb"),
        as_attachment=True,
        filename=template.original_filename or f"{template.name}.docx",
        content_type=template_services.DOCX_CONTENT_TYPE,
    )


@admin_required
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "catalog/confirm_delete.html",
            {
                "item": template,
                "area_title": _("Document templates"),
                "list_url": reverse("catalog:template_list"),
                "action_url": reverse("catalog:template_delete", args=[pk]),
                "cancel_url": reverse("catalog:template_list"),
            },
        )
    try:
        deleted = template_services.delete_template(request.user, pk)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("“%(name)s” is deleted. Tick “Show deleted” to find it and restore it.") % {"name": deleted.name},
        )
    return redirect("catalog:template_list")


@admin_required
@require_POST
def template_restore(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        restored = template_services.restore_template(request.user, pk)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("“%(name)s” is restored.") % {"name": restored.name})
    return redirect(reverse("catalog:template_list") + "?deleted=1")
