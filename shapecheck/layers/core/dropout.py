"""Dropout: identity shape; Keras checks the rate in ``__init__``."""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, single
from ..shape import is_known


@register
class Dropout(LayerSpec):
    class_name = "Dropout"
    family = "core"
    params = {"rate": REQUIRED, "noise_shape": None, "seed": None}

    def validate(self, cfg):
        rate = cfg.get("rate")
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and not 0 <= rate <= 1:
            raise ShapeFault(
                "SC108",
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}",
                arg="rate",
            )

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
