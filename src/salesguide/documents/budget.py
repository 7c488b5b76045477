"""Filling in a template within a budget of time, memory and output, in a child process.

Jinja's sandbox keeps a template from reaching out of it, not from spending: a loop of loops, or a string
formatted two hundred million characters wide, would hold a server worker for as long as it likes (and, inside
C code that holds the GIL, every thread of it). The sandbox refuses the known cheap ways (``sandbox``); this
module bounds everything else. Each fill-in runs in a child process with an address-space and a CPU-time limit
(``setrlimit``) and is killed when it has not answered within the wall-clock budget. The caller only waits on a
pipe, so its other threads go on answering requests.

The children are forked from a *forkserver*: a small process started once per server process, before it holds
threads, database connections or request state, with only the rendering code imported. A child therefore
inherits no database connection to close or corrupt (SQLite or PostgreSQL, test database or not): facts go in,
a file or a fault comes out, and the database is read and written by the caller alone.
"""

from __future__ import annotations

import math
import multiprocessing
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from salesguide.domain.errors import Message, gettext_noop

T = TypeVar("T")

MB = 1024 * 1024


@dataclass(frozen=True)
class Budget:
    """What one fill-in may spend: wall-clock seconds, address space, and the size of what it makes (a Word
    file measured unpacked, so that text that compresses well is counted at its real size)."""

    seconds: float = 5.0
    memory_bytes: int = 512 * MB
    output_bytes: int = 20 * MB


# The budget every fill-in gets. A module value rather than a setting: ``documents`` knows no Django.
BUDGET = Budget()

# What the forkserver imports once, so that a child starts with it loaded (a few milliseconds per fill-in).
# ``__main__`` too, as multiprocessing does by default: a child then does not import the main script again
# (``python -m gunicorn`` or ``python -m pytest`` are left alone; a console script is imported once, guarded by
# its ``if __name__ == "__main__"``).
_PRELOAD = ["__main__", "salesguide.documents.render", "salesguide.documents.preview", "salesguide.documents.merge"]

# The budget of the fill-in running in this process: set in a child; elsewhere BUDGET.
_current: Budget | None = None


class OverBudget(Exception):
    """A fill-in spent more than its budget; ``message`` says which part, as the end of a sentence."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,))


def current() -> Budget:
    """The budget of the fill-in running now (a child's, when called inside one)."""
    return _current or BUDGET


def seconds_text(seconds: float) -> str:
    return f"{seconds:g}"


def too_slow(spent: Budget) -> OverBudget:
    return OverBudget(
        Message(
            gettext_noop("it takes longer than %(seconds)s seconds to fill in; a loop probably runs too often"),
            {"seconds": seconds_text(spent.seconds)},
        )
    )


def too_greedy(spent: Budget) -> OverBudget:
    return OverBudget(
        Message(gettext_noop("it needs more than %(max)d MB of memory"), {"max": spent.memory_bytes // MB})
    )


def too_large(spent: Budget | None = None) -> OverBudget:
    spent = spent or current()
    return OverBudget(
        Message(
            gettext_noop("the filled-in document would be larger than %(max)d MB"), {"max": spent.output_bytes // MB}
        )
    )


def _stopped() -> OverBudget:
    return OverBudget(Message(gettext_noop("filling it in stopped unexpectedly")))


@cache
def _context() -> BaseContext:
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # a platform without fork: a fresh interpreter per fill-in, slower but as safe
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _limit(spent: Budget) -> None:
    """Limits of this (child) process; a hard limit lower than ours is kept."""

    def lower(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))

    lower(resource.RLIMIT_AS, spent.memory_bytes)
    # A little over the wall clock: the parent kills the child first; this catches a parent that cannot.
    lower(resource.RLIMIT_CPU, math.ceil(spent.seconds) + 2)
    lower(resource.RLIMIT_CORE, 0)


def _child(sending: Connection, spent: Budget, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _current
    _current = spent
    try:
        _limit(spent)
        outcome: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as error:
        outcome = ("raised", error)
    try:
        sending.send(outcome)
    except MemoryError:
        sending.send(("memory", None))
    except Exception as error:  # an exception that does not pickle: say what it was
        sending.send(("raised", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        sending.close()


def run(function: Callable[..., T], *args: Any, seconds: float | None = None) -> T:
    """``function(*args)`` in a child process within ``BUDGET`` (at most ``seconds`` when given); raises
    ``OverBudget``, or what the function raised. ``function`` must be importable by name (a module-level
    function) and its arguments picklable."""
    spent = BUDGET if seconds is None else replace(BUDGET, seconds=min(seconds, BUDGET.seconds))
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sending, spent, function, args), daemon=True)  # type: ignore[attr-defined]
    try:
        process.start()
    except BaseException:
        receiving.close()
        raise
    finally:
        sending.close()  # the child holds its own end; ours would keep the pipe open after the child died
    try:
        outcome: tuple[str, Any] = ("timeout", None)
        if receiving.poll(spent.seconds):
            try:
                outcome = receiving.recv()
            except EOFError:  # the child died without answering: a limit killed it
                outcome = ("died", None)
    finally:
        receiving.close()
        if process.is_alive():
            process.kill()
        process.join()
    kind, value = outcome
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "raised":
        raise value
    if kind == "memory":
        raise too_greedy(spent)
    if kind == "timeout" or process.exitcode == -signal.SIGXCPU:
        raise too_slow(spent)
    if process.exitcode == -signal.SIGKILL:  # the kernel's out-of-memory killer
        raise too_greedy(spent)
    raise _stopped()
