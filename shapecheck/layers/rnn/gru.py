"""GRU: three gates (z, r, h), one state.

With ``reset_after=True`` (the Keras 3 default, cuDNN-compatible) the input
and recurrent biases are kept apart: bias shape (2, 3 * units).
"""
from ..base import REQUIRED, register
from ..shape import dim_mul
from .base import RNN_FLAGS, RecurrentSpec


@register
class GRU(RecurrentSpec):
    class_name = "GRU"
    gates = 3
    num_states = 1
    params = {
        "units": REQUIRED,
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "bias_initializer": "zeros",
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
        **RNN_FLAGS,
        "reset_after": True,
        "use_cudnn": "auto",
        # Popped from **kwargs by Keras 3, as on LSTM.
        "implementation": 2,
    }

    def bias_shape(self, cfg, units):
        width = dim_mul(3, units)
        if cfg.get("reset_after") is False:
            return (width,)
        return (2, width)
