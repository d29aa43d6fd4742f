"""Normalization layers: Batch, Layer, Group, Unit and RMS normalization."""
from . import batch_normalization, group_normalization, layer_normalization, rms_normalization, unit_normalization  # noqa: F401
