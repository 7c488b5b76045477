"""What a guide file (SPEC 2.8) may contain, and what importing one into an installation would do.

A guide file is YAML; the service parses it and hands the parsed structure here, so these rules stay pure and
are tested without a database. Reading is lenient on purpose: it goes on after a problem so that an import
lists every problem at once, and ``plan_import`` skips the checks whose input was already reported invalid.

Places of problems (``loc``) are paths into the file with zero-based list indexes, e.g.
``("stages", 2, "probability")`` for the third stage's probability.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem, Message, ValidationFailed, gettext_noop
from salesguide.domain.exit_criteria import ExitMode

FORMAT_KEY = "salesguide_guide"
FORMAT_VERSION = 1

TEXT_MAX_LENGTH = 255
MAX_DAYS_OFFSET = 3650
MAX_EXPECTED_DAYS = 3650
MAX_DURATION = 10_000
MAX_MINUTES = 24 * 60 * 7
TEMPLATE_FORMATS = ("docx", "html", "text")

# How much one guide file may hold: far more than any guide a person designs, few enough that reading,
# checking and importing a file stays quick (a file of 700,000 stages is refused, not read).
MAX_STAGES = 50
MAX_SUGGESTIONS_PER_STAGE = 50  # follow-ups, and documents, of one stage
MAX_ACTIVITY_TYPES = 200
MAX_TEMPLATES = 200
# Keys, values and list items of the whole file: what fits the counts above with room to spare.
MAX_ENTRIES = 100_000

Loc = tuple[str | int, ...]

# The lists with a limit, by their place in the file (``int`` for any index), with what is said when one holds
# more.
_LIST_LIMITS: dict[tuple[Any, ...], tuple[int, str]] = {
    ("stages",): (MAX_STAGES, gettext_noop("A guide file holds at most %(max)d stages.")),
    ("stages", int, "followups"): (
        MAX_SUGGESTIONS_PER_STAGE,
        gettext_noop("A stage holds at most %(max)d suggested follow-ups."),
    ),
    ("stages", int, "documents"): (
        MAX_SUGGESTIONS_PER_STAGE,
        gettext_noop("A stage holds at most %(max)d suggested documents."),
    ),
    ("activity_types",): (MAX_ACTIVITY_TYPES, gettext_noop("A guide file holds at most %(max)d activity types.")),
    ("document_templates",): (MAX_TEMPLATES, gettext_noop("A guide file holds at most %(max)d document templates.")),
}


def _shape(loc: Loc) -> tuple[Any, ...]:
    return tuple(int if isinstance(step, int) else step for step in loc)


def list_limit(loc: Loc) -> int | None:
    """How many items the list at ``loc`` may hold (``("stages", 3, "followups")``), or None for no limit."""
    limit = _LIST_LIMITS.get(_shape(loc))
    return limit[0] if limit else None


def too_many(loc: Loc, count: int) -> FieldProblem | None:
    """The problem of a list at ``loc`` holding ``count`` items, when that is more than it may."""
    limit = _LIST_LIMITS.get(_shape(loc))
    if limit is None or count <= limit[0]:
        return None
    return FieldProblem(loc, Message(limit[1], {"max": limit[0]}))


def too_many_entries() -> FieldProblem:
    return FieldProblem(
        (),
        Message(
            gettext_noop("The file holds too many entries (at most %(max)d keys, values and list items)."),
            {"max": MAX_ENTRIES},
        ),
    )


# The keys of each section, in the order the export writes them.
TOP_KEYS = (FORMAT_KEY, "sale_type", "stages", "activity_types", "document_templates")
SALE_TYPE_KEYS = (
    "name",
    "description",
    "category",
    "duration",
    "duration_unit",
    "has_guide",
    "auto_advance",
    "probability_policy",
    "exit_criteria",
)
STAGE_KEYS = ("name", "probability", "description", "expected_days", "followups", "documents")
FOLLOWUP_KEYS = (
    "name",
    "purpose",
    "activity_type",
    "days_offset",
    "duration_minutes",
    "text",
    "auto_suggest",
    "required",
)
DOCUMENT_KEYS = ("name", "purpose", "template", "subject", "our_reference", "required")
ACTIVITY_TYPE_KEYS = ("name", "kind", "default_duration_minutes")
TEMPLATE_KEYS = ("name", "kind", "format", "filename", "content_base64", "body")


# --- what a guide file holds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideSaleType:
    name: str
    description: str = ""
    category: str | None = None
    duration: int = 0
    duration_unit: str = rules.DurationUnit.DAYS.value
    has_guide: bool = True
    auto_advance: bool = False
    probability_policy: str = rules.ProbabilityPolicy.FOLLOW_STAGE.value
    exit_criteria: str = ExitMode.OFF.value


@dataclass(frozen=True)
class GuideFollowup:
    name: str
    activity_type: str
    purpose: str = ""
    days_offset: int = 0
    duration_minutes: int | None = None
    text: str = ""
    auto_suggest: bool = False
    required: bool = False


@dataclass(frozen=True)
class GuideDocument:
    name: str
    template: str
    purpose: str = ""
    subject: str = ""
    our_reference: str = ""
    required: bool = False


@dataclass(frozen=True)
class GuideStage:
    """``probability`` is None only in a file read with problems (the problem names it)."""

    name: str
    probability: int | None
    description: str = ""
    expected_days: int | None = None
    followups: tuple[GuideFollowup, ...] = ()
    documents: tuple[GuideDocument, ...] = ()


@dataclass(frozen=True)
class GuideActivityType:
    name: str
    kind: str = rules.ActivityKind.TASK.value
    default_duration_minutes: int = 30


@dataclass(frozen=True)
class GuideTemplate:
    """A document template travelling inside the file: a Word document (``content``) or a ``body``."""

    name: str
    kind: str
    format: str
    filename: str = ""
    content: bytes = b""
    body: str = ""


@dataclass(frozen=True)
class GuideFile:
    sale_type: GuideSaleType
    stages: tuple[GuideStage, ...]
    activity_types: tuple[GuideActivityType, ...] = ()
    document_templates: tuple[GuideTemplate, ...] = ()


# --- problems with a line number ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageAtLine(Message):
    """A problem message prefixed with its line in the file ("line 14: ...").

    ``params`` carries ``line`` (and ``column``) for adapters that want them, and ``problem`` already rendered
    in English for an adapter that formats ``text % params`` itself; ``render`` translates both parts.
    """

    problem: Message = field(default_factory=lambda: Message(""))

    def render(self, translate: Any = None) -> str:
        template = translate(self.text) if translate else self.text
        return template % {**self.params, "problem": self.problem.render(translate)}


def at_line(message: Message, line: int, column: int | None = None) -> MessageAtLine:
    params: dict[str, Any] = {"line": line, "problem": message.render()}
    if column is not None:
        params["column"] = column
    return MessageAtLine(gettext_noop("line %(line)d: %(problem)s"), params, problem=message)


# --- reading ----------------------------------------------------------------------------------------------


class _Problems(list[FieldProblem]):
    def add(self, loc: Loc, text: str, **params: Any) -> None:
        self.append(FieldProblem(loc, Message(text, params)))


class _Section:
    """One mapping of the file at ``loc``; reading a value records its problem and gives the default."""

    def __init__(self, values: Mapping[str, Any], loc: Loc, problems: _Problems) -> None:
        self.values, self.loc, self.problems = values, loc, problems

    @classmethod
    def read(cls, value: Any, loc: Loc, keys: Sequence[str], problems: _Problems) -> _Section | None:
        if not isinstance(value, Mapping):
            problems.add(loc, gettext_noop("This must be a section of keys and values."))
            return None
        for key in value:
            if key not in keys:
                problems.add(
                    (*loc, str(key)),
                    gettext_noop("Unknown key “%(key)s”; allowed here: %(allowed)s."),
                    key=str(key),
                    allowed=", ".join(keys),
                )
        return cls(value, loc, problems)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def at(self, key: str) -> Loc:
        return (*self.loc, key)

    def sections(self, key: str, keys: Sequence[str]) -> list[_Section]:
        """The list under ``key``, one section per item. An item that is not a section is reported and read as
        an empty one whose problems go nowhere, so that the places of the items after it stay right."""
        value = self.values.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(self.at(key), gettext_noop("This must be a list."))
            return []
        if (problem := too_many(self.at(key), len(value))) is not None:
            # One problem for the list, none for its items: they are not read.
            self.problems.append(problem)
            return []
        return [
            _Section.read(item, (*self.at(key), i), keys, self.problems)
            or _Section({}, (*self.at(key), i), _Problems())
            for i, item in enumerate(value)
        ]

    def name(self, key: str = "name", max_length: int = rules.NAME_MAX_LENGTH, required: bool = True) -> str:
        value = self.values.get(key)
        if value is None and not required:
            return ""
        if value is not None and not isinstance(value, str):
            # YAML reads `name: 2024` as a number; say so rather than "a name is required".
            self.problems.add(self.at(key), gettext_noop("This must be text."))
            return ""
        problems = rules.name_problems(value, self.at(key), max_length)
        self.problems.extend(problems)
        return "" if problems else str(value).strip()

    def reference(self, key: str, missing: str) -> str:
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problems.add(self.at(key), missing)
            return ""
        return self.name(key)

    def text(self, key: str, max_length: int | None = None) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problems.add(self.at(key), gettext_noop("This must be text."))
            return ""
        if max_length is not None and len(value) > max_length:
            self.problems.add(self.at(key), gettext_noop("At most %(max)d characters."), max=max_length)
            return ""
        # Line breaks are stored as "\n" whatever the file used, so an export writes them the same way.
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def integer(self, key: str, minimum: int, maximum: int, default: int | None) -> int | None:
        value = self.values.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            text = gettext_noop("Enter a whole number from %(min)d to %(max)d.")
            self.problems.add(self.at(key), text, min=minimum, max=maximum)
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problems.add(self.at(key), gettext_noop("Write true or false."))
            return default
        return value

    def choice(self, key: str, choices: Iterable[Any], default: str = "") -> str:
        allowed = [str(c.value) if hasattr(c, "value") else str(c) for c in choices]
        value = self.values.get(key, default or None)
        problems = rules.choice_problems(value, allowed, self.at(key))
        self.problems.extend(problems)
        return str(default) if problems else str(value)


def _read_sale_type(data: _Section) -> GuideSaleType:
    if data.values.get("sale_type") is None:
        data.problems.add(("sale_type",), gettext_noop("The file needs a sale_type section."))
        return GuideSaleType(name="")
    s = _Section.read(data.values["sale_type"], ("sale_type",), SALE_TYPE_KEYS, data.problems)
    if s is None:
        return GuideSaleType(name="")
    return GuideSaleType(
        name=s.name(),
        description=s.text("description"),
        category=s.name("category", required=False) or None,
        duration=s.integer("duration", 0, MAX_DURATION, 0) or 0,
        duration_unit=s.choice("duration_unit", rules.DurationUnit, rules.DurationUnit.DAYS),
        has_guide=s.boolean("has_guide", True),
        auto_advance=s.boolean("auto_advance", False),
        probability_policy=s.choice(
            "probability_policy", rules.ProbabilityPolicy, rules.ProbabilityPolicy.FOLLOW_STAGE
        ),
        exit_criteria=_read_exit_criteria(s),
    )


def _read_exit_criteria(s: _Section) -> str:
    # YAML 1.1 reads an unquoted `off` as false: a person who wrote `exit_criteria: off` meant the mode.
    if s.values.get("exit_criteria") is False:
        return ExitMode.OFF.value
    return s.choice("exit_criteria", ExitMode, ExitMode.OFF)


def _read_followup(s: _Section) -> GuideFollowup:
    return GuideFollowup(
        name=s.name(max_length=rules.SUGGESTION_NAME_MAX_LENGTH),
        activity_type=s.reference("activity_type", gettext_noop("Name the activity type of this follow-up.")),
        purpose=s.text("purpose"),
        days_offset=s.integer("days_offset", -MAX_DAYS_OFFSET, MAX_DAYS_OFFSET, 0) or 0,
        duration_minutes=s.integer("duration_minutes", 0, MAX_MINUTES, None),
        text=s.text("text"),
        auto_suggest=s.boolean("auto_suggest", False),
        required=s.boolean("required", False),
    )


def _read_document(s: _Section) -> GuideDocument:
    return GuideDocument(
        name=s.name(max_length=rules.SUGGESTION_NAME_MAX_LENGTH),
        template=s.reference("template", gettext_noop("Name the document template of this document.")),
        purpose=s.text("purpose"),
        subject=s.text("subject", TEXT_MAX_LENGTH),
        our_reference=s.text("our_reference", TEXT_MAX_LENGTH),
        required=s.boolean("required", False),
    )


def _read_stage(s: _Section) -> GuideStage:
    probability_problems = rules.probability_problems(s.values.get("probability"), s.at("probability"))
    s.problems.extend(probability_problems)
    return GuideStage(
        name=s.name(),
        probability=None if probability_problems else s.values["probability"],
        description=s.text("description"),
        expected_days=s.integer("expected_days", 0, MAX_EXPECTED_DAYS, None),
        followups=tuple(_read_followup(f) for f in s.sections("followups", FOLLOWUP_KEYS)),
        documents=tuple(_read_document(d) for d in s.sections("documents", DOCUMENT_KEYS)),
    )


def _read_activity_type(s: _Section) -> GuideActivityType:
    return GuideActivityType(
        name=s.name(),
        kind=s.choice("kind", rules.ActivityKind, rules.ActivityKind.TASK),
        default_duration_minutes=s.integer("default_duration_minutes", 0, MAX_MINUTES, 30) or 0,
    )


def _read_template(s: _Section) -> GuideTemplate:
    name = s.name()
    kind = s.choice("kind", rules.DocumentKind, rules.DocumentKind.LETTER)
    template_format = s.choice("format", TEMPLATE_FORMATS)
    if template_format == "docx":
        if "body" in s:
            text = gettext_noop("A Word template has its document under content_base64, not a body.")
            s.problems.add(s.at("body"), text)
        filename = s.text("filename", TEXT_MAX_LENGTH) or f"{name or 'template'}.docx"
        if not filename.lower().endswith(".docx"):
            text = gettext_noop("The file name of a Word template must end in .docx.")
            s.problems.add(s.at("filename"), text)
        return GuideTemplate(name, kind, "docx", filename=filename, content=_read_base64(s, "content_base64"))
    if template_format:
        for key in ("filename", "content_base64"):
            if key in s:
                text = gettext_noop("Only a Word template (format docx) has %(key)s.")
                s.problems.add(s.at(key), text, key=key)
        body = s.values.get("body")
        if body is None or (isinstance(body, str) and not body.strip()):
            s.problems.add(s.at("body"), gettext_noop("The template needs a body."))
    return GuideTemplate(name, kind, template_format, body=s.text("body"))


def _read_base64(s: _Section, key: str) -> bytes:
    value = s.values.get(key)
    if not isinstance(value, str) or not value.strip():
        s.problems.add(s.at(key), gettext_noop("A Word template needs its document here, encoded in base64."))
        return b""
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        s.problems.add(s.at(key), gettext_noop("This is not valid base64 text."))
        return b""


def _version_problem(data: Any) -> FieldProblem | None:
    if not isinstance(data, Mapping) or FORMAT_KEY not in data:
        return FieldProblem(
            (FORMAT_KEY,) if isinstance(data, Mapping) else (),
            Message(
                gettext_noop("This is not a guide file: it must be a YAML mapping starting with “%(key)s: %(n)d”."),
                {"key": FORMAT_KEY, "n": FORMAT_VERSION},
            ),
        )
    version = data[FORMAT_KEY]
    if isinstance(version, bool) or version != FORMAT_VERSION:
        return FieldProblem(
            (FORMAT_KEY,),
            Message(
                gettext_noop(
                    "This file has guide format version %(version)s; this installation reads version %(supported)d."
                ),
                {"version": version, "supported": FORMAT_VERSION},
            ),
        )
    return None


def inspect_guide_file(data: Any) -> tuple[GuideFile | None, list[FieldProblem]]:
    """Read the parsed file leniently: what could be read, and every problem found.

    The guide is None only when this is not a guide file of a version this code reads."""
    version_problem = _version_problem(data)
    if version_problem is not None:
        return None, [version_problem]
    problems = _Problems()
    top = _Section.read(data, (), TOP_KEYS, problems)
    assert top is not None  # a mapping: _version_problem checked it
    if data.get("stages") is None:
        problems.add(("stages",), gettext_noop("The file needs a list of stages."))
    guide = GuideFile(
        sale_type=_read_sale_type(top),
        stages=tuple(_read_stage(s) for s in top.sections("stages", STAGE_KEYS)),
        activity_types=tuple(_read_activity_type(s) for s in top.sections("activity_types", ACTIVITY_TYPE_KEYS)),
        document_templates=tuple(_read_template(s) for s in top.sections("document_templates", TEMPLATE_KEYS)),
    )
    return guide, list(problems)


def read_guide_file(data: Any) -> GuideFile:
    """The guide in a parsed file, or ValidationFailed listing every problem with its place."""
    guide, problems = inspect_guide_file(data)
    if problems or guide is None:
        raise ValidationFailed(problems)
    return guide
