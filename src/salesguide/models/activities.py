"""Follow-ups (activities) and documents, on a sale or on their own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesguide.models.catalog import ActivityType, DocumentTemplate, SuggestedDocument, SuggestedFollowup
from salesguide.models.customers import Company, Contact
from salesguide.models.sales import Sale


class Activity(models.Model):
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("activity type"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    start = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="activities"
    )
    sale = models.ForeignKey(
        Sale, verbose_name=_("sale"), null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    suggested_followup = models.ForeignKey(
        SuggestedFollowup, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["owner", "completed_at", "start"], name="activity_owner_open_idx"),
            models.Index(fields=["sale", "start"], name="activity_sale_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("template"), on_delete=models.PROTECT)
    subject = models.CharField(_("subject"), max_length=255)
    our_reference = models.CharField(_("our reference"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)
    # The name the file is downloaded under and its media type (.docx, or .eml/.txt for e-mail templates).
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    sale = models.ForeignKey(
        Sale, verbose_name=_("sale"), null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="documents"
    )
    suggested_document = models.ForeignKey(
        SuggestedDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="created_documents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sale", "created_at"], name="document_sale_created_idx")]

    def __str__(self) -> str:
        return self.subject
