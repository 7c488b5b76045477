import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_installation(settings):
    """The command line speaks the installation's language; these tests read its English messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
