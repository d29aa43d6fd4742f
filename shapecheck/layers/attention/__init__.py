"""Attention layers: MultiHeadAttention, Attention, AdditiveAttention."""
from . import additive_attention, attention, multi_head_attention  # noqa: F401
