"""Conv1DTranspose / Conv2DTranspose / Conv3DTranspose (aliases ConvolutionNDTranspose).

kernel: kernel_size + (filters, in_channels) -- note the transposed order; bias: (filters,).
Conv3DTranspose puts ``data_format`` before ``output_padding`` in its signature.
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, ShapeFault, Weight, register, single
from ..shape import Sym, is_known
from . import conv_args as a
from . import geometry as g

_TAIL = {
    "activation": None,
    "use_bias": True,
    "kernel_initializer": "glorot_uniform",
    "bias_initializer": "zeros",
    "kernel_regularizer": None,
    "bias_regularizer": None,
    "activity_regularizer": None,
    "kernel_constraint": None,
    "bias_constraint": None,
}


class _ConvTranspose(LayerSpec):
    family = "convolutional"
    rank: ClassVar[int] = 0

    def _output_padding(self, cfg):
        op = cfg.get("output_padding")
        if op is None:
            return (None,) * self.rank
        return g.ntuple(op, self.rank, "output_padding", allow_zero=True)

    def validate(self, cfg):
        _, strides, _ = a.window(cfg, self.rank, check_dilated_strides=False)
        a.padding(cfg)
        out_pad = self._output_padding(cfg)
        g.check_data_format(cfg)
        a.positive(cfg, "filters")
        for i, (op, s) in enumerate(zip(out_pad, strides)):
            if is_known(op) and is_known(s) and op >= s:
                raise ShapeFault(
                    "SC108",
                    "`output_padding` must be strictly less than `strides` for all dimensions. "
                    f"At dimension {i}, `output_padding` is {op} but `strides` is {s}. "
                    f"Received: output_padding={g.fmt_value(out_pad)}, strides={g.fmt_value(strides)}",
                    arg="output_padding",
                )
        a.window(cfg, self.rank)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        kernel, strides, dilation = a.window(cfg, self.rank)
        fmt = g.data_format(cfg)
        c = x[1] if fmt == g.CHANNELS_FIRST else x[-1]
        a.check_rank(x, self.rank, self.class_name, kernel + (g.as_dim(cfg["filters"], "filters"), c))
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        a.channels(x, fmt, self.class_name)
        mode = a.padding(cfg)
        out_pad = self._output_padding(cfg)
        batch, spatial, _ = g.split(x, fmt)
        out = []
        for i, n in enumerate(spatial):
            if mode is None:
                out.append(None if n is None else Sym(f"{self.class_name}_out{i}"))
            else:
                out.append(g.conv_transpose_length(n, kernel[i], strides[i], dilation[i], mode, out_pad[i]))
        return g.join(batch, tuple(out), g.as_dim(cfg["filters"], "filters"), fmt)

    def weights(self, cfg, inputs):
        x = inputs[0]
        fmt = g.data_format(cfg)
        kernel, _, _ = a.window(cfg, self.rank)
        c = a.channels(x, fmt, self.class_name)
        filters = g.as_dim(cfg["filters"], "filters")
        w = [Weight("kernel", kernel + (filters, c))]
        w += g.optional_weight(g.flag(cfg, "use_bias", True), Weight("bias", (filters,)))
        return w


def _params(strides, dilation, *, format_first=False):
    head = {"filters": REQUIRED, "kernel_size": REQUIRED, "strides": strides, "padding": "valid"}
    if format_first:
        head.update({"data_format": None, "output_padding": None})
    else:
        head.update({"output_padding": None, "data_format": None})
    head["dilation_rate"] = dilation
    return {**head, **_TAIL}


@register
class Conv1DTranspose(_ConvTranspose):
    class_name = "Conv1DTranspose"
    aliases = ("Convolution1DTranspose",)
    rank = 1
    params = _params(1, 1)


@register
class Conv2DTranspose(_ConvTranspose):
    class_name = "Conv2DTranspose"
    aliases = ("Convolution2DTranspose",)
    rank = 2
    params = _params((1, 1), (1, 1))


@register
class Conv3DTranspose(_ConvTranspose):
    class_name = "Conv3DTranspose"
    aliases = ("Convolution3DTranspose",)
    rank = 3
    params = _params((1, 1, 1), (1, 1, 1), format_first=True)

