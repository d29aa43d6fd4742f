"""RNN(cell): the generic recurrent layer over a cell or a list of cells.

A list becomes a StackedRNNCells: each cell feeds the next, the last one's
output size is the layer's.  With ``return_state`` Keras returns one shape
per state of every cell -- nested per cell for stacked cells; here they are
flattened, in order.  Unlike LSTM/GRU/SimpleRNN, RNN sets no InputSpec: the
cell is simply built on (batch, *input[2:]).
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, single
from ..shape import format_shape
from .cells import as_cells, check_cells, stacked_weights


@register
class RNN(LayerSpec):
    class_name = "RNN"
    family = "rnn"
    params = {
        "cell": REQUIRED,
        "return_sequences": False,
        "return_state": False,
        "go_backwards": False,
        "stateful": False,
        "unroll": False,
        "zero_output_for_mask": False,
    }

    def validate(self, cfg):
        cell = cfg.get("cell")
        if isinstance(cell, (int, float, str, bool, dict)):
            raise ShapeFault("SC107", f"Argument `cell` should have a `call` method. Received: cell={cell!r}",
                             arg="cell")
        check_cells(as_cells(cell), "RNN")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        cells = as_cells(cfg.get("cell"))
        if x is None or not cells:
            return None
        if len(x) < 2:
            raise ShapeFault("SC101", f"RNN needs inputs of rank >= 3 (batch, time, ...); got {format_shape(x)}")
        step = (x[0],) + tuple(x[2:])
        if len(step) < 2 or step[-1] is None:
            raise ShapeFault(
                "SC106",
                "The last dimension of the inputs to RNN should be defined: it sizes the cell's kernel. "
                f"Full input shape received: {format_shape(x)}",
            )
        if cfg.get("stateful") is True and x[0] is None:
            raise ShapeFault(
                "SC106",
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={format_shape(x)}",
                arg="stateful",
            )
        if not all(isinstance(cfg.get(f), bool) for f in ("return_sequences", "return_state")):
            return None
        batch, steps = x[0], x[1]
        size = cells[-1].spec.output_size(cells[-1].cfg)
        out = (batch, steps, size) if cfg["return_sequences"] else (batch, size)
        if cfg["return_state"]:
            return [out] + [(batch, s) for c in cells for s in c.spec.state_sizes(c.cfg)]
        return out

    def weights(self, cfg, inputs):
        x = inputs[0]
        cells = as_cells(cfg.get("cell"))
        if x is None or not cells:
            return []
        return stacked_weights(cells, (x[0],) + tuple(x[2:]))
