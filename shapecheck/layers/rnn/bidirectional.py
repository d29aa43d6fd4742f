"""Bidirectional: runs a recurrent layer forwards and a copy backwards, then merges.

Keras 3 rebuilds the backward copy from the forward layer's config with
``go_backwards=True`` (unless ``backward_layer`` is given) and insists that the
two differ in ``go_backwards`` and agree on ``stateful``, ``return_sequences``
and ``return_state``.  Its output shape comes from the *forward* layer only:
"concat" doubles the last axis, "sum"/"mul"/"ave" keep it, None gives both
outputs as a list; states follow, forward ones first.
"""
from ..base import REQUIRED, LayerSpec, NestedLayer, ShapeFault, Weight, register
from ..shape import dim_mul

MERGE_MODES = ("sum", "mul", "ave", "concat", None)
COMMON_FLAGS = ("stateful", "return_sequences", "return_state")


def _is_recurrent(nested: NestedLayer) -> bool:
    return "go_backwards" in nested.spec.params


@register
class Bidirectional(LayerSpec):
    class_name = "Bidirectional"
    family = "rnn"
    params = {"layer": REQUIRED, "merge_mode": "concat", "weights": None, "backward_layer": None}

    def validate(self, cfg):
        layer = cfg.get("layer")
        if not isinstance(layer, NestedLayer):
            if isinstance(layer, (int, float, str, bool, tuple, list, dict)):
                raise ShapeFault(
                    "SC107",
                    f"Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: {layer!r}",
                    arg="layer",
                )
            return
        backward = cfg.get("backward_layer")
        if backward is not None and isinstance(backward, (int, float, str, bool, tuple, list, dict)):
            raise ShapeFault(
                "SC107",
                f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward!r}",
                arg="backward_layer",
            )
        mode = cfg.get("merge_mode")
        if (mode is None or isinstance(mode, str)) and mode not in MERGE_MODES:
            raise ShapeFault(
                "SC108",
                f"Invalid merge mode. Received: {mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}',
                arg="merge_mode",
            )
        if not _is_recurrent(layer):
            raise ShapeFault(
                "SC107",
                f"Bidirectional needs a recurrent layer (one with `go_backwards`); got {layer.spec.class_name}",
                arg="layer",
            )
        back = self.backward(cfg)
        if isinstance(back, NestedLayer):
            if not _is_recurrent(back):
                raise ShapeFault(
                    "SC107",
                    f"Bidirectional's backward_layer must be a recurrent layer; got {back.spec.class_name}",
                    arg="backward_layer",
                )
            fwd_back, bwd_back = layer.cfg.get("go_backwards"), back.cfg.get("go_backwards")
            if isinstance(fwd_back, bool) and isinstance(bwd_back, bool) and fwd_back == bwd_back:
                raise ShapeFault(
                    "SC107",
                    "Forward layer and backward layer should have different `go_backwards` value. Received: "
                    f"forward_layer.go_backwards {fwd_back}, backward_layer.go_backwards={bwd_back}",
                    arg="backward_layer" if backward is not None else "layer",
                )
            for flag in COMMON_FLAGS:
                a, b = layer.cfg.get(flag), back.cfg.get(flag)
                if isinstance(a, bool) and isinstance(b, bool) and a != b:
                    raise ShapeFault(
                        "SC107",
                        f'Forward layer and backward layer are expected to have the same value for attribute "{flag}", '
                        f'got "{a}" for forward layer and "{b}" for backward layer',
                        arg="backward_layer",
                    )

    def backward(self, cfg):
        """The backward layer Keras uses: the given one, or a go_backwards copy."""
        given = cfg.get("backward_layer")
        if given is not None:
            return given
        layer = cfg["layer"]
        return NestedLayer(layer.spec, {**layer.cfg, "go_backwards": True}, dict(layer.base))

    def output_shape(self, cfg, inputs):
        layer = cfg["layer"]
        if not isinstance(layer, NestedLayer):
            return None
        self.validate(cfg)
        out = layer.spec.output_shape(layer.cfg, inputs)
        back = self.backward(cfg)
        if isinstance(back, NestedLayer):
            # Keras builds the backward layer too, which checks the input again.
            back.spec.output_shape(back.cfg, inputs)
        if out is None:
            return None
        states = []
        if isinstance(out, list):
            out, states = out[0], out[1:]
        mode = cfg["merge_mode"]
        if mode not in MERGE_MODES:
            return None  # a merge mode the analyzer could not read
        if mode == "concat":
            out = tuple(out[:-1]) + (dim_mul(out[-1], 2),)
        if mode is None:
            merged = [out, out]
        else:
            merged = [out]
        if states:
            return merged + states + states
        return merged if mode is None else out

    def weights(self, cfg, inputs):
        layer = cfg["layer"]
        if not isinstance(layer, NestedLayer):
            return []
        back = self.backward(cfg)
        w = [Weight(f"forward/{x.name}", x.shape, x.trainable) for x in layer.spec.weights(layer.cfg, inputs)]
        if isinstance(back, NestedLayer):
            w += [Weight(f"backward/{x.name}", x.shape, x.trainable) for x in back.spec.weights(back.cfg, inputs)]
        return w

