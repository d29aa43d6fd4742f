"""The model engine: layers, symbolic tensors, models and training."""
from .context import clear_session  # noqa: F401
from .layer import CatalogLayer, Input, InputLayer, Lambda, Layer, layer_class  # noqa: F401
from .model import Model, Sequential  # noqa: F401
from .tensor import KerasTensor  # noqa: F401
from .variable import Variable  # noqa: F401
