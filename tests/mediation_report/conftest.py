import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _site_language():
    """Row labels and messages are compared in the site's language, whatever an earlier test activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
