"""The catalogue an administrator maintains: stages, sale types with their guides, and the small lists."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def _unique_live_name(model: str) -> models.UniqueConstraint:
    # Names are unique among the items that are not deleted, ignoring case.
    return models.UniqueConstraint(Lower("name"), condition=Q(deleted=False), name=f"{model}_unique_live_name")


class SoftDeletable(models.Model):
    deleted = models.BooleanField(_("deleted"), default=False, db_index=True)

    class Meta:
        abstract = True


class Category(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["rank", "id"]
        constraints = [_unique_live_name("category")]

    def __str__(self) -> str:
        return self.name


class Stage(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    probability = models.PositiveSmallIntegerField(_("probability"))
    description = models.TextField(_("description"), blank=True)
    rank = models.PositiveIntegerField(_("rank"), default=0)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["rank", "id"]
        constraints = [
            _unique_live_name("stage"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_range"),
        ]

    def __str__(self) -> str:
        return self.name


class DurationUnit(models.TextChoices):
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")


class ProbabilityPolicy(models.TextChoices):
    FOLLOW_STAGE = "follow_stage", _("Follow the stage")
    KEEP_MANUAL = "keep_manual", _("Keep a manual value")


class ExitCriteria(models.TextChoices):
    """What a stage's required items mean when a sale leaves the stage (SPEC 6.3)."""

    OFF = "off", _("Off: required items are only marked")
    WARN = "warn", _("Warn: the move is made, with a warning of what is missing")
    BLOCK = "block", _("Block: only a manager or an administrator may move on, with a reason")


class SaleType(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL)
    duration = models.PositiveIntegerField(_("estimated duration"), default=0)
    duration_unit = models.CharField(
        _("duration unit"), max_length=10, choices=DurationUnit.choices, default=DurationUnit.DAYS
    )
    has_guide = models.BooleanField(_("linked to a guide"), default=False)
    auto_advance = models.BooleanField(_("suggest moving to the next stage automatically"), default=False)
    probability_policy = models.CharField(
        _("probability policy"),
        max_length=20,
        choices=ProbabilityPolicy.choices,
        default=ProbabilityPolicy.FOLLOW_STAGE,
    )
    exit_criteria = models.CharField(
        _("exit criteria"), max_length=5, choices=ExitCriteria.choices, default=ExitCriteria.OFF
    )
    rank = models.PositiveIntegerField(default=0)
    stages = models.ManyToManyField(Stage, through="SaleTypeStage", related_name="sale_types")

    class Meta:
        verbose_name = _("sale type")
        verbose_name_plural = _("sale types")
        ordering = ["rank", "id"]
        constraints = [_unique_live_name("saletype")]

    def __str__(self) -> str:
        return self.name


class SaleTypeStage(models.Model):
    """ "This sale type uses this stage at this position". Suggestions hang on this link.

    Removing a stage from a type marks the link ``removed`` instead of deleting it, so that adding the stage
    back brings its suggestions back (nothing configured is lost).
    """

    sale_type = models.ForeignKey(SaleType, on_delete=models.CASCADE, related_name="links")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="links")
    rank = models.PositiveIntegerField(default=0)
    expected_days = models.PositiveIntegerField(_("expected days in stage"), null=True, blank=True)
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["sale_type", "stage"], name="saletypestage_unique")]

    def __str__(self) -> str:
        return f"{self.sale_type_id}/{self.stage_id}"


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone call")
    TASK = "task", _("Task")
    EMAIL = "email", _("E-mail")


class ActivityType(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.TASK)
    default_duration_minutes = models.PositiveIntegerField(_("default duration (minutes)"), default=30)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["rank", "id"]
        constraints = [_unique_live_name("activitytype")]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    QUOTE = "quote", _("Quotation")
    CONTRACT = "contract", _("Contract")
    OTHER = "other", _("Other")


class TemplateFormat(models.TextChoices):
    DOCX = "docx", _("Word document (.docx)")
    HTML = "html", _("HTML")
    TEXT = "text", _("Plain text")


class DocumentTemplate(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.LETTER)
    format = models.CharField(_("format"), max_length=5, choices=TemplateFormat.choices)
    file = models.FileField(_("file"), upload_to="templates/", blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["rank", "id"]
        constraints = [_unique_live_name("documenttemplate")]

    def __str__(self) -> str:
        return self.name


class ReasonKind(models.TextChoices):
    SOLD = "sold", _("Sold")
    LOST = "lost", _("Lost")
    STALLED = "stalled", _("Stalled")


class Reason(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ReasonKind.choices)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["kind", "rank", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "kind", condition=Q(deleted=False), name="reason_unique_live_name")
        ]

    def __str__(self) -> str:
        return self.name


class Competitor(SoftDeletable):
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["rank", "id"]
        constraints = [_unique_live_name("competitor")]

    def __str__(self) -> str:
        return self.name


class SuggestedFollowup(SoftDeletable):
    link = models.ForeignKey(SaleTypeStage, on_delete=models.CASCADE, related_name="followups")
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("activity type"), on_delete=models.PROTECT)
    days_offset = models.IntegerField(_("days after the previous follow-up"), default=0)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    auto_suggest = models.BooleanField(_("automatically suggest this follow-up"), default=False)
    required = models.BooleanField(_("required before leaving this stage"), default=False)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("suggested follow-up")
        verbose_name_plural = _("suggested follow-ups")
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.name


class SuggestedDocument(SoftDeletable):
    link = models.ForeignKey(SaleTypeStage, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("template"), on_delete=models.PROTECT)
    subject = models.CharField(_("default subject"), max_length=255, blank=True)
    our_reference = models.CharField(_("our reference"), max_length=255, blank=True)
    required = models.BooleanField(_("required before leaving this stage"), default=False)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("suggested document")
        verbose_name_plural = _("suggested documents")
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.name
