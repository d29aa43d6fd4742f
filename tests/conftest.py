"""Shared test set-up (keep small: several helpers add to it)."""
import sys
from pathlib import Path

# tests/oracle/fixture_json.py (the expected-JSON layout) is imported as `oracle.fixture_json`.
sys.path.insert(0, str(Path(__file__).resolve().parent))
