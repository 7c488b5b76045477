"""The Jinja environments templates are rendered in: Jinja's sandbox, hardened against the two ways a template
can still hurt the server from inside it — huge results (``'x' * 10**9``, ``9**9**9``) — and with autoescaping
for documents, so a company called ``Smit & <Zn>`` stays text in Word's XML and in HTML."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import ChainableUndefined, StrictUndefined, Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

# Far above anything a letter needs, far below what would exhaust memory.
MAX_REPEAT = 10_000
MAX_EXPONENT = 64


class DocumentSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError("the power is too large")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_REPEAT
                ):
                    raise SecurityError("the result is too long")
        return super().call_binop(context, operator, left, right)


def _environment(*, autoescape: bool, undefined: type[Undefined]) -> DocumentSandbox:
    return DocumentSandbox(autoescape=autoescape, undefined=undefined)


@cache
def plain_environment() -> DocumentSandbox:
    """Subjects, references and plain-text e-mails: no escaping; an unknown field renders empty."""
    return _environment(autoescape=False, undefined=ChainableUndefined)


def document_environment(*, strict: bool = False) -> DocumentSandbox:
    """Word and HTML templates: escaped. ``strict`` makes an unknown merge field an error (checking uploads).

    A new environment each time: docxtpl sets filters and globals on the environment it is given."""
    return _environment(autoescape=True, undefined=StrictUndefined if strict else ChainableUndefined)


def text_environment(*, strict: bool = False) -> DocumentSandbox:
    return _environment(autoescape=False, undefined=StrictUndefined if strict else ChainableUndefined)
