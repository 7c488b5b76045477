"""Domain messages as a person reads them, the one way the API and the web both write them: in the active
language, with a date among their values written the language's way ("3 March 2026", "3 maart 2026"). The
adapters may not import each other, so the rendering they share lives here."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext

from salesguide.domain.errors import Message


def in_language(message: Message) -> str:
    """``message`` in the active language; a date (or moment) among its values as the language writes a date."""
    params = {
        key: formats.date_format(value, "DATE_FORMAT") if isinstance(value, dt.date) else value
        for key, value in message.params.items()
    }
    return Message(message.text, params).render(gettext)
