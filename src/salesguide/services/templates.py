"""Document templates: uploaded .docx files, or HTML/text bodies for e-mails.

A template is checked when it is stored: it must be a real Word file within the size limit, and it must fill in
with the example sale in the sandbox with every merge field known (``salesguide.documents``), so a typing error
or a forbidden construct is reported with its place at upload, not when a salesperson needs the document.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from salesguide.documents import budget, render
from salesguide.documents.fields import example_context
from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem, Message, gettext_noop
from salesguide.models import DocumentTemplate, TemplateFormat, User
from salesguide.services import lists
from salesguide.services.permissions import require_admin

_UNSET: Any = object()
DOCX_CONTENT_TYPE = render.DOCX_CONTENT_TYPE


def docx_problems(content: bytes, filename: str, loc: tuple[str | int, ...] = ("file",)) -> list[FieldProblem]:
    """An upload must be a real .docx within the size limit (SPEC 7: limited in size and type)."""
    limit = settings.TEMPLATE_UPLOAD_MAX_BYTES
    if not filename.lower().endswith(".docx"):
        return [FieldProblem(loc, Message(gettext_noop("Upload a Word document (.docx).")))]
    if len(content) > limit:
        return [
            FieldProblem(
                loc, Message(gettext_noop("The file is too large (at most %(max)d KB)."), {"max": limit // 1024})
            )
        ]
    if not content:
        return [FieldProblem(loc, Message(gettext_noop("The file is empty.")))]
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise zipfile.BadZipFile
        unpacked = render.unpacked_size(content)
    except Exception:
        return [FieldProblem(loc, Message(gettext_noop("This is not a valid Word document (.docx).")))]
    if unpacked > budget.BUDGET.output_bytes:
        # Its documents could only be larger: refused before anything unpacks it.
        return [FieldProblem(loc, render.cannot_fill_in(budget.too_large().message).message)]
    try:
        # Read as a Word file and filled in with the example sale, in a child within the budget.
        render.render_docx(content, example_context("en"), strict=True)
    except render.TemplateFault as fault:
        return [FieldProblem(loc, fault.message)]
    return []


def body_problems(body: object, format: str, loc: tuple[str | int, ...] = ("body",)) -> list[FieldProblem]:
    """An e-mail body must be there and fill in with the example sale."""
    if not isinstance(body, str) or not body.strip():
        return [FieldProblem(loc, Message(gettext_noop("The template needs a body.")))]
    if len(body) > settings.TEMPLATE_UPLOAD_MAX_BYTES:
        limit = settings.TEMPLATE_UPLOAD_MAX_BYTES // 1024
        return [FieldProblem(loc, Message(gettext_noop("The body is too long (at most %(max)d KB)."), {"max": limit}))]
    try:
        render.render_body(body, example_context("en"), html=format == TemplateFormat.HTML, strict=True)
    except render.TemplateFault as fault:
        return [FieldProblem(loc, fault.message)]
    return []


def _kind_problems(kind: Any) -> list[FieldProblem]:
    return rules.choice_problems(kind, [k.value for k in rules.DocumentKind], ("kind",))


# The checks fill the template in (up to the render budget's seconds) before the write transaction opens, so
# that a slow template never holds the database's write lock (SQLite has one for the whole database).


def create_text_template(
    actor: User, *, name: str, kind: str = "email", body: str = "", format: str = "html"
) -> DocumentTemplate:
    require_admin(actor)
    problems = rules.name_problems(name) + _kind_problems(kind)
    format_problems = rules.choice_problems(format, [TemplateFormat.HTML, TemplateFormat.TEXT], ("format",))
    problems += format_problems or body_problems(body, format)
    rules.raise_if_problems(problems)
    with transaction.atomic():
        lists.ensure_unique_name(DocumentTemplate, name)
        return DocumentTemplate.objects.create(
            name=name.strip(),
            kind=kind,
            format=format,
            body=body,
            rank=lists.next_rank(DocumentTemplate.objects.all()),
        )


def create_docx_template(
    actor: User, *, name: str, kind: str = "letter", content: bytes, filename: str
) -> DocumentTemplate:
    require_admin(actor)
    rules.raise_if_problems(rules.name_problems(name) + _kind_problems(kind) + docx_problems(content, filename))
    with transaction.atomic():
        lists.ensure_unique_name(DocumentTemplate, name)
        template = DocumentTemplate(
            name=name.strip(),
            kind=kind,
            format=TemplateFormat.DOCX,
            original_filename=filename,
            rank=lists.next_rank(DocumentTemplate.objects.all()),
        )
        template.file.save(filename, ContentFile(content), save=False)
        template.save()
        return template


def update_template(
    actor: User,
    template_id: int,
    *,
    name: Any = _UNSET,
    kind: Any = _UNSET,
    body: Any = _UNSET,
    content: bytes | None = None,
    filename: str | None = None,
) -> DocumentTemplate:
    require_admin(actor)
    template = lists.get_item(DocumentTemplate, template_id)
    problems: list[FieldProblem] = []
    if name is not _UNSET:
        problems += rules.name_problems(name)
    if kind is not _UNSET:
        problems += _kind_problems(kind)
    if body is not _UNSET:
        if template.format == TemplateFormat.DOCX:
            problems.append(FieldProblem(("body",), Message(gettext_noop("A Word template has a file, not a body."))))
        else:
            problems += body_problems(body, template.format)
    if content is not None:
        if template.format != TemplateFormat.DOCX:
            problems.append(FieldProblem(("file",), Message(gettext_noop("This template has a body, not a file."))))
        else:
            problems += docx_problems(content, filename or "")
    rules.raise_if_problems(problems)
    with transaction.atomic():
        if name is not _UNSET:
            if not template.deleted:
                lists.ensure_unique_name(DocumentTemplate, name, exclude_id=template.pk)
            template.name = name.strip()
        if kind is not _UNSET:
            template.kind = kind
        if body is not _UNSET:
            template.body = body
        if content is not None:
            template.original_filename = filename or "template.docx"
            template.file.save(template.original_filename, ContentFile(content), save=False)
        template.save()
        return template


@transaction.atomic
def delete_template(actor: User, template_id: int) -> DocumentTemplate:
    require_admin(actor)
    return lists.soft_delete(lists.get_item(DocumentTemplate, template_id))


@transaction.atomic
def restore_template(actor: User, template_id: int) -> DocumentTemplate:
    require_admin(actor)
    return lists.restore(lists.get_item(DocumentTemplate, template_id))


def template_content(template: DocumentTemplate) -> bytes:
    """The stored .docx bytes ("" for a body template)."""
    if template.format != TemplateFormat.DOCX or not template.file:
        return b""
    with template.file.open("rb") as handle:
        content: bytes = handle.read()
    return content
