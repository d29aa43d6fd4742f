"""Core layers: Input, Dense, Activation, Dropout, Embedding, Masking, Lambda, Identity."""
from . import activation, dense, dropout, input_layer  # noqa: F401
from . import embedding, identity, lambda_layer, masking  # noqa: F401
