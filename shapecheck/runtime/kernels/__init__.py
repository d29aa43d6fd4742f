"""Per-layer compute kernels, looked up by Keras class name.

``get_kernel("Dense")`` returns the LayerKernel for a layer kind; each family
module registers its kernels with ``@register_kernel`` when this package is
imported.
"""
from . import _blas  # noqa: F401  (pins OPENBLAS_NUM_THREADS before scipy's BLAS loads)
from .base import KERNELS, LayerKernel, get_kernel, register_kernel  # noqa: F401
from . import activation_layers, attention, conv, core, merging, normalization, pooling, reshaping, rnn  # noqa: F401,E402  (registration side effects)
