"""Core layers: Input, Dense, EinsumDense, Activation, Dropout, Embedding, ReversibleEmbedding,
Masking, Lambda, Identity."""
from . import activation, dense, dropout, input_layer  # noqa: F401
from . import embedding, identity, lambda_layer, masking  # noqa: F401
from . import einsum_dense, reversible_embedding  # noqa: F401
