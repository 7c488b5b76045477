"""What importing a guide file (SPEC 2.8) into an installation would do: reuse by name, create what is
missing, and report what clashes (a stage of the same name with another probability is a problem, never overwritten).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem, Message, gettext_noop
from salesguide.domain.guide_file import GuideActivityType, GuideFile, GuideStage, GuideTemplate, Loc


@dataclass(frozen=True)
class ExistingStage:
    name: str
    probability: int
    description: str = ""


@dataclass(frozen=True)
class ExistingActivityType:
    name: str
    kind: str


@dataclass(frozen=True)
class Installation:
    """What an import needs to know of the installation: its live items, by name."""

    stages: Sequence[ExistingStage] = ()
    activity_types: Sequence[ExistingActivityType] = ()
    template_names: Sequence[str] = ()
    sale_type_names: Sequence[str] = ()
    category_names: Sequence[str] = ()


@dataclass(frozen=True)
class ImportPlan:
    """What an import would reuse and create. Existing items are named as the installation spells them."""

    problems: tuple[FieldProblem, ...] = ()
    stages_to_reuse: tuple[str, ...] = ()
    stages_to_create: tuple[GuideStage, ...] = ()
    activity_types_to_reuse: tuple[str, ...] = ()
    activity_types_to_create: tuple[GuideActivityType, ...] = ()
    templates_to_reuse: tuple[str, ...] = ()
    templates_to_create: tuple[GuideTemplate, ...] = ()
    category_to_reuse: str | None = None
    category_to_create: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(loc: Loc, text: str, **params: Any) -> FieldProblem:
    return FieldProblem(loc, Message(text, params))


def _by_name(names: Iterable[str]) -> dict[str, str]:
    return {rules.normalized_name(n): n for n in names}


def _duplicates(names: Sequence[str], loc: str, text: str) -> list[FieldProblem]:
    seen: set[str] = set()
    problems = []
    for index, name in enumerate(names):
        if not name:
            continue
        key = rules.normalized_name(name)
        if key in seen:
            problems.append(_problem((loc, index, "name"), text, name=name))
        seen.add(key)
    return problems


def _existing_among(names: Iterable[str], live: Mapping[str, str]) -> tuple[str, ...]:
    """The live items ``names`` refer to, once each, in order of first mention."""
    found: dict[str, str] = {}
    for name in names:
        key = rules.normalized_name(name)
        if name and key in live:
            found.setdefault(key, live[key])
    return tuple(found.values())


def plan_import(guide: GuideFile, existing: Installation) -> ImportPlan:
    """Check ``guide`` against the installation and say what to reuse and what to create.

    Names match case-insensitively. An existing stage is reused only with the same probability: a stage of
    that name with another probability is a problem to report, never something to overwrite (SPEC 2.8)."""
    problems: list[FieldProblem] = []
    sale_type = guide.sale_type
    if sale_type.name and rules.normalized_name(sale_type.name) in _by_name(existing.sale_type_names):
        text = gettext_noop("There is already a sale type named “%(name)s”.")
        problems.append(_problem(("sale_type", "name"), text, name=sale_type.name))
    if sale_type.has_guide and len(guide.stages) < rules.MIN_GUIDE_STAGES:
        problems.append(
            _problem(
                ("sale_type", "has_guide"),
                gettext_noop("A guide needs at least %(min)d stages; this sale type has %(count)d."),
                min=rules.MIN_GUIDE_STAGES,
                count=len(guide.stages),
            )
        )
    problems += _duplicates(
        [s.name for s in guide.stages],
        "stages",
        gettext_noop("The stage “%(name)s” appears more than once in this file."),
    )
    problems += _duplicates(
        [a.name for a in guide.activity_types],
        "activity_types",
        gettext_noop("The activity type “%(name)s” appears more than once in this file."),
    )
    problems += _duplicates(
        [t.name for t in guide.document_templates],
        "document_templates",
        gettext_noop("The document template “%(name)s” appears more than once in this file."),
    )

    live_stages = {rules.normalized_name(s.name): s for s in existing.stages}
    stages_to_reuse: list[str] = []
    stages_to_create: list[GuideStage] = []
    planned: set[str] = set()
    for index, stage in enumerate(guide.stages):
        key = rules.normalized_name(stage.name)
        if not stage.name or key in planned:
            continue
        planned.add(key)
        found = live_stages.get(key)
        if found is None:
            stages_to_create.append(stage)
            continue
        stages_to_reuse.append(found.name)
        if stage.probability is not None and stage.probability != found.probability:
            problems.append(
                _problem(
                    ("stages", index, "probability"),
                    gettext_noop(
                        "The stage “%(name)s” already exists with probability %(existing)d%%; this file "
                        "gives it %(value)d%%. Use the same probability, or another stage name."
                    ),
                    name=found.name,
                    existing=found.probability,
                    value=stage.probability,
                )
            )

    live_types = _by_name(a.name for a in existing.activity_types)
    file_types = {rules.normalized_name(a.name): a for a in guide.activity_types if a.name}
    live_templates = _by_name(existing.template_names)
    file_templates = {rules.normalized_name(t.name): t for t in guide.document_templates if t.name}
    types_used = [a.name for a in guide.activity_types if a.name]
    templates_used = [t.name for t in guide.document_templates if t.name]
    for index, stage in enumerate(guide.stages):
        for number, followup in enumerate(stage.followups):
            types_used.append(followup.activity_type)
            key = rules.normalized_name(followup.activity_type)
            if followup.activity_type and key not in live_types and key not in file_types:
                problems.append(
                    _problem(
                        ("stages", index, "followups", number, "activity_type"),
                        gettext_noop("The activity type “%(name)s” is neither in this file nor in this installation."),
                        name=followup.activity_type,
                    )
                )
        for number, document in enumerate(stage.documents):
            templates_used.append(document.template)
            key = rules.normalized_name(document.template)
            if document.template and key not in live_templates and key not in file_templates:
                problems.append(
                    _problem(
                        ("stages", index, "documents", number, "template"),
                        gettext_noop(
                            "The document template “%(name)s” is neither in this file nor in this installation."
                        ),
                        name=document.template,
                    )
                )

    categories = _by_name(existing.category_names)
    category_key = rules.normalized_name(sale_type.category) if sale_type.category else None
    return ImportPlan(
        problems=tuple(problems),
        stages_to_reuse=tuple(stages_to_reuse),
        stages_to_create=tuple(stages_to_create),
        activity_types_to_reuse=_existing_among(types_used, live_types),
        activity_types_to_create=tuple(a for k, a in file_types.items() if k not in live_types),
        templates_to_reuse=_existing_among(templates_used, live_templates),
        templates_to_create=tuple(t for k, t in file_templates.items() if k not in live_templates),
        category_to_reuse=categories.get(category_key) if category_key else None,
        category_to_create=sale_type.category if category_key and category_key not in categories else None,
    )
