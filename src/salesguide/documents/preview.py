"""Readable previews of generated documents (SPEC 3.4): a Word file as simple HTML (mammoth), an e-mail as its
headers and body. The HTML is shown in a sandboxed frame, so nothing in it runs or reaches the page. A Word file
is converted in a child process within the fill-in budget (``budget``), like filling it in."""

from __future__ import annotations

import io
from dataclasses import dataclass

import mammoth

from salesguide.documents import budget
from salesguide.documents.render import TemplateFault, unpacked_size
from salesguide.domain.errors import Message, gettext_noop

PAGE_STYLE = """
body { font-family: "DejaVu Serif", Georgia, serif; font-size: 11pt; line-height: 1.45; color: #1b1f24;
       margin: 0; padding: 2rem 2.25rem; background: #fff; }
h1, h2, h3 { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f4e79; line-height: 1.2; }
table { border-collapse: collapse; width: 100%; margin: 0.75rem 0; }
td, th { border: 1px solid #c8d0d9; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
p { margin: 0 0 0.6rem; }
"""


@dataclass(frozen=True)
class PreviewPage:
    """A whole HTML page (for an iframe's ``srcdoc``)."""

    html: str


def docx_preview(content: bytes) -> PreviewPage:
    """The Word file as a page, made in a child within the budget; raises ``TemplateFault`` when it cannot be."""
    try:
        return PreviewPage(_page(budget.run(_docx_html, content)))
    except budget.OverBudget as over:
        raise _cannot_preview(over.message) from None


def _cannot_preview(problem: Message) -> TemplateFault:
    return TemplateFault(Message(gettext_noop("The preview cannot be made: %(problem)s."), {"problem": problem}))


def _docx_html(content: bytes) -> str:
    if unpacked_size(content) > budget.current().output_bytes:
        raise _cannot_preview(budget.too_large().message)
    html: str = mammoth.convert_to_html(io.BytesIO(content)).value
    if len(html) > budget.current().output_bytes:
        raise _cannot_preview(budget.too_large().message)
    return html


def email_preview(body: str, *, html: bool) -> PreviewPage:
    if html:
        return PreviewPage(_page(body))
    from html import escape

    return PreviewPage(_page(f'<pre style="white-space: pre-wrap; font: inherit">{escape(body)}</pre>'))


def _page(body: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><style>{PAGE_STYLE}</style></head><body>{body}</body></html>'
    )
