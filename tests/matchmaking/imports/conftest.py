import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English msgids; the pages and the command speak Chinese by default
    once the catalogue has the translations."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    """Uploads waiting for confirmation go to the test's own directory."""
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
