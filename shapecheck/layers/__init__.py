"""The catalog of layer kinds shared by the analyzer and the runtime.

Importing this package registers every spec; ``get_spec("Dense")`` returns one.
Families live in sub-packages, one small module per layer kind.
"""
from . import activations, convolutional, core, normalization, pooling, preprocessing, regularization, reshaping  # noqa: F401  (registration side effects)
from . import attention, merging, rnn  # noqa: F401  (catalog-sequence families)
from .base import CATALOG, REQUIRED, UNKNOWN, LayerSpec, NestedLayer, ShapeFault, Weight, get_spec, to_snake_case  # noqa: F401
from .shape import Dim, Shape, Sym  # noqa: F401
