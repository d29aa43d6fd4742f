"""Core layers: Input, Dense, Activation, Dropout, ..."""
from . import activation, dense, dropout, input_layer  # noqa: F401
