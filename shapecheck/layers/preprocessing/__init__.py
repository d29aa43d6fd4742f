"""Preprocessing layers whose shapes analysis can follow: Rescaling, Normalization,
image resizing/cropping, the shape-keeping random augmentations, and the
categorical/text layers (lookups, hashing, encodings, TextVectorization)."""
from . import image_augmentation, image_effects, image_size, normalization, rescaling  # noqa: F401
from . import category_encoding, discretization, hashed_crossing, hashing, index_lookup, pipeline, text_vectorization  # noqa: F401
