"""The installation's own company: the seller that letters, quotations and contracts are sent from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# There is one seller per installation; its row always has this primary key.
OUR_COMPANY_ID = 1


class OurCompany(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=OUR_COMPANY_ID, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    registration_number = models.CharField(_("company registration number"), max_length=50, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=50, blank=True)
    iban = models.CharField(_("IBAN"), max_length=42, blank=True)  # 34 characters in groups of four
    logo = models.FileField(_("logo"), upload_to="company/", blank=True)
    logo_content_type = models.CharField(max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("our company")
        verbose_name_plural = _("our company")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=OUR_COMPANY_ID), name="our_company_single_row"),
        ]

    def __str__(self) -> str:
        return self.name
