"""The Jinja environments templates are rendered in: Jinja's sandbox, hardened against the cheap ways a template
can still spend the server from inside it, and with autoescaping for documents, so a company called
``Smit & <Zn>`` stays text in Word's XML and in HTML.

The cheap ways are those where a few characters of template ask for a huge result: a repetition
(``'x' * 10**9``), a power (``9**9**9``), a format width (``'{:>200000000}'.format('x')``, ``'%200000000d' % 1``),
a padding (``center``, ``ljust``, ``zfill``), a replacement or a join that multiplies its text, ``lipsum`` with
a huge ``n``, and loops of loops over ``range()``. Each is refused before it runs, with a message saying what
(``TooMuch``). Whatever else a template finds is bounded by the budget every fill-in runs within (``budget``).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable
from functools import cache, update_wrapper
from typing import Any, TypeGuard

from jinja2 import ChainableUndefined, StrictUndefined, Undefined, pass_context, pass_environment, pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.filters import (
    do_batch,
    do_center,
    do_format,
    do_indent,
    do_replace,
    do_tojson,
    do_wordwrap,
    sync_do_join,
    sync_do_slice,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter, safe_range
from jinja2.utils import generate_lorem_ipsum
from markupsafe import EscapeFormatter, Markup, soft_str

from salesguide.documents import budget
from salesguide.domain.errors import Message, gettext_noop

# Far above anything a letter needs, far below what would exhaust memory or time.
MAX_REPEAT = 10_000  # items of one repetition ('-' * 80)
MAX_EXPONENT = 64
MAX_WIDTH = 10_000  # a format width or precision, a padding
MAX_TEXT = 1_000_000  # characters one replace, join, indent or wrap may make
MAX_LOOP_ITEMS = 1_000_000  # numbers all the range()s of one fill-in may give together
MAX_PARTS = 10_000  # parts of a slice or a padded batch
MAX_JSON_INDENT = 16
MAX_LIPSUM_PARAGRAPHS = 10
MAX_LIPSUM_WORDS = 100


class TooMuch(SecurityError):
    """A template asks for more than a document ever needs; ``problem`` says what, as the end of a sentence
    (``message`` is Jinja's: the English text)."""

    def __init__(self, problem: Message) -> None:
        super().__init__(problem.render())
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problem,))


def _too_long(maximum: int = MAX_TEXT) -> TooMuch:
    return TooMuch(
        Message(gettext_noop("the result would be too long (more than %(max)d characters)"), {"max": maximum})
    )


def _too_wide(maximum: int = MAX_WIDTH) -> TooMuch:
    return TooMuch(Message(gettext_noop("a width of more than %(max)d characters is too wide"), {"max": maximum}))


def _check_length(length: int) -> None:
    if length > MAX_TEXT:
        raise _too_long()


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_width(width: object, current: int = 0) -> None:
    """A padding to ``width`` of text ``current`` characters long: only text that is already that long may."""
    if _is_int(width) and width > max(MAX_WIDTH, current):
        raise _too_wide()


def _check_parts(count: object) -> None:
    if _is_int(count) and count > MAX_PARTS:
        raise TooMuch(Message(gettext_noop("too many parts (at most %(max)d)"), {"max": MAX_PARTS}))


def _too_big(digits: str) -> bool:
    return len(digits) > len(str(MAX_WIDTH)) or int(digits) > MAX_WIDTH


_DIGITS = re.compile(r"\d+")
# A %-conversion: the escaped "%%", or "%", a mapping key, flags, a width and a precision (each a number or *).
_PERCENT = re.compile(r"%%|%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_spec(spec: str) -> None:
    """A ``str.format`` spec, its nested fields already filled in (``>200000000``): no number in it over the
    limit (the fill character may be a digit; it is never a large one)."""
    if any(_too_big(digits) for digits in _DIGITS.findall(spec)):
        raise _too_wide()


def _check_percent(text: object) -> None:
    """A %-format: no width or precision over the limit, nor one taken from the arguments (``*``)."""
    if not isinstance(text, str) or "%" not in text:
        return
    for match in _PERCENT.finditer(text):
        for part in match.groups():
            if part == "*" or (part and _too_big(part)):
                raise _too_wide()


def _check_replace(text: str, old: object, new: object, count: object = -1) -> None:
    old_text, new_text = soft_str(old), soft_str(new)
    if len(new_text) <= len(old_text):
        return
    times = text.count(old_text) if old_text else len(text) + 1
    if _is_int(count) and count >= 0:
        times = min(times, count)
    _check_length(len(text) + times * (len(new_text) - len(old_text)))


# --- str methods a template can call, each checked before it runs -------------------------------------------

Arguments = tuple[tuple[Any, ...], dict[str, Any]]


def _padding(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    _check_width(args[0] if args else kwargs.get("width"), len(text))
    return args, kwargs


def _expandtabs(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    size = args[0] if args else kwargs.get("tabsize", 8)
    if _is_int(size):
        _check_length(len(text) + text.count("\t") * max(size, 0))
    return args, kwargs


def _replace_method(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    if len(args) >= 2:
        _check_replace(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    return args, kwargs


def _join_method(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    if args:
        items = list(args[0])  # counted once, then joined: an iterator can be read only once
        _check_length(len(text) * max(len(items) - 1, 0) + sum(len(i) for i in items if isinstance(i, str)))
        args = (items, *args[1:])
    return args, kwargs


def _translate(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    table = args[0] if args else None
    if isinstance(table, dict):
        longest = max((len(value) for value in table.values() if isinstance(value, str)), default=1)
        _check_length(len(text) * longest)
    return args, kwargs


_METHOD_CHECKS: dict[str, Callable[[str, tuple[Any, ...], dict[str, Any]], Arguments]] = {
    "center": _padding,
    "ljust": _padding,
    "rjust": _padding,
    "zfill": _padding,
    "expandtabs": _expandtabs,
    "replace": _replace_method,
    "join": _join_method,
    "translate": _translate,
}


class _Formatter(SandboxedFormatter):
    """``str.format`` in the sandbox, refusing a huge width or precision before it pads anything."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_spec(format_spec)
        return super().format_field(value, format_spec)


class _EscapeFormatter(_Formatter, EscapeFormatter):
    pass


# --- filters and globals, each checked before it runs -------------------------------------------------------


def _center(value: Any, width: int = 80) -> str:
    _check_width(width, len(soft_str(value)))
    return do_center(value, width)


def _indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    unit = len(width) if isinstance(width, str) else width
    if _is_int(unit):
        _check_length(len(s) + (soft_str(s).count("\n") + 2) * max(unit, 0))
    return do_indent(s, width, first, blank)


@pass_eval_context
def _replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
    _check_replace(soft_str(s), old, new, -1 if count is None else count)
    return do_replace(eval_ctx, s, old, new, count)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _check_percent(soft_str(value))
    return do_format(value, *args, **kwargs)


@pass_eval_context
def _join(eval_ctx: Any, value: Any, d: str = "", attribute: str | int | None = None) -> str:
    items = list(value)
    _check_length(len(soft_str(d)) * max(len(items) - 1, 0))
    return sync_do_join(eval_ctx, items, d, attribute)


@pass_environment
def _wordwrap(
    environment: Any,
    s: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    wrap = environment.newline_sequence if wrapstring is None else wrapstring
    text = soft_str(s)
    if _is_int(width):
        lines = len(text) // max(width, 1) + text.count(" ") + text.count("\n") + 1
        _check_length(len(text) + len(soft_str(wrap)) * lines)
    return do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    if fill_with is not None:
        _check_parts(linecount)
    return do_batch(value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    _check_parts(slices)
    return sync_do_slice(value, slices, fill_with)


@pass_eval_context
def _tojson(eval_ctx: Any, value: Any, indent: int | str | None = None) -> Markup:
    size = len(indent) if isinstance(indent, str) else indent
    if _is_int(size) and size > MAX_JSON_INDENT:
        raise _too_wide(MAX_JSON_INDENT)
    return do_tojson(eval_ctx, value, indent)  # type: ignore[arg-type]


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    if n > MAX_LIPSUM_PARAGRAPHS or min > MAX_LIPSUM_WORDS or max > MAX_LIPSUM_WORDS:
        raise TooMuch(
            Message(
                gettext_noop("lipsum() gives at most %(max)d paragraphs of at most %(words)d words"),
                {"max": MAX_LIPSUM_PARAGRAPHS, "words": MAX_LIPSUM_WORDS},
            )
        )
    return generate_lorem_ipsum(n, html, min, max)


_LOOP_ITEMS = "_salesguide_loop_items"


@pass_context
def _counted_range(context: Context, *args: int) -> range:
    """Jinja's safe range (at most 100,000 numbers), counting the numbers of every range of the fill-in: a loop
    of loops is refused at once, not when the time budget runs out."""
    numbers = safe_range(*args)
    used = getattr(context, _LOOP_ITEMS, 0) + len(numbers)
    if used > MAX_LOOP_ITEMS:
        raise TooMuch(
            Message(
                gettext_noop("its loops over range() run too often (more than %(max)d times in all)"),
                {"max": MAX_LOOP_ITEMS},
            )
        )
    setattr(context, _LOOP_ITEMS, used)
    return numbers


_CHECKED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _center,
    "indent": _indent,
    "replace": _replace,
    "format": _format,
    "join": _join,
    "wordwrap": _wordwrap,
    "batch": _batch,
    "slice": _slice,
    "tojson": _tojson,
}


def _bounded_concat(parts: Iterable[str]) -> str:
    """What a template renders, joined, refused as soon as it outgrows the output budget: building the whole
    text first would spend the memory the budget is there to save."""
    limit = budget.current().output_bytes
    pieces, length = [], 0
    for part in parts:
        length += len(part)
        if length > limit:
            raise TooMuch(budget.too_large().message)
        pieces.append(part)
    return "".join(pieces)


class DocumentSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    concat = staticmethod(_bounded_concat)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _counted_range
        self.globals["lipsum"] = _lipsum
        self.filters.update(_CHECKED_FILTERS)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise TooMuch(Message(gettext_noop("the power is too large (at most %(max)d)"), {"max": MAX_EXPONENT}))
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and _is_int(count) and len(sequence) * count > MAX_REPEAT:
                    raise _too_long(MAX_REPEAT)
        if operator == "%":
            _check_percent(left)
        if operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _check_length(len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja wraps ``str.format`` here, at access, so that every call of it is sandboxed; the other str
        methods that can make a huge text from a short one are wrapped here too, with their check."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType):
            return None
        owner = getattr(value, "__self__", None)
        if not isinstance(owner, str):
            return None
        name = value.__name__
        if name in ("format", "format_map"):
            return self._checked_format(owner, value)
        check = _METHOD_CHECKS.get(name)
        if check is None:
            return None

        def checked(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = check(owner, args, kwargs)
            return value(*args, **kwargs)

        return update_wrapper(checked, value)

    def _checked_format(self, owner: str, value: Any) -> Callable[..., str]:
        formatter = _EscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) else _Formatter(self)
        str_type = type(owner)
        is_format_map = value.__name__ == "format_map"

        def formatted(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return str_type(formatter.vformat(owner, args, kwargs))

        return update_wrapper(formatted, value)


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
