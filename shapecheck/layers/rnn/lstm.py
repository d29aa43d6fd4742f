"""LSTM: four gates (i, f, c, o), two states (h, c)."""
from ..base import REQUIRED, register
from .base import RNN_FLAGS, RecurrentSpec


@register
class LSTM(RecurrentSpec):
    class_name = "LSTM"
    gates = 4
    num_states = 2
    params = {
        "units": REQUIRED,
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
        **RNN_FLAGS,
        "use_cudnn": "auto",
        # Not in the signature: Keras 3 pops it from **kwargs (a Keras 2 knob
        # that still works), so keyword use must bind.
        "implementation": 2,
    }
