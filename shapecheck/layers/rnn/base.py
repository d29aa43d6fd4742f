"""What SimpleRNN, LSTM and GRU share.

Each is an RNN over a cell with ``gates`` blocks of ``units`` in its kernels:
  kernel            (input_dim, gates * units)
  recurrent_kernel  (units, gates * units)
  bias              (gates * units,)   -- GRU with reset_after: (2, 3 * units)
Input must be rank 3 (batch, time, features).  The output is the last step
(batch, units) or every step (batch, time, units); ``return_state`` appends
one (batch, units) shape per state (LSTM has two: h and c).
"""
from __future__ import annotations

from typing import Any

from ..base import LayerSpec, ShapeFault, Weight, as_int_or_sym, require_rank, single, to_snake_case
from ..shape import dim_mul, format_shape, is_known

# Constructor arguments every recurrent layer shares, after its cell's own.
RNN_FLAGS = {
    "return_sequences": False,
    "return_state": False,
    "go_backwards": False,
    "stateful": False,
    "unroll": False,
}


def check_units(cfg: dict[str, Any]) -> None:
    units = cfg.get("units")
    if is_known(units) and units <= 0:
        raise ShapeFault(
            "SC108",
            f"Received an invalid value for argument `units`, expected a positive integer, got {units}.",
            arg="units",
        )


def check_use_cudnn(cfg: dict[str, Any]) -> None:
    value = cfg.get("use_cudnn", "auto")
    if isinstance(value, (str, bool)) and value not in ("auto", True, False):
        raise ShapeFault(
            "SC108",
            f"Invalid valid received for argument `use_cudnn`. Expected one of {{'auto', True, False}}. "
            f"Received: use_cudnn={value}",
            arg="use_cudnn",
        )


class RecurrentSpec(LayerSpec):
    family = "rnn"
    gates: int = 1
    num_states: int = 1

    def validate(self, cfg):
        check_units(cfg)
        check_use_cudnn(cfg)

    def sequence_input(self, inputs):
        x = single(inputs, self.class_name)
        if x is None:
            return None
        require_rank(x, to_snake_case(self.class_name), exact=3)
        return x

    def output_shape(self, cfg, inputs):
        x = self.sequence_input(inputs)
        if x is None:
            return None
        if cfg.get("stateful") is True and x[0] is None:
            raise ShapeFault(
                "SC106",
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={format_shape(x)}",
                arg="stateful",
            )
        if x[-1] is None:
            # Keras fails in build(): "Shapes used to initialize variables must be fully-defined".
            raise ShapeFault(
                "SC106",
                f"The last dimension of the inputs to {self.class_name} should be defined: it sizes the kernel. "
                f"Found None. Full input shape received: {format_shape(x)}",
            )
        if not all(isinstance(cfg.get(flag), bool) for flag in ("return_sequences", "return_state")):
            return None  # the analyzer lost a flag: even the number of outputs is unknown
        units = as_int_or_sym(cfg["units"], "units")
        batch, steps = x[0], x[1]
        out = (batch, steps, units) if cfg.get("return_sequences") is True else (batch, units)
        if cfg.get("return_state") is True:
            return [out] + [(batch, units)] * self.num_states
        return out

    def bias_shape(self, cfg, units):
        return (dim_mul(self.gates, units),)

    def weights(self, cfg, inputs):
        return recurrent_weights(self, cfg, inputs[0][-1])


def recurrent_weights(spec, cfg, input_dim) -> list[Weight]:
    """kernel, recurrent_kernel, bias of a recurrent layer or cell (``spec`` gives gates and bias shape)."""
    units = as_int_or_sym(cfg["units"], "units")
    width = dim_mul(spec.gates, units)
    w = [Weight("kernel", (input_dim, width)), Weight("recurrent_kernel", (units, width))]
    if cfg.get("use_bias") is not False:
        w.append(Weight("bias", spec.bias_shape(cfg, units)))
    return w
