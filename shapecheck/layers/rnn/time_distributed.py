"""TimeDistributed: applies a layer to every step of axis 1.

The inner layer sees (batch, *input[2:]); its output gets the time axis put
back at position 1.  Keras refuses inputs of rank < 3.
"""
from ..base import REQUIRED, LayerSpec, NestedLayer, ShapeFault, register, single
from ..shape import format_shape


@register
class TimeDistributed(LayerSpec):
    class_name = "TimeDistributed"
    family = "rnn"
    params = {"layer": REQUIRED}

    def validate(self, cfg):
        layer = cfg.get("layer")
        if isinstance(layer, (int, float, str, bool, tuple, list, dict)):
            raise ShapeFault(
                "SC107",
                f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: {layer!r}",
                arg="layer",
            )

    def child_input(self, inputs):
        x = single(inputs, self.class_name)
        if x is None:
            return None
        if len(x) < 3:
            raise ShapeFault(
                "SC107",
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                f"received: {format_shape(x)}",
            )
        return (x[0],) + tuple(x[2:])

    def output_shape(self, cfg, inputs):
        layer = cfg["layer"]
        child = self.child_input(inputs)
        if child is None or not isinstance(layer, NestedLayer):
            return None
        out = layer.spec.output_shape(layer.cfg, [child])
        if out is None:
            return None
        if isinstance(out, list):
            raise ShapeFault(
                "SC107",
                f"TimeDistributed cannot wrap a layer with several outputs ({layer.spec.class_name})",
                arg="layer",
            )
        return (out[0], inputs[0][1]) + tuple(out[1:])

    def data_fault(self, cfg, inputs):
        """The inner layer's faults when data flows, on the steps it is given."""
        layer = cfg.get("layer")
        if not isinstance(layer, NestedLayer) or len(inputs) != 1 or inputs[0] is None or len(inputs[0]) < 3:
            return None
        return layer.spec.data_fault(layer.cfg, [self.child_input(inputs)])

    def weights(self, cfg, inputs):
        layer = cfg["layer"]
        child = self.child_input(inputs)
        if child is None or not isinstance(layer, NestedLayer):
            return []
        return layer.spec.weights(layer.cfg, [child])
