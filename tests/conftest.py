"""Test-wide settings: the suite never touches the user's own cache directory."""
import os
import tempfile

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache():
    """One fresh pdguard cache for the whole run (exercised, but private to the run)."""
    previous = os.environ.get("PDGUARD_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="pdguard-test-cache-") as folder:
        os.environ["PDGUARD_CACHE_DIR"] = folder
        yield folder
    if previous is None:
        os.environ.pop("PDGUARD_CACHE_DIR", None)
    else:
        os.environ["PDGUARD_CACHE_DIR"] = previous
