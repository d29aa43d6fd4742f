"""Activation: applies a named activation element-wise; shape unchanged."""
from ..base import REQUIRED, LayerSpec, register, single


@register
class Activation(LayerSpec):
    class_name = "Activation"
    family = "core"
    params = {"activation": REQUIRED}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
