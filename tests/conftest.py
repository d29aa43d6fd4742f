"""Shared test set-up (keep small: several helpers add to it)."""
import sys
from pathlib import Path

# tests/oracle/fixture_json.py (the expected-JSON layout) is imported as `oracle.fixture_json`.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Property tests draw new examples on every run; in CI (CI=true) they draw the
# same ones each time, so a landing never depends on a lucky draw.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
