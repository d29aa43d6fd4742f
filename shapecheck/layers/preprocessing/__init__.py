"""Preprocessing layers whose shapes analysis can follow: Rescaling, Normalization,
image resizing/cropping and the shape-keeping random augmentations."""
from . import image_augmentation, image_size, normalization, rescaling  # noqa: F401
