"""Uploading a guide file that holds far more than any guide (issue 9, item 23): the import page says which list
is too long and on what line, within a second or two, and nothing is imported."""

from __future__ import annotations

import html
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from salesguide.models import SaleType, Stage

pytestmark = pytest.mark.django_db


def test_an_upload_of_hundreds_of_thousands_of_stages_is_refused_quickly_with_its_line(admin_client: Client) -> None:
    # Given a file just under the page's 10 MB limit
    text = "salesguide_guide: 1\nsale_type:\n  name: Huge\nstages:\n" + "- {name: s, probability: 1}\n" * 350_000
    upload = SimpleUploadedFile("guide.yaml", text.encode(), content_type="application/yaml")
    url = reverse("guides:import")  # loads the URLs (and the API with them) before the clock starts

    # When
    started = time.monotonic()
    response = admin_client.post(url, {"file": upload})
    seconds = time.monotonic() - started

    # Then
    shown = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))
    assert response.status_code == 422
    assert "Nothing was imported." in shown
    assert "line 55: A guide file holds at most 50 stages." in shown
    assert seconds < 2
    assert SaleType.objects.count() == 0 and Stage.objects.count() == 0
