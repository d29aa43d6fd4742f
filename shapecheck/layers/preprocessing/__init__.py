"""Preprocessing layers that shape analysis can follow (Rescaling)."""
from . import rescaling  # noqa: F401
