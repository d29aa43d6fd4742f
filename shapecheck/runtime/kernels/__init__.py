"""Per-layer compute kernels, looked up by Keras class name.

``get_kernel("Dense")`` returns the LayerKernel for a layer kind; each family
module registers its kernels with ``@register_kernel``.
"""
from .base import KERNELS, LayerKernel, get_kernel, register_kernel  # noqa: F401
