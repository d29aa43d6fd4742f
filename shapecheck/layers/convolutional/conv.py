"""Conv1D / Conv2D / Conv3D (Keras 2's Convolution1D/2D/3D are aliases in Keras 3).

kernel: kernel_size + (in_channels // groups, filters); bias: (filters,).
With ``lora_rank`` Keras freezes the kernel and adds two trainable factors.
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, ShapeFault, Weight, register, single
from ..shape import dim_floordiv, is_known
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
        "groups": 1,
        "activation": None,
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        # Not in ConvND's own signature: BaseConv takes them through **kwargs.
        "lora_rank": None,
        "lora_alpha": None,
    }


class _Conv(LayerSpec):
    family = "convolutional"
    rank: ClassVar[int] = 0

    def validate(self, cfg):
        a.window(cfg, self.rank)
        a.padding(cfg, allow_causal=self.rank == 1)
        g.check_data_format(cfg)
        a.positive(cfg, "filters")
        filters, groups = cfg.get("filters"), cfg.get("groups")
        if is_known(groups) and groups <= 0:
            raise ShapeFault(
                "SC108", f"The number of groups must be a positive integer. Received: groups={groups}.", arg="groups"
            )
        if is_known(filters) and is_known(groups) and filters % groups:
            raise ShapeFault(
                "SC108",
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}.",
                arg="groups",
            )

    def _kernel_shape(self, cfg, x, fmt):
        kernel, _, _ = a.window(cfg, self.rank)
        c = a.channels(x, fmt, self.class_name)
        return kernel + (dim_floordiv(c, g.as_dim(cfg.get("groups"), "groups")), g.as_dim(cfg["filters"], "filters"))

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        fmt = g.data_format(cfg)
        kernel, strides, dilation = a.window(cfg, self.rank)
        filters = g.as_dim(cfg["filters"], "filters")
        c = x[1] if fmt == g.CHANNELS_FIRST else x[-1]
        a.check_rank(x, self.rank, self.class_name, kernel + (c, filters))
        c = a.channels(x, fmt, self.class_name)
        groups = cfg.get("groups")
        if is_known(c) and is_known(groups) and c % groups:
            raise ShapeFault(
                "SC103",
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={groups}, but the input has {c} channels (full input shape is "
                f"{g.describe(x)}).",
                arg="groups",
            )
        mode = a.padding(cfg, allow_causal=self.rank == 1)
        spatial = a.conv_spatial(x, fmt, kernel, strides, dilation, mode, kernel + (c, filters), self.class_name)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        return g.join(x[0], spatial, filters, fmt)

    def weights(self, cfg, inputs):
        x = inputs[0]
        fmt = g.data_format(cfg)
        kshape = self._kernel_shape(cfg, x, fmt)
        filters = g.as_dim(cfg["filters"], "filters")
        lora = cfg.get("lora_rank")
        w = [Weight("kernel", kshape, trainable=not lora)]
        w += g.optional_weight(g.flag(cfg, "use_bias", True), Weight("bias", (filters,)))
        if lora:
            r = g.as_dim(lora, "lora_rank")
            w.append(Weight("lora_kernel_a", kshape[:-1] + (r,)))
            w.append(Weight("lora_kernel_b", (r, filters)))
        return w


@register
class Conv1D(_Conv):
    class_name = "Conv1D"
    aliases = ("Convolution1D",)
    rank = 1
    params = _params(1, 1)


@register
class Conv2D(_Conv):
    class_name = "Conv2D"
    aliases = ("Convolution2D",)
    rank = 2
    params = _params((1, 1), (1, 1))


@register
class Conv3D(_Conv):
    class_name = "Conv3D"
    aliases = ("Convolution3D",)
    rank = 3
    params = _params((1, 1, 1), (1, 1, 1))
