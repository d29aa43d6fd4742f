"""Pooling layers: Max/Average pooling, their global and adaptive forms (1D-3D)."""
from . import adaptive_pooling, global_pooling, pooling  # noqa: F401
