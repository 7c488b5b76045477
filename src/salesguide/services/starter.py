"""Loading the starter guides (SPEC 2.5) with the standard lists and templates they use.

The guides are ordinary guide files, loaded through the same import as any other (so they are checked the
same way); their document templates are built in code and added to each file before the import. Loading is
idempotent: a guide whose sale type exists (even deleted) is skipped, and a list item is created only when
no item of that name exists, so loading again never brings back what an administrator removed.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem
from salesguide.models import ActivityType, Competitor, Reason, SaleType
from salesguide.services import lists
from salesguide.services.guide_files import dump_yaml, import_guide_unchecked
from salesguide.starter import STARTER_DIR
from salesguide.starter.templates import StarterTemplate, starter_templates

LANGUAGES = ("nl", "en")


def default_language() -> str:
    """The installation's language (settings.LANGUAGE_CODE) decides which starter guides load by default."""
    language = str(settings.LANGUAGE_CODE).split("-")[0].lower()
    return language if language in LANGUAGES else "en"


def _check_language(language: str) -> None:
    problems: list[FieldProblem] = rules.choice_problems(language, LANGUAGES, ("language",))
    rules.raise_if_problems(problems)


def starter_guide_paths(language: str) -> list[Path]:
    _check_language(language)
    return sorted((STARTER_DIR / language).glob("*.guide.yaml"))


def _template_entry(template: StarterTemplate) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": template.name, "kind": template.kind, "format": template.format}
    if template.format == "docx":
        entry["filename"] = template.filename
        entry["content_base64"] = base64.encodebytes(template.content).decode("ascii")
    else:
        entry["body"] = template.body
    return entry


def starter_guide_text(path: Path, language: str) -> str:
    """The complete guide file of a starter guide: the file with the starter templates it uses added."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    templates = starter_templates(language)
    defined = {rules.normalized_name(t["name"]) for t in data.get("document_templates") or []}
    used = dict.fromkeys(d["template"] for stage in data["stages"] for d in stage.get("documents") or [])
    data["document_templates"] = list(data.get("document_templates") or []) + [
        _template_entry(templates[name])
        for name in used
        if name in templates and rules.normalized_name(name) not in defined
    ]
    return dump_yaml(data)


def _load_lists(language: str) -> None:
    data = yaml.safe_load((STARTER_DIR / language / "lists.yaml").read_text(encoding="utf-8"))
    for item in data["activity_types"]:
        if not ActivityType.objects.filter(name__iexact=item["name"]).exists():
            ActivityType.objects.create(
                name=item["name"],
                kind=item["kind"],
                default_duration_minutes=item["default_duration_minutes"],
                rank=lists.next_rank(ActivityType.objects.all()),
            )
    for kind, names in data["reasons"].items():
        for name in names:
            if not Reason.objects.filter(name__iexact=name, kind=kind).exists():
                rank = lists.next_rank(Reason.objects.filter(kind=kind))
                Reason.objects.create(name=name, kind=kind, rank=rank)
    for name in data["competitors"]:
        if not Competitor.objects.filter(name__iexact=name).exists():
            Competitor.objects.create(name=name, rank=lists.next_rank(Competitor.objects.all()))


@transaction.atomic
def load_starter_guides(language: str | None = None) -> list[SaleType]:
    """Load the starter guides of ``language`` (default: the installation's) with the lists they use.

    Returns the sale types created now: empty when every guide was already there. All or nothing: if one
    guide cannot be imported (say an existing stage of the same name has another probability), nothing is
    loaded and ValidationFailed lists the problems."""
    language = language or default_language()
    paths = starter_guide_paths(language)
    _load_lists(language)
    loaded = []
    for path in paths:
        name = yaml.safe_load(path.read_text(encoding="utf-8"))["sale_type"]["name"]
        if SaleType.objects.filter(name__iexact=name).exists():
            continue
        loaded.append(import_guide_unchecked(starter_guide_text(path, language)))
    return loaded
