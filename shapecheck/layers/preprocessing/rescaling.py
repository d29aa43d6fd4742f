"""Rescaling: ``x * scale + offset``; shape unchanged, no weights."""
from ..base import REQUIRED, LayerSpec, register, single


@register
class Rescaling(LayerSpec):
    class_name = "Rescaling"
    family = "preprocessing"
    params = {"scale": REQUIRED, "offset": 0.0}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
