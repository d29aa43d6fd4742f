"""Attention layers: MultiHeadAttention, GroupedQueryAttention, Attention, AdditiveAttention."""
from . import additive_attention, attention, grouped_query_attention, multi_head_attention  # noqa: F401
