"""The cells behind SimpleRNN/LSTM/GRU, for ``RNN(cell)`` and ``StackedRNNCells``.

A cell is built on one time step (batch, features) and creates the same
weights as its layer.  ``state_sizes`` lists one size per state tensor,
``output_size`` is what the cell emits per step.  Called on its own (with
explicit states) a cell is beyond this catalog: its output_shape is unknown.
"""
from ..base import REQUIRED, LayerSpec, NestedLayer, ShapeFault, as_int_or_sym, register
from ..shape import dim_mul
from .base import check_units, recurrent_weights

_CELL_COMMON = {
    "kernel_regularizer": None,
    "recurrent_regularizer": None,
    "bias_regularizer": None,
    "kernel_constraint": None,
    "recurrent_constraint": None,
    "bias_constraint": None,
    "dropout": 0.0,
    "recurrent_dropout": 0.0,
}


class CellSpec(LayerSpec):
    family = "rnn"
    gates: int = 1
    num_states: int = 1

    def validate(self, cfg):
        check_units(cfg)

    def state_sizes(self, cfg) -> list:
        return [as_int_or_sym(cfg["units"], "units")] * self.num_states

    def output_size(self, cfg):
        return as_int_or_sym(cfg["units"], "units")

    def bias_shape(self, cfg, units):
        return (dim_mul(self.gates, units),)

    def output_shape(self, cfg, inputs):
        return None  # a cell called directly takes states too; not modelled

    def cell_weights(self, cfg, step_shape):
        return recurrent_weights(self, cfg, step_shape[-1])


@register
class SimpleRNNCell(CellSpec):
    class_name = "SimpleRNNCell"
    params = {
        "units": REQUIRED,
        "activation": "tanh",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "bias_initializer": "zeros",
        **_CELL_COMMON,
        "seed": None,
    }


@register
class LSTMCell(CellSpec):
    class_name = "LSTMCell"
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
        **_CELL_COMMON,
        "seed": None,
        "implementation": 2,  # popped from **kwargs, as on LSTM
    }


@register
class GRUCell(CellSpec):
    class_name = "GRUCell"
    gates = 3
    params = {
        "units": REQUIRED,
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "bias_initializer": "zeros",
        **_CELL_COMMON,
        "reset_after": True,
        "seed": None,
        "implementation": 2,
    }

    def bias_shape(self, cfg, units):
        width = dim_mul(3, units)
        return (width,) if cfg.get("reset_after") is False else (2, width)


def as_cells(value) -> list:
    """The cells of a ``cell=`` argument: one NestedLayer, a list of them, or a StackedRNNCells."""
    if isinstance(value, NestedLayer) and isinstance(value.spec, StackedRNNCells):
        return as_cells(value.cfg.get("cells"))
    if isinstance(value, NestedLayer):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(c, NestedLayer) for c in value):
        return list(value)
    return []


def check_cells(cells, where: str) -> None:
    for c in cells:
        if not isinstance(c.spec, CellSpec):
            raise ShapeFault(
                "SC107",
                f"{where} needs RNN cells (SimpleRNNCell, LSTMCell, GRUCell...); got {c.spec.class_name}",
                arg="cell" if where == "RNN" else "cells",
            )


def stacked_weights(cells, step_shape) -> list:
    """Weights of cells stacked on one step: each cell feeds the next its output."""
    w = []
    for c in cells:
        w += c.spec.cell_weights(c.cfg, step_shape)
        step_shape = (step_shape[0], c.spec.output_size(c.cfg))
    return w


@register
class StackedRNNCells(LayerSpec):
    class_name = "StackedRNNCells"
    family = "rnn"
    params = {"cells": REQUIRED}

    def validate(self, cfg):
        check_cells(as_cells(cfg.get("cells")), "StackedRNNCells")

    def output_shape(self, cfg, inputs):
        return None
