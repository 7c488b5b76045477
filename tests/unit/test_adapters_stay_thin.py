"""The gate that keeps the doors thin (issue 8): web pages, the API and the command line parse, call one service
or query, and render. They never open a transaction and never write through a model; only ``services/`` does.

import-linter cannot forbid a submodule of an external package (``django.db.transaction``), so this reads the
adapters' source with ``ast`` instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "salesguide"
ADAPTERS = ("web", "api", "cli", "management")
# Methods that write rows on a manager or a queryset; ``update`` and ``create`` are also names of dict methods
# and of our own services (``r.create(actor, payload)``), so they count only on a manager or queryset chain.
QUERYSET_WRITES = {"create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "delete"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "_default_manager"}


def _adapter_modules() -> list[Path]:
    return sorted(path for name in ADAPTERS for path in (SRC / name).rglob("*.py"))


def _chain(node: ast.expr) -> set[str]:
    """The attribute and call names a receiver expression is made of (``Sale.objects.filter(...)``)."""
    names: set[str] = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        else:
            return names


def problems_in(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db":
            found += [f"line {node.lineno}: imports transaction" for a in node.names if a.name == "transaction"]
        elif isinstance(node, ast.ImportFrom) and node.module == "django.db.transaction":
            found.append(f"line {node.lineno}: imports from django.db.transaction")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name == "django.db.transaction"]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            on_queryset = method in QUERYSET_WRITES and bool(_chain(node.func.value) & QUERYSET_HINTS)
            # A model instance's save() and delete() take no positional arguments (``router.delete(path)`` does).
            on_instance = method in {"save", "delete"} and not node.args
            if on_queryset or on_instance:
                found.append(f"line {node.lineno}: calls .{method}()")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from django.db import transaction", ["line 1: imports transaction"]),
        ("import django.db.transaction", ["line 1: imports django.db.transaction"]),
        ("Sale.objects.filter(pk=1).update(title='x')", ["line 1: calls .update()"]),
        ("sale.save()", ["line 1: calls .save()"]),
        ("Activity.objects.create(title='x')", ["line 1: calls .create()"]),
        ("sale.delete()", ["line 1: calls .delete()"]),
        ("Sale.objects.filter(pk=1).delete()", ["line 1: calls .delete()"]),
        ("context.update({'a': 1})", []),
        ("router.delete('/sales/{id}')", []),
        ("services.sales.update_sale(actor, 1, version=2)", []),
    ],
)
def test_the_gate_finds_what_it_looks_for(source: str, expected: list[str]) -> None:
    assert problems_in(source) == expected


@pytest.mark.parametrize("path", _adapter_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_an_adapter_neither_opens_a_transaction_nor_writes_through_a_model(path: Path) -> None:
    assert problems_in(path.read_text(encoding="utf-8")) == []
