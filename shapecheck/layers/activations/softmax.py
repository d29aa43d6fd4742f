"""Softmax layer: shape unchanged.  Keras checks ``axis`` only when it runs."""
from ..base import LayerSpec, register, single


@register
class Softmax(LayerSpec):
    class_name = "Softmax"
    family = "activations"
    params = {"axis": -1}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
