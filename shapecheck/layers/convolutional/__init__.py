"""Convolution layers: Conv, ConvTranspose, SeparableConv, DepthwiseConv (1D-3D)."""
from . import conv, conv_transpose, depthwise_conv, separable_conv  # noqa: F401
