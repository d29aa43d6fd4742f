"""Flatten: collapse every axis but the batch axis."""
from ..base import LayerSpec, ShapeFault, register, single
from ..shape import dim_prod


@register
class Flatten(LayerSpec):
    class_name = "Flatten"
    family = "reshaping"
    params = {"data_format": None}

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        rest = x[1:]
        if cfg.get("data_format") == "channels_first" and len(rest) > 1:
            rest = (rest[-1],) + tuple(rest[:-1])
        # Keras 3 keeps None when any non-batch axis is None (it does not raise).
        if any(d is None for d in rest):
            return (x[0], None)
        return (x[0], dim_prod(rest))
