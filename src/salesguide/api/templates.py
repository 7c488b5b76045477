"""Document templates: a Word file (multipart upload) or a text/HTML body for e-mails (JSON).

``POST /document-templates`` takes either body on the same path, so it reads the request itself instead of
letting Ninja bind one schema; the OpenAPI document still describes both content types.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ValidationError

from salesguide.api.auth import actor
from salesguide.api.errors import (
    BODY,
    QUERY,
    READ,
    WRITE,
    InvalidInput,
    UnsupportedMediaType,
    field_errors_from_pydantic,
    responses,
)
from salesguide.api.fields import Name, PathId
from salesguide.api.paging import ListParams, page
from salesguide.api.schemas import (
    DocumentKind,
    DocumentTemplateIn,
    DocumentTemplateListOut,
    DocumentTemplateOut,
    DocumentTemplatePatch,
    InSchema,
    TemplateFormat,
)
from salesguide.documents.fields import MERGE_FIELDS, example_context, example_text, example_value
from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.models import DocumentTemplate
from salesguide.models import TemplateFormat as Format
from salesguide.services import lists, templates

router = Router(tags=["Document templates"])

DOCX_CONTENT_TYPE = templates.DOCX_CONTENT_TYPE
_KINDS = list(get_args(DocumentKind))


class DocumentTemplateUploadFields(InSchema):
    name: Name
    kind: DocumentKind = "letter"


class TemplateListParams(ListParams):
    kind: DocumentKind | None = None
    format: TemplateFormat | None = None


class MergeFieldOut(Schema):
    name: str
    description: str
    example: str


def _example_text(value: Any) -> str:
    # ``sale.lines`` is a list for a table; the example shows its lines the way a quotation would.
    if isinstance(value, list) and all(isinstance(line, dict) for line in value):
        return "; ".join(f"{line['quantity']} × {line['description']}" for line in value)
    return example_text(value, gettext)  # an address's lines joined with " / ", an image as "(an image)"


def template_out(template: DocumentTemplate) -> dict[str, Any]:
    has_file = template.format == Format.DOCX and bool(template.file)
    return {
        "id": template.pk,
        "name": template.name,
        "kind": template.kind,
        "format": template.format,
        "body": template.body,
        "original_filename": template.original_filename,
        "file_url": reverse("api-v1:document_template_file", kwargs={"id": template.pk}) if has_file else None,
        "rank": template.rank,
        "deleted": template.deleted,
    }


def _upload_schema(required: list[str], with_fields: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"file": {"type": "string", "format": "binary", "description": "A .docx file."}}
    if with_fields:
        properties["name"] = {"type": "string", "minLength": 1, "maxLength": 100}
        properties["kind"] = {"type": "string", "enum": _KINDS, "default": "letter"}
    return {"type": "object", "properties": properties, "required": required}


_CREATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": DocumentTemplateIn.model_json_schema()},
            "multipart/form-data": {"schema": _upload_schema(["file", "name"], with_fields=True)},
        },
    }
}
_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": _upload_schema(["file"], with_fields=False)}},
    }
}


def _read_upload(upload: UploadedFile[bytes]) -> bytes:
    # Read at most one byte more than allowed: enough for the service to say "too large", never a huge
    # file in memory.
    content: bytes = upload.read(settings.TEMPLATE_UPLOAD_MAX_BYTES + 1)
    return content


def _missing_file() -> dict[str, Any]:
    return {"loc": ["body", "file"], "msg": gettext("Upload a Word document (.docx).")}


def _uploaded_file(request: HttpRequest) -> UploadedFile[bytes]:
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput([_missing_file()])
    return upload


def _upload_fields(request: HttpRequest) -> tuple[DocumentTemplateUploadFields, UploadedFile[bytes]]:
    """The form fields and the file of a multipart upload, with every problem of both listed at once."""
    errors: list[dict[str, Any]] = []
    fields = None
    try:
        fields = DocumentTemplateUploadFields.model_validate(
            {key: request.POST[key] for key in ("name", "kind") if key in request.POST}
        )
    except ValidationError as error:
        errors += field_errors_from_pydantic(error.errors(), ("body",))
    upload = request.FILES.get("file")
    if upload is None:
        errors.append(_missing_file())
    if errors or fields is None or upload is None:
        raise InvalidInput(errors)
    return fields, upload


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "Cannot parse request body") from None


@router.get(
    "/document-templates",
    response=responses({200: DocumentTemplateListOut}, *READ, *QUERY),
    summary="List document templates",
)
def list_templates(request: HttpRequest, params: Query[TemplateListParams]) -> dict[str, Any]:
    queryset = DocumentTemplate.objects.all()
    if params.kind:
        queryset = queryset.filter(kind=params.kind)
    if params.format:
        queryset = queryset.filter(format=params.format)
    return page(queryset, params, template_out)


@router.get(
    "/document-templates/merge-fields",
    response=responses({200: list[MergeFieldOut]}, *READ),
    summary="The merge fields a template can use",
    description=(
        "Write them as `{{ sale.title }}`. Each with what it holds and its value for an example sale, in the "
        "caller's language (`Accept-Language`)."
    ),
)
def list_merge_fields(request: HttpRequest) -> list[dict[str, Any]]:
    context = example_context(translation.get_language() or settings.LANGUAGE_CODE)
    return [
        {
            "name": field.name,
            "description": gettext(field.description),
            "example": _example_text(example_value(field.name, context)),
        }
        for field in MERGE_FIELDS
    ]


@router.post(
    "/document-templates",
    response=responses({201: DocumentTemplateOut}, *WRITE, *BODY, 409, 415),
    summary="Add a document template",
    description=(
        "JSON `{name, kind, body, format}` makes a text or HTML template (format `html` unless `text` is "
        "given); multipart `file`, `name`, `kind` uploads a Word (.docx) template."
    ),
    openapi_extra=_CREATE_BODY,
)
def create_template(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    user = actor(request)
    if request.content_type == "application/json":
        try:
            payload = DocumentTemplateIn.model_validate(_json_body(request))
        except ValidationError as error:
            raise InvalidInput(field_errors_from_pydantic(error.errors(), ("body",))) from None
        template = templates.create_text_template(
            user, name=payload.name, kind=payload.kind, body=payload.body, format=payload.format
        )
    elif request.content_type == "multipart/form-data":
        fields, upload = _upload_fields(request)
        template = templates.create_docx_template(
            user, name=fields.name, kind=fields.kind, content=_read_upload(upload), filename=upload.name or ""
        )
    else:
        raise UnsupportedMediaType(["application/json", "multipart/form-data"])
    return 201, template_out(template)


@router.get(
    "/document-templates/{int:id}",
    response=responses({200: DocumentTemplateOut}, *READ, 404),
    summary="One document template",
)
def get_template(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return template_out(lists.get_item(DocumentTemplate, id))


@router.patch(
    "/document-templates/{int:id}",
    response=responses({200: DocumentTemplateOut}, *WRITE, *BODY, 404, 409),
    summary="Change a document template",
    description="`body` only for text and HTML templates; replace a Word file with `POST .../file`.",
)
def update_template(request: HttpRequest, id: PathId, payload: DocumentTemplatePatch) -> dict[str, Any]:
    return template_out(templates.update_template(actor(request), id, **payload.model_dump(exclude_unset=True)))


@router.delete(
    "/document-templates/{int:id}",
    response=responses({200: DocumentTemplateOut}, *WRITE, 404),
    summary="Delete a document template (soft: it can be restored)",
)
def delete_template(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return template_out(templates.delete_template(actor(request), id))


@router.post(
    "/document-templates/{int:id}/restore",
    response=responses({200: DocumentTemplateOut}, *WRITE, 404, 409),
    summary="Restore a deleted document template",
)
def restore_template(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return template_out(templates.restore_template(actor(request), id))


@router.get(
    "/document-templates/{int:id}/file",
    response=responses({200: None}, *READ, 404),
    summary="Download the Word file of a template",
    openapi_extra={
        "responses": {
            200: {
                "description": "The .docx file.",
                "content": {DOCX_CONTENT_TYPE: {"schema": {"type": "string"}}},
            }
        }
    },
    url_name="document_template_file",
)
def download_template_file(request: HttpRequest, id: PathId) -> HttpResponse:
    template = lists.get_item(DocumentTemplate, id)
    content = templates.template_content(template)
    if not content:
        raise NotFound(Message(gettext_noop("This template has no file; it is a text or HTML template.")))
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    filename = template.original_filename or f"template-{template.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{_ascii_filename(filename)}"'
    return response


@router.post(
    "/document-templates/{int:id}/file",
    response=responses({200: DocumentTemplateOut}, *WRITE, *BODY, 404, 415),
    summary="Replace the Word file of a template",
    openapi_extra=_FILE_BODY,
)
def replace_template_file(request: HttpRequest, id: PathId) -> dict[str, Any]:
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType(["multipart/form-data"])
    upload = _uploaded_file(request)
    template = templates.update_template(actor(request), id, content=_read_upload(upload), filename=upload.name or "")
    return template_out(template)


def _ascii_filename(name: str) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._- ") else "_" for c in name)
    return safe or "template.docx"
