"""Filling in templates: Word files with docxtpl, e-mails from HTML or text bodies — always inside the sandbox.

Checking a template (on upload) renders it with the example sale and strict merge fields, so a typing error,
an unknown field or a forbidden construct is reported with the place it is at, before anyone relies on it.

Every fill-in runs in a child process within the budget of ``budget`` (time, memory, output measured unpacked):
a template that spends more is refused with a message at upload, preview and generation alike, and never holds
the server longer than the budget's seconds.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr
from typing import Any, TypeVar

from docx.image.image import Image as DocxImage
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from salesguide.documents import budget
from salesguide.documents.merge import Picture
from salesguide.documents.sandbox import TooMuch, document_environment, text_environment
from salesguide.domain.errors import Message, gettext_noop

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EML_CONTENT_TYPE = "message/rfc822"
_TAGS = re.compile(r"<[^>]+>")
T = TypeVar("T")
_SPACE = re.compile(r"\s+")


class TemplateFault(Exception):
    """A template that cannot be filled in; ``message`` says what and where, for the user."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in the child that fills in: it travels back to the caller by pickle, message and all.
        return (type(self), (self.message,))


def cannot_fill_in(problem: Message) -> TemplateFault:
    return TemplateFault(Message(gettext_noop("The template cannot be filled in: %(problem)s."), {"problem": problem}))


def within_budget(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a child within the budget; spending more is a ``TemplateFault`` saying what."""
    try:
        return budget.run(function, *args)
    except budget.OverBudget as over:
        raise cannot_fill_in(over.message) from None


@dataclass(frozen=True)
class GeneratedFile:
    content: bytes
    file_name: str
    content_type: str


def _shorten(text: str, limit: int = 80) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _what(error: Exception) -> Message:
    # Jinja's own words, without a closing full stop: our sentence around them ends with one.
    if isinstance(error, TooMuch):
        return error.problem
    said = str(error.message if isinstance(error, TemplateSyntaxError) and error.message else error).rstrip(". ")
    if isinstance(error, SecurityError):
        return Message(gettext_noop("it uses something templates may not use (%(error)s)"), {"error": said})
    if isinstance(error, UndefinedError):
        return Message(gettext_noop("unknown merge field (%(error)s)"), {"error": said})
    if isinstance(error, TemplateSyntaxError):
        return Message(gettext_noop("syntax error: %(error)s"), {"error": said})
    return Message(gettext_noop("the template engine says: %(error)s"), {"error": said})


def _template_line(error: Exception) -> int | None:
    """The template line an error is on: syntax errors carry it; for errors while filling in, Jinja rewrites
    the traceback so that its frames point into the template ("<template>")."""
    lineno = getattr(error, "lineno", None)
    if lineno:
        return int(lineno)
    found = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _docx_place(template: DocxTemplate, error: Exception) -> str:
    """The text of the paragraph the error is in. docxtpl puts every paragraph of the part it renders on a line
    of its own before handing the XML to Jinja, so the template line is the paragraph."""
    lineno = _template_line(error)
    part = getattr(template, "current_rendering_part", None)
    if not lineno or part is None:
        return ""
    try:
        source = template.patch_xml(
            template.get_part_xml(part) if part is not template.docx._part else template.get_xml()
        )
    except Exception:
        return ""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source).splitlines()
    return _shorten(_TAGS.sub("", lines[lineno - 1])) if 0 < lineno <= len(lines) else ""


def _fault_in_docx(template: DocxTemplate, error: Exception) -> TemplateFault:
    what = _what(error)
    place = _docx_place(template, error)
    if place:
        return TemplateFault(
            Message(
                gettext_noop("The template cannot be filled in near “%(place)s”: %(problem)s."),
                {"place": place, "problem": what},
            )
        )
    return TemplateFault(Message(gettext_noop("The template cannot be filled in: %(problem)s."), {"problem": what}))


def _fault_in_text(error: Exception) -> TemplateFault:
    lineno = _template_line(error)
    what = _what(error)
    if lineno:
        return TemplateFault(
            Message(
                gettext_noop("The template cannot be filled in on line %(line)d: %(problem)s."),
                {"line": lineno, "problem": what},
            )
        )
    return TemplateFault(Message(gettext_noop("The template cannot be filled in: %(problem)s."), {"problem": what}))


# A logo in a letterhead: this high, unless that would make it wider than LOGO_MAX_WIDTH.
LOGO_HEIGHT = Mm(16)
LOGO_MAX_WIDTH = Mm(70)


def _inline_image(template: DocxTemplate, picture: Picture) -> InlineImage | str:
    try:
        image = DocxImage.from_blob(picture.content)
    except Exception:
        return ""  # checked on upload; a file damaged since then leaves the letter without a logo
    if image.px_height and image.px_width * LOGO_HEIGHT // image.px_height > LOGO_MAX_WIDTH:
        return InlineImage(template, io.BytesIO(picture.content), width=LOGO_MAX_WIDTH)
    return InlineImage(template, io.BytesIO(picture.content), height=LOGO_HEIGHT)


def with_pictures(template: DocxTemplate, context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with each ``Picture`` (our logo) made an image of this Word document; the rest unchanged."""

    def convert(value: Any) -> Any:
        if isinstance(value, Picture):
            return _inline_image(template, value) if value else ""
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        return value

    return {key: convert(value) for key, value in context.items()}


def render_docx(content: bytes, context: Mapping[str, Any], *, strict: bool = False) -> bytes:
    """The Word template ``content`` filled in with ``context``, within the budget; raises ``TemplateFault``."""
    return within_budget(_render_docx, content, dict(context), strict)


def unpacked_size(content: bytes) -> int:
    """The size of a Word file's parts unpacked: what a reader holds in memory, however well it compresses.
    Reading a part never gives more than the size its entry states (``zipfile`` stops there)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(item.file_size for item in archive.infolist())


def _render_docx(content: bytes, context: dict[str, Any], strict: bool) -> bytes:
    if strict:
        _check_word_file(content)
    try:
        template = DocxTemplate(io.BytesIO(content))
    except Exception as error:
        raise TemplateFault(Message(gettext_noop("This is not a valid Word document (.docx)."))) from error
    try:
        template.render(
            with_pictures(template, context), jinja_env=document_environment(strict=strict), autoescape=True
        )
        out = io.BytesIO()
        template.save(out)
    except (TemplateError, SecurityError) as error:
        raise _fault_in_docx(template, error) from error
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # Raised inside the template too ("{% include %}" without a loader, a range too big): name the place.
        raise _fault_in_docx(template, error) from error
    except zipfile.BadZipFile as error:  # docxtpl opens the file only when it renders
        raise TemplateFault(Message(gettext_noop("This is not a valid Word document (.docx)."))) from error
    except KeyError as error:
        raise TemplateFault(
            Message(
                gettext_noop("The template cannot be filled in: %(problem)s."),
                {"problem": str(error) or type(error).__name__},
            )
        ) from error
    except Exception as error:  # lxml: the filled-in XML is no longer a valid Word document
        if type(error).__module__.startswith("lxml"):
            raise TemplateFault(
                Message(
                    gettext_noop(
                        "The template does not give a valid Word document: a merge field or tag probably splits a "
                        "table or paragraph. Retype the tags in one go, without formatting changes inside them."
                    )
                )
            ) from error
        raise
    result = out.getvalue()
    if unpacked_size(result) > budget.current().output_bytes:
        raise cannot_fill_in(budget.too_large().message)
    return result


def _check_word_file(content: bytes) -> None:
    """A real Word file, as Word's own structure says (python-docx reads every part): in the child, because a
    file that unpacks to gigabytes must spend the child's memory, not the server's."""
    import docx  # python-docx, installed with docxtpl

    try:
        docx.Document(io.BytesIO(content))
    except MemoryError:
        raise
    except Exception as error:
        raise TemplateFault(Message(gettext_noop("This is not a valid Word document (.docx)."))) from error


def render_body(body: str, context: Mapping[str, Any], *, html: bool, strict: bool = False) -> str:
    """An e-mail body (HTML escaped, text not) filled in within the budget; raises ``TemplateFault``."""
    return within_budget(_render_body, body, dict(context), html, strict)


def _render_body(body: str, context: dict[str, Any], html: bool, strict: bool) -> str:
    environment = document_environment(strict=strict) if html else text_environment(strict=strict)
    try:
        result = environment.from_string(body).render(dict(context))
    except (TemplateError, SecurityError, TypeError, ValueError, OverflowError, RecursionError) as error:
        raise _fault_in_text(error) from error
    if len(result.encode()) > budget.current().output_bytes:
        raise cannot_fill_in(budget.too_large().message)
    return result


def plain_text_of(html_body: str) -> str:
    """A readable plain-text alternative of an HTML e-mail body."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</tr>|</h[1-6]>|</li>|</div>", "\n", html_body)
    text = html.unescape(_TAGS.sub("", text))
    text = "\n".join(line.strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def email_file(
    *, subject: str, body: str, html: bool, to_name: str, to_address: str, from_name: str, from_address: str
) -> bytes:
    """An unsent e-mail (``.eml``): mail programs open it as a draft to check and send."""
    message = EmailMessage(policy=SMTP)
    # Header values are one line: a line break in a name or subject would end the header.
    subject, to_name, from_name = (" ".join(value.split()) for value in (subject, to_name, from_name))
    message["Subject"] = subject
    if to_address:
        message["To"] = formataddr((to_name, to_address))
    if from_address:
        message["From"] = formataddr((from_name, from_address))
    message["X-Unsent"] = "1"
    if html:
        message.set_content(plain_text_of(body))
        message.add_alternative(body, subtype="html")
    else:
        message.set_content(body)
    return message.as_bytes()


def email_body(content: bytes) -> tuple[str, bool]:
    """The body of a generated e-mail, preferring its HTML part: ``(body, is_html)``."""
    import email
    from email.message import Message as MailMessage

    message = email.message_from_bytes(content, policy=SMTP)
    part = message.get_body(preferencelist=("html", "plain")) if hasattr(message, "get_body") else None
    if part is None or not isinstance(part, MailMessage):
        return "", False
    return str(part.get_content()), part.get_content_type() == "text/html"


def file_name_for(subject: str, extension: str) -> str:
    """A download name from the subject: letters, digits and a few separators, never a path."""
    stem = re.sub(r"[^\w\- .,&()]+", "", subject, flags=re.UNICODE).strip(" .") or "document"
    return f"{stem[:120]}.{extension}"
