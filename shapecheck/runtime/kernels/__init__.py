"""Per-layer compute kernels, looked up by Keras class name.

``get_kernel("Dense")`` returns the LayerKernel for a layer kind (contract in
``base.py``); each family module registers its kernels with
``@register_kernel`` when this package is imported:

  core               Dense, Activation, Dropout, SpatialDropout1D/2D/3D,
                     GaussianNoise, GaussianDropout, ActivityRegularization,
                     Masking, Embedding
  activation_layers  ReLU, LeakyReLU, PReLU, ELU, Softmax, ThresholdedReLU,
                     Identity, Rescaling, AlphaDropout
  reshaping          Flatten, Reshape, Permute, RepeatVector,
                     UpSampling/ZeroPadding/Cropping 1D/2D/3D
  conv               Conv1D/2D/3D, Conv1D/2DTranspose, DepthwiseConv1D/2D,
                     SeparableConv1D/2D
  pooling            Max/AveragePooling1D/2D/3D, Global{Max,Average}Pooling
  normalization      BatchNormalization, LayerNormalization, GroupNormalization,
                     RMSNormalization, UnitNormalization
  rnn                SimpleRNN, LSTM, GRU, RNN(cell), Bidirectional,
                     TimeDistributed
  merging            Add, Subtract, Multiply, Average, Maximum, Minimum,
                     Concatenate, Dot
  attention          Attention, AdditiveAttention, MultiHeadAttention

Element-wise work is numba ``@njit(cache=True, error_model="numpy")`` loops on float32; every
matrix product goes to scipy's OpenBLAS (which picks its AVX-512 kernels on
its own), as ``np.dot`` inside ``@njit`` or as its sgemm on strided views
through ``_sgemm`` (Dense, the convolutions, the recurrent loops) --
numpy's BLAS is never called, so two thread pools never alternate.  ``_blas`` pins that BLAS to one thread unless told
otherwise.  ``gradcheck.check_gradients`` is the finite-difference check the
tests (and the CUDA port) run on every kernel.
"""
from . import _blas  # noqa: F401  (pins OPENBLAS_NUM_THREADS before scipy's BLAS loads)
from ._heap import keep_freed_buffers

keep_freed_buffers()  # batch-sized arrays reuse freed pages (see _heap.py)
from .base import KERNELS, LayerKernel, get_kernel, register_kernel  # noqa: F401
from . import activation_layers, attention, conv, core, merging, normalization, pooling, preprocessing, reshaping, rnn  # noqa: F401,E402  (registration side effects)
from . import lookup  # noqa: F401,E402  (StringLookup, TextVectorization, ..., EinsumDense)
