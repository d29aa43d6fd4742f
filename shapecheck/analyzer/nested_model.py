"""A model handed to a wrapper layer as its inner layer: TimeDistributed(encoder).

The wrapper specs (shapecheck/layers/rnn/time_distributed.py...) ask their inner
layer for ``spec.output_shape(cfg, [shape])`` and ``spec.weights(cfg, [shape])``.
A model answers from what the analyzer already built: a Sequential replays its
layers' shape rules on the new input; any built single-input, single-output model
called on an input that agrees with the one it was built on gives its output
with the new batch axis. Its weights are the model's own (Keras reuses them);
an input that disagrees with the model's declared Input is refused, as Keras's
input check does: while the graph is built for a Sequential, when data flows
(fit/predict) for a Functional, whose shapes Keras takes from its graph.
"""
from __future__ import annotations

from typing import Optional

from ..layers.base import ShapeFault, Weight
from ..layers.shape import format_shape, is_known
from .values import ModelV


def _agrees(built, given) -> bool:
    if built is None or given is None or len(built) != len(given):
        return False
    return all(b is None or g is None or b == g for b, g in zip(built[1:], given[1:]))


def _declared_input_fault(m: ModelV, x) -> None:
    """Keras checks a model's call against its declared Input (its InputSpec):
    TimeDistributed(encoder built for 32x32) on 48x48 frames raises there."""
    if len(m.inputs) != 1 or m.inputs[0].shape is None:
        return
    want = m.inputs[0].shape
    if len(want) != len(x) or any(is_known(a) and is_known(b) and a != b for a, b in zip(want[1:], x[1:])):
        raise ShapeFault(
            "SC101",
            f'model "{m.keras_name}" expects input shape {format_shape(want)} but is called on {format_shape(x)}',
            fix="build the inner model for the input the wrapper gives it (Input((None, None, channels)) "
                "with global pooling takes any frame size)",
        )


class ModelAsLayer:
    """The spec-like face of a model used as a wrapped layer."""

    def __init__(self, model: ModelV, weights_of) -> None:
        self.model = model
        self.class_name = model.user_class.name if model.user_class else (
            "Sequential" if model.kind == "sequential" else "Functional")
        self._weights_of = weights_of  # LayerV -> list[Weight] | None

    def output_shape(self, cfg, inputs):
        m = self.model
        if len(inputs) != 1:
            return None
        x = inputs[0]
        if x is None:
            return None
        if m.kind == "sequential":
            # a Sequential runs its layers on the new input: its input check raises while the graph is built
            _declared_input_fault(m, x)
        if m.kind == "sequential" and m.layers:
            for layer in m.layers:
                if layer.spec is None:
                    return None
                x = layer.spec.output_shape(layer.cfg, [x])
                if x is None or isinstance(x, list):
                    return None
            return x
        if len(m.inputs) == 1 and len(m.outputs) == 1 and _agrees(m.inputs[0].shape, x):
            out = m.outputs[0].shape
            return None if out is None else (x[0],) + tuple(out[1:])
        return None

    def data_fault(self, cfg, inputs):
        """A Functional model answers the wrapper's shape question from its graph
        (no input check), so Keras builds the wrapper; the check raises when data flows."""
        if self.model.kind == "sequential" or len(inputs) != 1 or inputs[0] is None:
            return None
        try:
            _declared_input_fault(self.model, inputs[0])
        except ShapeFault as fault:
            return fault.message, fault.fix
        return None

    def weights(self, cfg, inputs) -> Optional[list]:
        out = []
        for layer in self.model.unique_layers():
            got = self._weights_of(layer)
            if got is None:
                return None
            out.extend(got if not self.model.frozen else [Weight(w.name, w.shape, False, w.dtype) for w in got])
        return out
