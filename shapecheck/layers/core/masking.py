"""Masking: marks time steps equal to ``mask_value``; shape unchanged."""
from ..base import LayerSpec, register, single


@register
class Masking(LayerSpec):
    class_name = "Masking"
    family = "core"
    params = {"mask_value": 0.0}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
