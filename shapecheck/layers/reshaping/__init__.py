"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, padding, cropping..."""
from . import cropping, flatten, permute, repeat_vector, reshape, up_sampling, zero_padding  # noqa: F401
