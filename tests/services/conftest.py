import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Services leave translation to the adapters; these tests read the English messages they carry (the
    names of things in them are translated lazily, into whatever language is active)."""
    with translation.override("en"):
        yield
