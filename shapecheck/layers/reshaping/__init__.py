"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, padding, cropping..."""
from . import flatten  # noqa: F401
