"""Normalization layers: Batch, Layer, Group, Unit and RMS normalization; SpectralNormalization."""
from . import batch_normalization, group_normalization, layer_normalization, rms_normalization, unit_normalization  # noqa: F401
from . import spectral_normalization  # noqa: F401
