from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesguideConfig(AppConfig):
    name = "salesguide"
    label = "salesguide"
    verbose_name = _("Salesguide")
    default_auto_field = "django.db.models.BigAutoField"
