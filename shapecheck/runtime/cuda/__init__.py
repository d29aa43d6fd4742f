"""The runtime's CUDA target (numba-cuda): LayerKernels registered under
device="cuda", device losses, metrics and optimizer steps, and the training
step that keeps activations, gradients and weights on the GPU.

Importing this package imports ``numba.cuda``; the engine does so only when
``shapecheck.runtime.device.current()`` is a CUDA device.
"""
from . import conv, layers, normalization, recurrent  # noqa: F401  (registers the kernels)
