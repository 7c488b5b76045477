"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from salesguide.datafiles.reading import LARGEST_FILE
from salesguide.web.imports.column_guide import KIND_NAMES


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=list(KIND_NAMES.items()))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (XLSX), with a header row in Dutch or English."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xls,.ods"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        # Refused before it is kept on disk: the reader would refuse it anyway (datafiles.reading).
        if upload.size > LARGEST_FILE:
            raise forms.ValidationError(
                _("The file is too large (at most %(max)d MB)."), params={"max": LARGEST_FILE // (1024 * 1024)}
            )
        return upload
