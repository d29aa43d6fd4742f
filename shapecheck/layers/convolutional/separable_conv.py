"""SeparableConv1D / SeparableConv2D (aliases SeparableConvolution1D/2D).

A depthwise step (kernel_size + (in_channels, depth_multiplier)) then a pointwise
step ((1,)*rank + (depth_multiplier * in_channels, filters)); bias: (filters,).
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, Weight, register, single
from ..shape import dim_mul
from . import conv_args as a
from . import geometry as g


def _params(strides, dilation):
    return {
        "filters": REQUIRED,
        "kernel_size": REQUIRED,
        "strides": strides,
        "padding": "valid",
        "data_format": None,
        "dilation_rate": dilation,
        "depth_multiplier": 1,
        "activation": None,
        "use_bias": True,
        "depthwise_initializer": "glorot_uniform",
        "pointwise_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
        "depthwise_regularizer": None,
        "pointwise_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "depthwise_constraint": None,
        "pointwise_constraint": None,
        "bias_constraint": None,
    }


class _SeparableConv(LayerSpec):
    family = "convolutional"
    rank: ClassVar[int] = 0

    def validate(self, cfg):
        a.window(cfg, self.rank, check_dilated_strides=False)
        a.padding(cfg)
        g.check_data_format(cfg)
        a.positive(cfg, "depth_multiplier")
        a.positive(cfg, "filters")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        fmt = g.data_format(cfg)
        kernel, strides, dilation = a.window(cfg, self.rank, check_dilated_strides=False)
        filters = g.as_dim(cfg["filters"], "filters")
        c = x[1] if fmt == g.CHANNELS_FIRST else x[-1]
        a.check_rank(x, self.rank, self.class_name, kernel + (c, filters))
        c = a.channels(x, fmt, self.class_name)
        mode = a.padding(cfg)
        spatial = a.conv_spatial(x, fmt, kernel, strides, dilation, mode, kernel + (c, filters), self.class_name)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        return g.join(x[0], spatial, filters, fmt)

    def weights(self, cfg, inputs):
        x = inputs[0]
        fmt = g.data_format(cfg)
        kernel, _, _ = a.window(cfg, self.rank, check_dilated_strides=False)
        c = a.channels(x, fmt, self.class_name)
        dm = g.as_dim(cfg.get("depth_multiplier"), "depth_multiplier")
        filters = g.as_dim(cfg["filters"], "filters")
        w = [
            Weight("depthwise_kernel", kernel + (c, dm)),
            Weight("pointwise_kernel", (1,) * self.rank + (dim_mul(dm, c), filters)),
        ]
        w += g.optional_weight(g.flag(cfg, "use_bias", True), Weight("bias", (filters,)))
        return w


@register
class SeparableConv1D(_SeparableConv):
    class_name = "SeparableConv1D"
    aliases = ("SeparableConvolution1D",)
    rank = 1
    params = _params(1, 1)


@register
class SeparableConv2D(_SeparableConv):
    class_name = "SeparableConv2D"
    aliases = ("SeparableConvolution2D",)
    rank = 2
    params = _params((1, 1), (1, 1))
