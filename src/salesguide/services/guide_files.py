"""Guides as files (SPEC 2.8): export a sale type's guide to YAML, and import one all-or-nothing.

The rules of what a file may hold and what an import reuses or creates are pure (domain/guide_file.py); here
the YAML is written and parsed, problems get their line in the file, and the rows are written.

The file, version 1 (keys in the order the export writes them; on import, optional keys may be left out)::

    salesguide_guide: 1
    sale_type: {name, description, category, duration, duration_unit, has_guide, auto_advance,
                probability_policy, exit_criteria}
    stages:
    - {name, probability, description, expected_days,
       followups: [{name, purpose, activity_type, days_offset, duration_minutes, text, auto_suggest, required}],
       documents: [{name, purpose, template, subject, our_reference, required}]}
    activity_types: [{name, kind, default_duration_minutes}]         # those the guide uses
    document_templates: [{name, kind, format, filename, content_base64}  # a .docx, base64 in 76-char lines
                         | {name, kind, format, body}]                    # html / text

Stages, activity types and templates are referred to by name and matched case-insensitively with the live
ones of the installation: an existing one is reused, a missing one created (new stages at the end of the
stage list). The same data always gives the same bytes, so export → import → export is byte-identical.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from salesguide.domain import catalog as rules
from salesguide.domain import guide_file as gf
from salesguide.domain import guide_import as gi
from salesguide.domain.errors import (
    DuplicateName,
    FieldProblem,
    Message,
    NotFound,
    ValidationFailed,
    gettext_noop,
)
from salesguide.models import (
    ActivityType,
    Category,
    DocumentTemplate,
    SaleType,
    SaleTypeStage,
    Stage,
    SuggestedDocument,
    SuggestedFollowup,
    TemplateFormat,
    User,
)
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import lists
from salesguide.services.permissions import require_admin
from salesguide.services.templates import docx_problems, template_content

# --- writing YAML -------------------------------------------------------------------------------------------


class _GuideDumper(yaml.SafeDumper):
    """Block style, literal blocks for multi-line text: a file people can read and diff."""


# YAML reads these as line breaks; written raw they would come back changed, so such text is double-quoted,
# where the emitter escapes them.
_OTHER_LINE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if any(mark in value for mark in _OTHER_LINE_BREAKS):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_GuideDumper.add_representer(str, _represent_text)


def dump_yaml(data: Any) -> str:
    """The one way guide files are written, so the same data always gives the same bytes."""
    return yaml.dump(
        data,
        Dumper=_GuideDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        line_break="\n",
    )


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def _first_used(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _template_entry(template: DocumentTemplate) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": template.name, "kind": template.kind, "format": template.format}
    if template.format == TemplateFormat.DOCX:
        filename = template.original_filename or PurePath(template.file.name or "template.docx").name
        entry["filename"] = filename
        try:
            content = template_content(template)
        except OSError:
            # The stored file is gone (say, a lost media directory): export the rest rather than fail; the
            # import of such a file names the missing document.
            content = b""
        # 76-character lines, as MIME has them: the file stays diffable and the text identical every time.
        entry["content_base64"] = base64.encodebytes(content).decode("ascii")
    else:
        entry["body"] = _text(template.body)
    return entry


def guide_file_data(sale_type: SaleType) -> dict[str, Any]:
    """The guide of ``sale_type`` as the structure a guide file holds, keys in the order they are written."""
    guide = guide_of_sale_type(sale_type)
    followups = [f for stage in guide.stages for f in stage.followups]
    documents = [d for stage in guide.stages for d in stage.documents]
    activity_types = ActivityType.objects.in_bulk(_first_used(f.activity_type_id for f in followups))
    templates = DocumentTemplate.objects.in_bulk(_first_used(d.template_id for d in documents))
    return {
        gf.FORMAT_KEY: gf.FORMAT_VERSION,
        "sale_type": {
            "name": sale_type.name,
            "description": _text(sale_type.description),
            "category": sale_type.category.name if sale_type.category else None,
            "duration": sale_type.duration,
            "duration_unit": sale_type.duration_unit,
            "has_guide": sale_type.has_guide,
            "auto_advance": sale_type.auto_advance,
            "probability_policy": sale_type.probability_policy,
            "exit_criteria": sale_type.exit_criteria,
        },
        "stages": [
            {
                "name": stage.name,
                "probability": stage.probability,
                "description": _text(stage.description),
                "expected_days": stage.expected_days,
                "followups": [
                    {
                        "name": f.name,
                        "purpose": _text(f.purpose),
                        "activity_type": f.activity_type_name,
                        "days_offset": f.days_offset,
                        "duration_minutes": f.duration_minutes,
                        "text": _text(f.text),
                        "auto_suggest": f.auto_suggest,
                        "required": f.required,
                    }
                    for f in stage.followups
                ],
                "documents": [
                    {
                        "name": d.name,
                        "purpose": _text(d.purpose),
                        "template": d.template_name,
                        "subject": d.subject,
                        "our_reference": d.our_reference,
                        "required": d.required,
                    }
                    for d in stage.documents
                ],
            }
            for stage in guide.stages
        ],
        "activity_types": [
            {"name": a.name, "kind": a.kind, "default_duration_minutes": a.default_duration_minutes}
            for a in (activity_types[i] for i in _first_used(f.activity_type_id for f in followups))
        ],
        "document_templates": [_template_entry(templates[i]) for i in _first_used(d.template_id for d in documents)],
    }


def export_guide(sale_type: SaleType) -> str:
    """The guide of ``sale_type`` as a YAML guide file. Export → import → export gives the same text."""
    return dump_yaml(guide_file_data(sale_type))


def find_sale_type(reference: str | int) -> SaleType:
    """A sale type by id or by name (case-insensitive; live ones first), for the command line."""
    text = str(reference).strip()
    found = None
    if text.isdigit():
        found = SaleType.objects.filter(pk=int(text)).first()
    if found is None:
        matches = SaleType.objects.filter(name__iexact=text).order_by("deleted", "id")
        found = matches.first()
    if found is None:
        raise NotFound(Message(gettext_noop("There is no sale type “%(name)s”."), {"name": text}))
    return found


# --- reading YAML, with lines -------------------------------------------------------------------------------

# libyaml's parser when it is installed (much faster on the base64 of Word templates); both read the same.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark_of(root: yaml.Node | None, loc: tuple[str | int, ...]) -> Any:
    """Where ``loc`` is in the file: the key of a value or the item of a list, else its nearest parent."""
    if root is None:
        return None
    node, mark = root, root.start_mark
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                    node, mark = value, key.start_mark
                    break
            else:
                return node.start_mark
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            mark = node.start_mark
        else:
            return mark
    return mark


def _with_line(problem: FieldProblem, mark: Any) -> FieldProblem:
    if mark is None:
        return problem
    return FieldProblem(problem.loc, gf.at_line(problem.message, mark.line + 1, mark.column + 1))


def _duplicate_keys(node: yaml.Node | None, loc: tuple[str | int, ...] = ()) -> list[FieldProblem]:
    """YAML loaders keep the last of two equal keys without a word; a guide file may not have them."""
    problems: list[FieldProblem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            if name in seen:
                message = Message(gettext_noop("The key “%(key)s” appears twice here."), {"key": name})
                problem = FieldProblem((*loc, name), message)
                problems.append(_with_line(problem, key.start_mark))
            seen.add(name)
            problems += _duplicate_keys(value, (*loc, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _duplicate_keys(item, (*loc, index))
    return problems


MAX_FILE_BYTES = 20 * 1024 * 1024


def _alias_problem(root: yaml.Node | None) -> list[FieldProblem]:
    """Refuse YAML aliases (``*name``): a guide file never needs them, and nested aliases let a few lines
    expand into billions of items (the "billion laughs")."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            message = Message(gettext_noop("YAML aliases (*name) are not allowed in a guide file."))
            return [_with_line(FieldProblem((), message), node.start_mark)]
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return []


@dataclass
class _Open:
    """A mapping or list the parser is inside of: where it is in the file, and what it has read so far."""

    is_list: bool
    loc: tuple[str | int, ...] | None  # None inside a key (a key that is itself a mapping or list)
    limit: int | None = None
    count: int = 0
    at_key: bool = True
    key: str | None = None

    def place_of_next(self) -> tuple[str | int, ...] | None:
        if self.loc is None:
            return None
        if self.is_list:
            return (*self.loc, self.count)
        return None if self.at_key or self.key is None else (*self.loc, self.key)


def _count_problems(text: str) -> list[FieldProblem]:
    """Count the file's lists and entries as the parser reads it, before anything is built, and stop at the first
    item over a limit of the format (``domain/guide_file``): a file of 700,000 stages is refused after reading
    fifty-one of them, in milliseconds, instead of being built into 700,000 of everything first."""
    loader = _SafeLoader(text)
    opened: list[_Open] = []
    entries = 0
    try:
        while not isinstance(event := loader.get_event(), yaml.DocumentEndEvent | yaml.StreamEndEvent):
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                opened.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            entries += 1
            if entries > gf.MAX_ENTRIES:
                return [_with_line(gf.too_many_entries(), event.start_mark)]
            parent = opened[-1] if opened else None
            loc: tuple[str | int, ...] | None = parent.place_of_next() if parent else ()
            if parent is not None and parent.is_list:
                parent.count += 1
                if parent.loc is not None and (problem := gf.too_many(parent.loc, parent.count)):
                    return [_with_line(problem, event.start_mark)]
            elif parent is not None:
                if parent.at_key:
                    parent.key = event.value if isinstance(event, yaml.ScalarEvent) else None
                parent.at_key = not parent.at_key
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                is_list = isinstance(event, yaml.SequenceStartEvent)
                opened.append(_Open(is_list, loc, gf.list_limit(loc) if is_list and loc is not None else None))
    except yaml.YAMLError:
        return []  # reported with its line when the file is composed
    finally:
        loader.dispose()
    return []


def _parse(text: str | bytes) -> tuple[Any, yaml.Node | None]:
    if len(text) > MAX_FILE_BYTES:
        message = Message(
            gettext_noop("The file is too large (at most %(max)d MB)."), {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
        raise ValidationFailed([FieldProblem((), message)])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed([FieldProblem((), Message(gettext_noop("The file is not UTF-8 text.")))]) from None
    if counted := _count_problems(text):
        raise ValidationFailed(counted)
    loader = _SafeLoader(text)
    try:
        # Compose once and build the data from the nodes: the nodes give each problem its line.
        root = loader.get_single_node()
        if aliases := _alias_problem(root):
            raise ValidationFailed(aliases)
        return (loader.construct_document(root) if root is not None else None), root
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        detail = getattr(error, "problem", None) or str(error)
        message = Message(gettext_noop("The file is not valid YAML: %(problem)s."), {"problem": detail})
        raise ValidationFailed([_with_line(FieldProblem((), message), mark)]) from None
    finally:
        loader.dispose()


def _installation() -> gi.Installation:
    return gi.Installation(
        stages=[
            gi.ExistingStage(name, probability, description)
            for name, probability, description in Stage.objects.filter(deleted=False).values_list(
                "name", "probability", "description"
            )
        ],
        activity_types=[
            gi.ExistingActivityType(name, kind)
            for name, kind in ActivityType.objects.filter(deleted=False).values_list("name", "kind")
        ],
        template_names=list(DocumentTemplate.objects.filter(deleted=False).values_list("name", flat=True)),
        sale_type_names=list(SaleType.objects.filter(deleted=False).values_list("name", flat=True)),
        category_names=list(Category.objects.filter(deleted=False).values_list("name", flat=True)),
    )


def _template_problems(guide: gf.GuideFile, plan: gi.ImportPlan) -> list[FieldProblem]:
    creating = {id(t) for t in plan.templates_to_create}
    problems = []
    for index, template in enumerate(guide.document_templates):
        if id(template) in creating and template.format == TemplateFormat.DOCX and template.content:
            problems += docx_problems(
                template.content, template.filename, ("document_templates", index, "content_base64")
            )
    return problems


def check_guide_file(text: str | bytes) -> tuple[gf.GuideFile, gi.ImportPlan]:
    """Everything an import would do, or ValidationFailed listing every problem with its line."""
    data, root = _parse(text)
    guide, problems = gf.inspect_guide_file(data)
    plan = gi.plan_import(guide, _installation()) if guide is not None else None
    if guide is not None and plan is not None:
        problems += plan.problems
        problems += _template_problems(guide, plan)
    located = [_with_line(p, _mark_of(root, p.loc)) for p in problems] + _duplicate_keys(root)
    if located or guide is None or plan is None:

        def line(problem: FieldProblem) -> int:
            return int(problem.message.params.get("line", 0))

        raise ValidationFailed(sorted(located, key=line))
    return guide, plan


# --- writing rows -------------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return rules.normalized_name(name)


def _live_by_name(model: type[Any], names: Iterable[str]) -> dict[str, Any]:
    wanted = {_key(n) for n in names}
    rows = model._default_manager.filter(deleted=False)
    return {_key(row.name): row for row in rows if _key(row.name) in wanted}


def _create_template(template: gf.GuideTemplate, rank: int) -> DocumentTemplate:
    row = DocumentTemplate(name=template.name, kind=template.kind, format=template.format, rank=rank)
    if template.format == TemplateFormat.DOCX:
        row.original_filename = template.filename
        row.file.save(PurePath(template.filename).name, ContentFile(template.content), save=False)
    else:
        row.body = template.body
    row.save()
    return row


def _write(guide: gf.GuideFile, plan: gi.ImportPlan) -> SaleType:
    category = None
    if plan.category_to_reuse:
        category = Category.objects.get(deleted=False, name__iexact=plan.category_to_reuse)
    elif plan.category_to_create:
        category = Category.objects.create(name=plan.category_to_create, rank=lists.next_rank(Category.objects.all()))

    stages = _live_by_name(Stage, plan.stages_to_reuse)
    rank = lists.next_rank(Stage.objects.all())
    for offset, stage in enumerate(plan.stages_to_create):
        stages[_key(stage.name)] = Stage.objects.create(
            name=stage.name,
            probability=stage.probability or 0,
            description=stage.description,
            rank=rank + offset,
        )

    activity_types = _live_by_name(ActivityType, plan.activity_types_to_reuse)
    rank = lists.next_rank(ActivityType.objects.all())
    for offset, item in enumerate(plan.activity_types_to_create):
        activity_types[_key(item.name)] = ActivityType.objects.create(
            name=item.name,
            kind=item.kind,
            default_duration_minutes=item.default_duration_minutes,
            rank=rank + offset,
        )

    templates = _live_by_name(DocumentTemplate, plan.templates_to_reuse)
    rank = lists.next_rank(DocumentTemplate.objects.all())
    for offset, template in enumerate(plan.templates_to_create):
        templates[_key(template.name)] = _create_template(template, rank + offset)

    file_sale_type = guide.sale_type
    sale_type = SaleType.objects.create(
        name=file_sale_type.name,
        description=file_sale_type.description,
        category=category,
        duration=file_sale_type.duration,
        duration_unit=file_sale_type.duration_unit,
        has_guide=file_sale_type.has_guide,
        auto_advance=file_sale_type.auto_advance,
        probability_policy=file_sale_type.probability_policy,
        exit_criteria=file_sale_type.exit_criteria,
        rank=lists.next_rank(SaleType.objects.all()),
    )
    followups: list[SuggestedFollowup] = []
    documents: list[SuggestedDocument] = []
    for position, stage in enumerate(guide.stages):
        link = SaleTypeStage.objects.create(
            sale_type=sale_type,
            stage=stages[_key(stage.name)],
            rank=position,
            expected_days=stage.expected_days,
        )
        followups += [
            SuggestedFollowup(
                link=link,
                name=f.name,
                purpose=f.purpose,
                activity_type=activity_types[_key(f.activity_type)],
                days_offset=f.days_offset,
                duration_minutes=f.duration_minutes,
                text=f.text,
                auto_suggest=f.auto_suggest,
                required=f.required,
                rank=number,
            )
            for number, f in enumerate(stage.followups)
        ]
        documents += [
            SuggestedDocument(
                link=link,
                name=d.name,
                purpose=d.purpose,
                template=templates[_key(d.template)],
                subject=d.subject,
                our_reference=d.our_reference,
                required=d.required,
                rank=number,
            )
            for number, d in enumerate(stage.documents)
        ]
    SuggestedFollowup.objects.bulk_create(followups)
    SuggestedDocument.objects.bulk_create(documents)
    return sale_type


def import_guide_unchecked(text: str | bytes) -> SaleType:
    """Import a guide file without an acting user (the operator's command line, the starter guides).

    All or nothing: everything is checked before the first row is written, and the writes share one
    transaction."""
    try:
        with transaction.atomic():
            guide, plan = check_guide_file(text)
            return _write(guide, plan)
    except IntegrityError:
        # Someone created an item of the same name between the check and the write.
        raise DuplicateName(
            Message(gettext_noop("Another change created an item of the same name meanwhile; import the file again.")),
        ) from None


def import_guide(actor: User, text: str | bytes) -> SaleType:
    """Import a guide file (admins only). Raises ValidationFailed listing every problem with its line."""
    require_admin(actor)
    return import_guide_unchecked(text)
