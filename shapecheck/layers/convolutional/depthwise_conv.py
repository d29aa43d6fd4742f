"""DepthwiseConv1D / DepthwiseConv2D: one filter bank per input channel.

kernel: kernel_size + (in_channels, depth_multiplier); bias and output channels:
depth_multiplier * in_channels.
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, Weight, register, single
from ..shape import dim_mul
from . import conv_args as a
from . import geometry as g


def _params(strides, dilation):
    return {
        "kernel_size": REQUIRED,
        "strides": strides,
        "padding": "valid",
        "depth_multiplier": 1,
        "data_format": None,
        "dilation_rate": dilation,
        "activation": None,
        "use_bias": True,
        "depthwise_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
        "depthwise_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "depthwise_constraint": None,
        "bias_constraint": None,
    }


class _DepthwiseConv(LayerSpec):
    family = "convolutional"
    rank: ClassVar[int] = 0

    def validate(self, cfg):
        # Keras's depthwise base has no strides-vs-dilation check of its own.
        a.window(cfg, self.rank, check_dilated_strides=False)
        a.padding(cfg)
        g.check_data_format(cfg)
        a.positive(cfg, "depth_multiplier")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        fmt = g.data_format(cfg)
        kernel, strides, dilation = a.window(cfg, self.rank, check_dilated_strides=False)
        c = x[1] if fmt == g.CHANNELS_FIRST else x[-1]
        dm = g.as_dim(cfg.get("depth_multiplier"), "depth_multiplier")
        a.check_rank(x, self.rank, self.class_name, kernel + (c, dm))
        c = a.channels(x, fmt, self.class_name)
        out_c = dim_mul(dm, c)
        mode = a.padding(cfg)
        spatial = a.conv_spatial(x, fmt, kernel, strides, dilation, mode, kernel + (c, out_c), self.class_name)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        return g.join(x[0], spatial, out_c, fmt)

    def weights(self, cfg, inputs):
        x = inputs[0]
        fmt = g.data_format(cfg)
        kernel, _, _ = a.window(cfg, self.rank, check_dilated_strides=False)
        c = a.channels(x, fmt, self.class_name)
        dm = g.as_dim(cfg.get("depth_multiplier"), "depth_multiplier")
        w = [Weight("kernel", kernel + (c, dm))]
        w += g.optional_weight(g.flag(cfg, "use_bias", True), Weight("bias", (dim_mul(dm, c),)))
        return w


@register
class DepthwiseConv1D(_DepthwiseConv):
    class_name = "DepthwiseConv1D"
    rank = 1
    params = _params(1, 1)


@register
class DepthwiseConv2D(_DepthwiseConv):
    class_name = "DepthwiseConv2D"
    rank = 2
    params = _params((1, 1), (1, 1))
