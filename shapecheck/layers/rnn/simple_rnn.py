"""SimpleRNN: ``h = activation(x W + h U + b)``; one gate, one state."""
from ..base import REQUIRED, register
from .base import RNN_FLAGS, RecurrentSpec


@register
class SimpleRNN(RecurrentSpec):
    class_name = "SimpleRNN"
    gates = 1
    num_states = 1
    params = {
        "units": REQUIRED,
        "activation": "tanh",
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
        **RNN_FLAGS,
        "seed": None,
    }
