"""Pooling layers: Max/Average pooling and their global forms (1D-3D)."""
from . import global_pooling, pooling  # noqa: F401
