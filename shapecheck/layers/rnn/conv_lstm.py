"""ConvLSTM1D/2D/3D: an LSTM whose gates are convolutions over each time step.

Input (batch, time, *spatial, channels) -- channels first with
``data_format="channels_first"``; each step is convolved like a ConvND with
``filters`` outputs, so the output is that step shape (with the time axis when
``return_sequences``) and ``return_state`` adds h and c of the step shape.
Keras needs every spatial size and the channels known (it sizes the initial
state from them).  Weights:
  kernel            kernel_size + (channels, 4 * filters)
  recurrent_kernel  kernel_size + (filters, 4 * filters)
  bias              (4 * filters,)
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, ShapeFault, Weight, register, require_rank, single, to_snake_case
from ..convolutional import conv_args as a
from ..convolutional import geometry as g
from ..shape import dim_mul, format_shape


def _params():
    return {
        "filters": REQUIRED,
        "kernel_size": REQUIRED,
        "strides": 1,
        "padding": "valid",
        "data_format": None,
        "dilation_rate": 1,
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "bias_initializer": "zeros",
        "unit_forget_bias": True,
        "kernel_regularizer": None,
        "recurrent_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "recurrent_constraint": None,
        "bias_constraint": None,
        "dropout": 0.0,
        "recurrent_dropout": 0.0,
        "seed": None,
        "return_sequences": False,
        "return_state": False,
        "go_backwards": False,
        "stateful": False,
    }


class _ConvLSTM(LayerSpec):
    family = "rnn"
    rank: ClassVar[int] = 0

    def validate(self, cfg):
        a.window(cfg, self.rank)
        a.padding(cfg)
        g.check_data_format(cfg)
        # Unlike ConvND, Keras 3.15 does not check `filters` here: filters=0 builds
        # empty weights and an output with 0 channels.

    def _step(self, cfg, inputs):
        x = single(inputs, self.class_name)
        if x is None:
            return None, None, None
        require_rank(x, to_snake_case(self.class_name), exact=self.rank + 3)
        fmt = g.data_format(cfg)
        step = (x[0],) + tuple(x[2:])
        if fmt is not None:
            _, spatial, channels = g.split(step, fmt)
            if None in spatial:
                raise ShapeFault(
                    "SC106",
                    "ConvLSTM layers only support static input shapes for the spatial dimension. "
                    f"Received invalid input shape: input_shape={format_shape(step)}",
                )
            if channels is None:
                raise ShapeFault(
                    "SC106",
                    "The channel dimension of the inputs (last axis) should be defined. Found None. "
                    f"Full input shape received: input_shape={format_shape(step)}",
                )
        return x, step, fmt

    def output_shape(self, cfg, inputs):
        x, step, fmt = self._step(cfg, inputs)
        if x is None:
            return None
        if cfg.get("stateful") is True and x[0] is None:
            raise ShapeFault(
                "SC106",
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={format_shape(x)}",
                arg="stateful",
            )
        if not all(isinstance(cfg.get(f), bool) for f in ("return_sequences", "return_state")):
            return None
        kernel, strides, dilation = a.window(cfg, self.rank)
        filters = g.as_dim(cfg["filters"], "filters")
        if fmt is None:
            state = g.unknown_spatial(step, self.class_name)
        else:
            _, _, channels = g.split(step, fmt)
            mode = a.padding(cfg)
            spatial = a.conv_spatial(step, fmt, kernel, strides, dilation, mode, kernel + (channels, filters),
                                     self.class_name)
            state = g.join(x[0], spatial, filters, fmt)
        out = (x[0], x[1]) + tuple(state[1:]) if cfg.get("return_sequences") is True else state
        if cfg.get("return_state") is True:
            return [out, state, state]
        return out

    def weights(self, cfg, inputs):
        x, step, fmt = self._step(cfg, inputs)
        kernel, _, _ = a.window(cfg, self.rank)
        filters = g.as_dim(cfg["filters"], "filters")
        channels = a.channels(step, fmt, self.class_name)
        width = dim_mul(4, filters)
        w = [Weight("kernel", kernel + (channels, width)), Weight("recurrent_kernel", kernel + (filters, width))]
        if cfg.get("use_bias") is not False:
            w.append(Weight("bias", (width,)))
        return w


@register
class ConvLSTM1D(_ConvLSTM):
    class_name = "ConvLSTM1D"
    rank = 1
    params = _params()


@register
class ConvLSTM2D(_ConvLSTM):
    class_name = "ConvLSTM2D"
    rank = 2
    params = _params()


@register
class ConvLSTM3D(_ConvLSTM):
    class_name = "ConvLSTM3D"
    rank = 3
    params = _params()
